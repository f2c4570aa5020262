"""Scanning: every file of a built site checked against the fingerprints of paid text.

Each file is read as a reader could read it (`contents`: unpacked, decoded), reduced to
its visible words (`normalize`) and its shingles looked up (`fingerprints`). A hit names
the file, the paid page and a snippet of the text around it. A hit on an allow-listed
phrase, or in an allow-listed file, is logged instead. A deployed copy of a paid page's
Markdown source, or a source map naming one, is a leak however little text it holds.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from toolkit.errors import FolioError
from toolkit.leakguard.contents import read_bytes, read_contents
from toolkit.leakguard.fingerprints import Fingerprints, Hit
from toolkit.leakguard.normalize import kind_of, normalize
from toolkit.leakguard.private import PRIVATE_MARKER, PRIVATE_REASON

MAX_LEAKS_PER_FILE = 3
SNIPPET_CHARS = 80

__all__ = ["Allowed", "Fingerprints", "Leak", "LeakError", "Report", "SiteScan", "check_site", "scan_files",
           "scan_report", "scan_site", "site_files"]


@dataclass(frozen=True)
class Leak:
    """One piece of paid text (or one forbidden file) found in the site."""

    file: str  # path relative to the site dir, POSIX (`book.epub!/ch1.xhtml` inside an archive)
    page: str  # source page of the paid text, or "" for a forbidden file
    snippet: str  # the leaked text as found, or why the file must not be deployed

    def __str__(self) -> str:
        if not self.page:
            return f"{self.file}: must not be deployed: {self.snippet}"
        return f'{self.file}: paid text of {self.page}: "{self.snippet}"'


@dataclass(frozen=True)
class Allowed:
    """Paid text found where the `leak_guard: allow:` list says it may be: logged, not raised."""

    file: str
    page: str
    rule: str  # the allow-list entry that let it through

    def __str__(self) -> str:
        return f"{self.file}: paid text of {self.page} allowed by `{self.rule}`"


@dataclass
class Report:
    """What a scan of a site found and what it could not read."""

    leaks: list[Leak] = field(default_factory=list)
    allowed: list[Allowed] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, why), read in part or not at all
    scanned: int = 0  # files read
    media: int = 0  # images, fonts, audio, video: not read

    def raise_for_leaks(self) -> None:
        if self.leaks:
            raise LeakError(self.leaks)


class LeakError(FolioError):
    """Raised when the built site contains paid text or a forbidden file."""

    def __init__(self, leaks: list[Leak]):
        self.leaks = sorted(leaks, key=lambda leak: leak.file)
        count = len(self.leaks)
        lines = [f"Leak guard: {count} leak{'s' if count != 1 else ''} of paid content in the built site:"]
        lines += [f"  {leak}" for leak in self.leaks]
        lines += [
            "What to do: find what wrote that text into that file (a theme template or override, a hook, "
            "another plugin, an extra file, an include in a public page) and remove it there, then build again.",
            "If the text is meant to be public anyway, list it in mkdocs.yml under "
            "plugins > folio > leak_guard > allow (the sentence, or `file: PATH` for a whole output file); "
            "each use is logged.",
        ]
        super().__init__("\n".join(lines))


def scan_site(site_dir: Path, fingerprints: Fingerprints, paid_sources: Iterable[str] = ()) -> list[Leak]:
    """Give every leak in `site_dir` (see `scan_report`)."""
    return scan_report(site_dir, fingerprints, paid_sources).leaks


def scan_report(site_dir: Path, fingerprints: Fingerprints, paid_sources: Iterable[str] = (),
                trusted_dirs: Iterable[Path] = (), allow_files: Iterable[str] = ()) -> Report:
    """Give the report of a scan of every file in `site_dir`.

    `paid_sources` are docs-relative paths of paid pages: a deployed copy of one (a file
    whose path ends with it) or a source map naming one is a leak. Files byte-identical to
    one in `trusted_dirs` (an installed theme's own assets) are skipped. A leak in a file
    matching an `allow_files` pattern is reported as allowed. At most MAX_LEAKS_PER_FILE
    leaks are reported per file.
    """
    return scan_files(site_dir, site_files(site_dir, trusted_dirs), fingerprints, paid_sources, allow_files)


def scan_files(site_dir: Path, files: Iterable[Path], fingerprints: Fingerprints, paid_sources: Iterable[str] = (),
               allow_files: Iterable[str] = ()) -> Report:
    """Give the report of a scan of `files`, some of the files of `site_dir` (see `scan_report`)."""
    site_dir = Path(site_dir)
    scan = SiteScan(fingerprints, paid_sources, allow_files)
    for path in files:
        scan.file(path, path.relative_to(site_dir).as_posix())
    return scan.report


def check_site(site_dir: Path, fingerprints: Fingerprints, paid_sources: Iterable[str] = ()) -> Report:
    """Raise LeakError naming every leak in `site_dir`; give the report when it is clean."""
    report = scan_report(site_dir, fingerprints, paid_sources)
    report.raise_for_leaks()
    return report


def site_files(site_dir: Path, trusted_dirs: Iterable[Path] = ()) -> list[Path]:
    """Every file under `site_dir`, sorted, less those byte-identical to a file at the same
    relative path in one of `trusted_dirs` (an installed theme's own assets, which no author
    or plugin wrote)."""
    site_dir = Path(site_dir)
    files = []
    for root, dirs, names in os.walk(site_dir):
        dirs.sort()
        files += [Path(root, name) for name in sorted(names)]
    trusted = [Path(d) for d in trusted_dirs]
    if not trusted:
        return files
    return [path for path in files if not _shipped_by(path, site_dir, trusted)]


def _shipped_by(path: Path, site_dir: Path, trusted: list[Path]) -> bool:
    rel = path.relative_to(site_dir)
    for root in trusted:
        original = root / rel
        try:
            if original.stat().st_size == path.stat().st_size and original.read_bytes() == path.read_bytes():
                return True
        except OSError:
            continue
    return False


class SiteScan:
    """Scans the files of one site into a Report, remembering the HTML chunks already found clean.

    A themed site repeats the same navigation, header, footer and icons in every page:
    most of each HTML file is a block seen, and found clean, in an earlier file. Those
    chunks (split after the closing tag of a list item, div, nav, header, footer, script
    or svg) are skipped, which makes the scan several times faster. What this gives up:
    a shingle that straddles the end of such a block, that is, text running across two
    blocks. Chunks from a file with any hit are never remembered.
    """

    CHUNK_END = re.compile(r"</(?:li|div|nav|header|footer|script|svg)>")

    def __init__(self, fingerprints: Fingerprints, paid_sources: Iterable[str] = (), allow_files: Iterable[str] = ()):
        self.fingerprints = fingerprints
        self.sources = tuple(_posix(s) for s in paid_sources)
        self.allow_files = tuple(allow_files)
        self.report = Report()
        self._clean_chunks: set[str] = set()
        self._clean_strings: set[str] = set()  # JSON strings found clean before their file was written
        self._early: dict[str, tuple[bytes, Report]] = {}  # site file -> SHA-256 of the bytes scanned, report

    def early(self, path: Path, rel: str) -> None:
        """Scan a site file while the site is still being built, keeping its report for `file`.

        The report counts only if the file's bytes are the same when `file` comes to it
        (compared by SHA-256); a file changed since, by a later plugin say, is scanned again.
        """
        try:
            data = path.read_bytes()
        except OSError:
            return  # gone or unreadable now: `file` tells
        self._early[str(path)] = (hashlib.sha256(data).digest(), self.file_report(path, rel, data))

    def strings_early(self, strings: list[str]) -> None:
        """Scan strings that a JSON file of the site will hold (a search index's entries, say) before
        the file is written. Found clean, each is skipped when `file` reads it in a JSON file: what
        is skipped is what was scanned, whatever the file's other bytes are."""
        if strings and not self.fingerprints.touches(normalize(_STRING_SEPARATOR.join(strings), "json")):
            self._clean_strings.update(strings)

    def file(self, path: Path, rel: str) -> None:
        """Scan one site file, `rel` being its POSIX path in the site."""
        early = self._early.pop(str(path), None)
        if early is None:
            self._add(self.file_report(path, rel))
            return
        try:
            data = path.read_bytes()
        except OSError:
            self._add(self.file_report(path, rel))  # reports it as unreadable
            return
        same = hashlib.sha256(data).digest() == early[0]
        self._add(early[1] if same else self.file_report(path, rel, data))

    def _add(self, one: Report) -> None:
        self.report.leaks += one.leaks
        self.report.allowed += one.allowed
        self.report.unreadable += one.unreadable
        self.report.scanned += one.scanned
        self.report.media += one.media

    def file_report(self, path: Path, rel: str, data: bytes | None = None) -> Report:
        """Give the report of one site file (its bytes `data`, when already read)."""
        one = Report()
        found = _forbidden_copy(rel, self.sources)
        try:
            contents = read_contents(path, rel) if data is None else read_bytes(data, rel)
        except OSError as exc:
            one.unreadable.append((rel, f"cannot be read ({exc.strerror or exc})"))
            one.leaks += found
            return one
        one.scanned = 1
        one.media = int(contents.media)
        one.unreadable += contents.unreadable
        allowed: list[Allowed] = []
        for part in contents.parts:
            if PRIVATE_MARKER in part.text:
                found.append(Leak(part.name, "", PRIVATE_REASON))
            if part.name.endswith(".map"):
                found += _source_map_leaks(part.name, part.text, self.sources)
            leaks, hits_allowed = self.text(part.name, part.text)
            found += leaks
            allowed += hits_allowed
        rule = next((pattern for pattern in self.allow_files if fnmatch.fnmatchcase(rel, pattern)), None)
        if rule is not None:
            allowed += [Allowed(leak.file, leak.page or "(deployed source)", f"file: {rule}") for leak in found]
            found = []
        one.leaks = _dedupe(found)[:MAX_LEAKS_PER_FILE]
        one.allowed = _dedupe(allowed)
        return one

    def text(self, name: str, text: str) -> tuple[list[Leak], list[Allowed]]:
        """Give the paid passages in the text of file `name`, and the allow-listed ones."""
        chunks = self.CHUNK_END.split(text) if name.endswith((".html", ".htm")) else None
        if chunks and len(chunks) > 1:
            known = self._clean_chunks
            text = "\n".join([chunk for chunk in chunks if chunk not in known])
        kind = kind_of(name)
        if kind == "json" and self._clean_strings:
            text = self._unknown_strings(text)
        clean = normalize(text, kind)
        if self.fingerprints.touches(clean):
            return _text_leaks(name, clean, self.fingerprints.locate(clean))
        if chunks:
            self._clean_chunks.update(chunks)
        return [], []

    def _unknown_strings(self, text: str) -> str:
        """Give the strings (keys and values) of JSON `text` not already found clean, joined; or `text`
        itself when it is not JSON. Strings are scanned each on its own: a sentence split across
        two of them (with a key or other values between, in the file) is not seen."""
        try:
            data = json.loads(text)
        except ValueError:
            return text
        known = self._clean_strings
        return _STRING_SEPARATOR.join(s for s in _json_strings(data) if s not in known)


# Joins strings scanned as one text: `<` and `>` end any tag, entity or escape at each seam, so
# nothing in one string can hide text of the next one from `normalize`.
_STRING_SEPARATOR = "\n<>\n"


def _json_strings(data) -> Iterable[str]:
    """Every string in parsed JSON, object keys included, in document order."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                stack.append(value)
                stack.append(key)
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif item is not None and not isinstance(item, bool):
            yield str(item)  # a number: raw text has it between the words too


def _dedupe(items: list) -> list:
    return list(dict.fromkeys(items))


_LEADING_DOTS = re.compile(r"^(?:\.{0,2}/)+")


def _posix(path: str) -> str:
    """Give `path` with forward slashes and no leading "/", "./" or "../"."""
    return _LEADING_DOTS.sub("", path.replace("\\", "/"))


def _ends_with_source(path: str, sources: tuple[str, ...]) -> str | None:
    """Give the paid source `path` is a copy of (same trailing path components), if any."""
    path = _posix(path.split("?", 1)[0])
    for source in sources:
        if path == source or path.endswith("/" + source):
            return source
    return None


def _forbidden_copy(rel: str, sources: tuple[str, ...]) -> list[Leak]:
    source = _ends_with_source(rel.removesuffix(".gz"), sources)
    if source is None:
        return []
    return [Leak(rel, "", f"Markdown source of paid page {source} is deployed")]


def _source_map_leaks(rel: str, text: str, sources: tuple[str, ...]) -> list[Leak]:
    """Give a leak if a source map lists a paid page among its sources (its content is scanned as text)."""
    try:
        listed = json.loads(text).get("sources") or []
    except (ValueError, AttributeError):
        listed = []
    for entry in listed:
        source = _ends_with_source(str(entry), sources) if isinstance(entry, str) else None
        if source:
            return [Leak(rel, "", f"source map lists paid page {source}")]
    return []


def _text_leaks(name: str, clean: str, hits: list[Hit]) -> tuple[list[Leak], list[Allowed]]:
    """Give up to MAX_LEAKS_PER_FILE leaks, one per separate passage of paid text, and the allowed hits."""
    leaks: list[Leak] = []
    allowed = _dedupe([Allowed(name, hit.page, hit.allowed_by) for hit in hits if hit.allowed_by])
    passage_end = -1
    for hit in hits:
        if hit.allowed_by or hit.offset <= passage_end:
            continue  # allowed, or still inside the passage already reported
        leaks.append(Leak(name, hit.page, snippet_at(clean, hit.offset)))
        if len(leaks) == MAX_LEAKS_PER_FILE:
            break
        passage_end = hit.offset + 4 * SNIPPET_CHARS
    return leaks, allowed


def snippet_at(text: str, offset: int) -> str:
    """Give about SNIPPET_CHARS characters of `text` from `offset`, whitespace collapsed."""
    words = text[offset : offset + 3 * SNIPPET_CHARS].split()
    snippet = " ".join(words)
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rstrip() + "…"
    return ("…" if offset > 0 else "") + snippet
