"""Leak guard: find paid text anywhere in a built site.

Every paid remainder is cut into overlapping shingles (8 consecutive word
tokens, and 12 consecutive CJK characters), hashed to ints. After a build,
every file in the site is decoded (gzip included), reduced by the same
normalization, and its shingles are looked up. A hit names the file, the paid
page and a snippet of the text around it.

Normalization is shared by both sides so that Markdown source on one side and
HTML, JSON, XML or JS on the other reduce to the same token stream: tags and
Markdown marks are dropped, entities and (in JSON/JS files) string escapes are
undone, text is casefolded, and punctuation and underscores separate words.

Hashes use Python's built-in ``hash``: str hashing is randomized per process,
so fingerprints are only valid within the process that built them. That is
fine, they are rebuilt on every build and never stored.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import zlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from toolkit.errors import FolioError

WORD_SHINGLE = 8  # a sentence of 8+ words is caught; common short phrases are not
CJK_SHINGLE = 12  # about half a Chinese sentence; short idioms stay below it
MAX_LEAKS_PER_FILE = 3
SNIPPET_CHARS = 80

# Han, Hiragana, Katakana, Hangul (jamo, compatibility jamo, syllables), CJK compatibility.
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# Words are letters/digits only: `_` and punctuation separate them, so `foo_bar`,
# `foo\_bar` and `foo.bar` give the same tokens. A CJK run is one word-stream token;
# its characters are shingled separately in the CJK stream.
_WORD = re.compile(rf"[^\W_{_CJK}]+|[{_CJK}]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
# Attribute values that browsers, feeds and crawlers show as text (meta description,
# alt text, titles): kept, so a leak through them is caught too. One pattern per name:
# a literal prefix lets the regex engine skip ahead at C speed.
# `value` and `data-*` attributes are shipped to every reader as well (hidden inputs, data for
# scripts); single-quoted values count as much as double-quoted ones.
_TEXT_ATTRS = tuple(
    (prefix, re.compile(f"{pattern}{quote}([^{quote}]*){quote}"))
    for prefix, pattern in [(f"{name}=", f"{name}=") for name in
                            ("alt", "title", "content", "aria-label", "placeholder", "value")]
    + [("data-", r"data-[\w-]+=")]
    for quote in ('"', "'")
)
# ASCII text is split by str.translate + str.split (several times faster than a regex),
# giving exactly what _WORD gives on ASCII: runs of letters and digits.
_ASCII_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w{0,31});")
_JS_UNICODE_RUN = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_JS_ESCAPES = (("\\n", " "), ("\\r", " "), ("\\t", " "), ('\\"', '"'), ("\\'", "'"), ("\\/", "/"))

# Markdown syntax that produces no visible text: link destinations, reference
# definitions, attribute lists, admonition keywords, fence info strings.
_MD_LINK_DEST = re.compile(r"\]\(\s*<?[^()\s>]*>?(?:\s+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_MD_IMAGE_ALT = re.compile(r"!\[([^\]\n]*)\]")
_MD_REF_LINK = re.compile(r"\]\[[^\]\n]*\]")
_MD_REF_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_MD_ATTR_LIST = re.compile(r"\{:?[ \t]*[#.][^}\n]*\}")
_MD_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+[\w-]+)*", re.M)
_MD_FENCE_INFO = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*", re.M)

_JSON_SUFFIXES = frozenset({".json", ".js", ".mjs", ".cjs", ".map", ".jsonl", ".webmanifest"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
# Read nothing from these: they cannot carry readable text (and zip is not unpacked).
_BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .avif .ico .bmp .tif .tiff .woff .woff2 .ttf .otf .eot "
    ".zip .epub .pdf .mp3 .mp4 .webm .ogg .wav .mov .7z .bz2 .xz .br .wasm".split()
)


@dataclass(frozen=True)
class Leak:
    """One piece of paid text (or one forbidden file) found in the site."""

    file: str  # path relative to the site dir, POSIX
    page: str  # source page of the paid text, or "" for a forbidden file
    snippet: str  # the leaked text as found, or why the file must not be deployed

    def __str__(self) -> str:
        if not self.page:
            return f"{self.file}: must not be deployed: {self.snippet}"
        return f'{self.file}: paid text of {self.page}: "{self.snippet}"'


class LeakError(FolioError):
    """Raised when the built site contains paid text or a forbidden file."""

    def __init__(self, leaks: list[Leak]):
        self.leaks = list(leaks)
        count = len(self.leaks)
        lines = [f"Leak guard: {count} leak{'s' if count != 1 else ''} of paid content in the built site:"]
        lines += [f"  {leak}" for leak in self.leaks]
        lines.append(
            "Remove it from the template/extra file that put it there (or delete the deployed file), "
            "or mark the text free (`access: free`) if it is meant to be public; then build again."
        )
        super().__init__("\n".join(lines))


# --- normalization -------------------------------------------------------------------------


def normalize(text: str, kind: str = "text") -> str:
    """Give the visible text of `text`, a "markdown", "json" (JSON/JS) or other ("text") file.

    The result keeps case and layout (for snippets); `tokens` casefolds it.
    """
    if kind == "json" and "\\" in text:
        text = _unescape_js(text)
    if kind == "markdown":
        text = _strip_markdown(text)
    if "CDATA[" in text:
        text = _CDATA.sub(" ", text)
    # Feeds and search indexes carry HTML escaped once or twice more: peel each layer.
    for _ in range(3):
        text = _strip_tags(text)
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return " ".join(text.split())


def _unescape_js(text: str) -> str:
    """Give `text` with JSON/JS string escapes undone (\\u4e2d, \\n, \\", \\/ …).

    Plain str.replace runs at C speed; only \\uXXXX runs need a regex. An escaped
    backslash becomes a space: a backslash separates tokens anyway.
    """
    text = text.replace("\\\\", " ")
    if "\\u" in text:
        text = _JS_UNICODE_RUN.sub(_decode_unicode_run, text)
    for escape, value in _JS_ESCAPES:
        if escape in text:
            text = text.replace(escape, value)
    return text


def _decode_unicode_run(match: re.Match) -> str:
    # A run decodes at once so surrogate pairs (\\ud83d\\ude00) join into one character.
    decoded = match.group().encode("ascii").decode("unicode_escape")
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _strip_markdown(text: str) -> str:
    """Give Markdown source without the syntax that never shows up as text.

    Image alt text and link titles end up in HTML attributes, which `_strip_tags` moves
    after the running text; they are moved there here too, so both sides line up.
    """
    moved: list[str] = []
    text = _MD_FENCE_INFO.sub(" ", text)
    text = _MD_ADMONITION.sub(" ", text)
    text = _MD_REF_DEF.sub(" ", text)
    text = _MD_IMAGE_ALT.sub(lambda m: _move(m.group(1), moved, "[]"), text)
    text = _MD_LINK_DEST.sub(lambda m: _move((m.group(1) or "  ")[1:-1], moved, "] "), text)
    text = _MD_REF_LINK.sub("] ", text)
    text = _MD_ATTR_LIST.sub(" ", text)
    return "\n".join([text, *moved]) if moved else text


def _move(value: str, moved: list[str], replacement: str) -> str:
    if value.strip():
        moved.append(value)
    return replacement


def _strip_tags(text: str) -> str:
    """Give `text` without HTML comments and tags, keeping text-bearing attribute values."""
    if "<" not in text:
        return text
    # Comments are deployed bytes too: their text is kept, after the running text.
    comments = []
    if "<!--" in text:
        comments = [m[4:-3] for m in _COMMENT.findall(text)]
        text = _COMMENT.sub(" ", text)
    # Attribute values go after the text, each on its own: good enough to find them,
    # without breaking the shingles of the running text around inline tags.
    attributes = [value for prefix, pattern in _TEXT_ATTRS if prefix in text for value in pattern.findall(text)]
    text = _TAG.sub(" ", text)
    extra = comments + attributes
    return "\n".join([text, *extra]) if extra else text


def tokens(text: str) -> list[str]:
    """Give the casefolded word tokens of normalized text (a CJK run is one token)."""
    folded = text.casefold()
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return _WORD.findall(folded)


def cjk_stream(text: str) -> str:
    """Give every CJK character of `text`, in order, with everything else left out."""
    return "" if text.isascii() else "".join(_CJK_RUN.findall(text))


def _word_shingles(words: list[str]) -> Iterator[tuple[str, ...]]:
    # zip over shifted lists builds every window in C: no Python-level loop per token.
    return zip(*(words[i:] for i in range(WORD_SHINGLE)))


def _cjk_shingles(chars: str, size: int = CJK_SHINGLE) -> Iterator[str]:
    count = len(chars) - size + 1
    if count <= 0:
        return iter(())
    return map(chars.__getitem__, map(slice, range(count), range(size, count + size)))


def _streams(markdown: str) -> tuple[list[str], str]:
    """Give the word tokens and the CJK characters of Markdown source."""
    clean = normalize(markdown, "markdown")
    return tokens(clean), cjk_stream(clean)


# A paid shingle holding this many consecutive public tokens is public text plus a word or
# two of whatever follows it on a page (a heading, the paywall box): never a fingerprint.
PUBLIC_RUN = WORD_SHINGLE - 2
CJK_PUBLIC_RUN = CJK_SHINGLE - 3


def _windows(units: list[str] | str, size: int) -> list:
    """Give every `size` consecutive units: tuples of words, or substrings of CJK characters."""
    if isinstance(units, str):
        return list(_cjk_shingles(units, size))
    return list(zip(*(units[i:] for i in range(size))))


def _all_hashes(markdown: str) -> set[int]:
    """Give the hashes of every shingle and every shorter public run of (public) Markdown."""
    words, chars = _streams(markdown)
    found: set[int] = set()
    for units, sizes in ((words, (WORD_SHINGLE, PUBLIC_RUN)), (chars, (CJK_SHINGLE, CJK_PUBLIC_RUN))):
        for size in sizes:
            found.update(map(hash, _windows(units, size)))
    return found


def _paid_hashes(markdown: str, public: set[int]) -> Iterator[int]:
    """Give the hashes of the shingles of paid Markdown worth looking for."""
    words, chars = _streams(markdown)
    strong_words = [len(word) >= 3 and not word.isdigit() for word in words]
    yield from _private_hashes(words, WORD_SHINGLE, PUBLIC_RUN, public, _enough_strong(strong_words, WORD_SHINGLE, 3))
    yield from _private_hashes(chars, CJK_SHINGLE, CJK_PUBLIC_RUN, public, _varied(chars, CJK_SHINGLE, 4))


def _private_hashes(units, size: int, run: int, public: set[int], distinctive: list[bool]) -> Iterator[int]:
    """Give the hashes of the distinctive shingles of `units` that are not mostly public text.

    Dropped: a shingle holding a public run of `run` units, or one more than half covered
    by public shingles. Either could match public text followed by any word on a public
    page (an import line, then `async`; a teaser's last words, then the paywall box).
    """
    hashes = list(map(hash, _windows(units, size)))
    public_runs = _prefix_sums(hash(w) in public for w in _windows(units, run))
    covered = [0] * (len(hashes) + size)
    for i, digest in enumerate(hashes):
        if digest in public:
            covered[i : i + size] = [1] * size
    covered = _prefix_sums(covered)
    span = size - run + 1  # the runs that fit inside one shingle
    for i, digest in enumerate(hashes):
        mostly_private = covered[i + size] - covered[i] <= size // 2
        if mostly_private and distinctive[i] and public_runs[i + span] == public_runs[i]:
            yield digest


def _prefix_sums(flags: Iterable) -> list[int]:
    return list(accumulate(flags, initial=0))


def _enough_strong(strong: list[bool], size: int, needed: int) -> list[bool]:
    """Tell, per shingle, whether it has `needed` real words (3+ letters, not a number)."""
    sums = _prefix_sums(strong)
    return [sums[i + size] - sums[i] >= needed for i in range(len(strong) - size + 1)]


def _varied(chars: str, size: int, needed: int) -> list[bool]:
    """Tell, per CJK shingle, whether it has `needed` different characters (not 哈哈哈哈…)."""
    return [len(set(chars[i : i + size])) >= needed for i in range(len(chars) - size + 1)]


# --- fingerprints --------------------------------------------------------------------------


class Fingerprints:
    """The shingle hashes of every paid remainder, each mapped to its source page."""

    def __init__(self, owners: dict[int, str]):
        self._owners = owners

    @classmethod
    def build(cls, paid: Mapping[str, str], public: Iterable[str] = ()) -> "Fingerprints":
        """Give fingerprints of `paid` (page -> paid Markdown), minus shingles found in `public` texts.

        Dropping public shingles keeps shared boilerplate (an import line, a phrase the
        teaser repeats) from ever raising a false alarm.
        """
        public_hashes: set[int] = set()
        for text in public:
            public_hashes |= _all_hashes(text)
        owners: dict[int, str] = {}
        for page, text in paid.items():
            for digest in _paid_hashes(text, public_hashes):
                owners.setdefault(digest, page)
        return cls(owners)

    def __len__(self) -> int:
        return len(self._owners)

    @property
    def pages(self) -> frozenset[str]:
        """Give the paid pages that still have at least one fingerprint."""
        return frozenset(self._owners.values())

    def touches(self, clean: str) -> bool:
        """Tell whether normalized text shares any shingle with the paid text (fast path)."""
        known = self._owners.keys()
        if not known.isdisjoint(map(hash, _word_shingles(tokens(clean)))):
            return True
        chars = cjk_stream(clean)
        return bool(chars) and not known.isdisjoint(map(hash, _cjk_shingles(chars)))

    def locate(self, clean: str) -> list[tuple[int, str]]:
        """Give (offset in `clean`, paid page) of every shingle of normalized text that is paid."""
        folded = clean.casefold()
        hits = self._locate_words(folded) + self._locate_cjk(folded)
        if len(folded) != len(clean):  # casefolding changed lengths (ß -> ss): offsets are approximate
            hits = [(min(offset, len(clean) - 1), page) for offset, page in hits]
        return sorted(hits)

    def _locate_words(self, folded: str) -> list[tuple[int, str]]:
        matches = list(_WORD.finditer(folded))
        words = [m.group() for m in matches]
        return self._hits(map(hash, _word_shingles(words)), [m.start() for m in matches])

    def _locate_cjk(self, folded: str) -> list[tuple[int, str]]:
        offsets = [i for m in _CJK_RUN.finditer(folded) for i in range(m.start(), m.end())]
        chars = "".join(folded[i] for i in offsets)
        return self._hits(map(hash, _cjk_shingles(chars)), offsets)

    def _hits(self, digests: Iterable[int], offsets: list[int]) -> list[tuple[int, str]]:
        owners = self._owners
        return [(offsets[i], owners[d]) for i, d in enumerate(digests) if d in owners]


# --- scanning ------------------------------------------------------------------------------


def scan_site(site_dir: Path, fingerprints: Fingerprints, paid_sources: Iterable[str] = ()) -> list[Leak]:
    """Give every leak in `site_dir`: paid text in any textual file, or a file that must not be deployed.

    `paid_sources` are docs-relative paths of paid pages; a deployed copy of one (a file
    whose path ends with it) or a source map naming one is a leak. At most
    MAX_LEAKS_PER_FILE leaks are reported per file.
    """
    site_dir = Path(site_dir)
    return scan_files(site_dir, site_files(site_dir), fingerprints, paid_sources)


def scan_files(site_dir: Path, paths: Iterable[Path], fingerprints: Fingerprints,
               paid_sources: Iterable[str] = ()) -> list[Leak]:
    """Give every leak in `paths`, files inside `site_dir` (a share of the site, for parallel scans)."""
    scan = SiteScan(fingerprints, paid_sources)
    leaks: list[Leak] = []
    for path in paths:
        leaks += scan.file(path, path.relative_to(site_dir).as_posix())
    return leaks


def site_files(site_dir: Path, trusted_dirs: Iterable[Path] = ()) -> list[Path]:
    """Every file under `site_dir`, sorted, less those byte-identical to a file at the same
    relative path in one of `trusted_dirs` (an installed theme's own assets, which no author
    or plugin wrote)."""
    files = _site_files(Path(site_dir))
    trusted = [Path(d) for d in trusted_dirs]
    if not trusted:
        return files
    return [path for path in files if not _shipped_by(path, Path(site_dir), trusted)]


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


def check_site(site_dir: Path, fingerprints: Fingerprints, paid_sources: Iterable[str] = ()) -> None:
    """Raise LeakError naming every leak in `site_dir`; return quietly when it is clean."""
    leaks = scan_site(site_dir, fingerprints, paid_sources)
    if leaks:
        raise LeakError(leaks)


class SiteScan:
    """Scans the files of one site, remembering the HTML chunks already found clean.

    A themed site repeats the same navigation, header, footer and icons in every page:
    most of each HTML file is a block seen, and found clean, in an earlier file. Those
    chunks (split after the closing tag of a list item, div, nav, header, footer, script
    or svg) are skipped, which makes the scan several times faster. What this gives up:
    a shingle that straddles the end of such a block, that is, text running across two
    blocks. Chunks from a file with any hit are never remembered.
    """

    CHUNK_END = re.compile(r"</(?:li|div|nav|header|footer|script|svg)>")

    def __init__(self, fingerprints: Fingerprints, paid_sources: Iterable[str] = ()):
        self.fingerprints = fingerprints
        self.sources = tuple(_posix(s) for s in paid_sources)
        self._clean_chunks: set[str] = set()

    def file(self, path: Path, rel: str) -> list[Leak]:
        """Give the leaks in one site file (at most MAX_LEAKS_PER_FILE), `rel` being its POSIX path."""
        leaks = _forbidden_copy(rel, self.sources)
        text = read_text(path)
        if text is None:
            return leaks
        if rel.endswith(".map"):
            leaks += _source_map_leaks(rel, text, self.sources)
        leaks += self.text(rel, text)
        return leaks[:MAX_LEAKS_PER_FILE]

    def text(self, rel: str, text: str) -> list[Leak]:
        """Give the paid passages in the text of file `rel`."""
        chunks = self.CHUNK_END.split(text) if rel.endswith((".html", ".htm")) else None
        if chunks and len(chunks) > 1:
            known = self._clean_chunks
            text = "\n".join([chunk for chunk in chunks if chunk not in known])
        clean = normalize(text, _kind_of(rel))
        if self.fingerprints.touches(clean):
            return _text_leaks(rel, clean, self.fingerprints)
        if chunks:
            self._clean_chunks.update(chunks)
        return []


def read_text(path: Path) -> str | None:
    """Give the text of a file (gunzipped if .gz), or None for binary or undecodable files."""
    name = path.name.lower()
    if Path(name.removesuffix(".gz")).suffix in _BINARY_SUFFIXES:
        return None
    data = path.read_bytes()
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _site_files(site_dir: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(site_dir):
        dirs.sort()
        files += [Path(root, name) for name in sorted(names)]
    return files


def _kind_of(rel: str) -> str:
    suffix = Path(rel.lower().removesuffix(".gz")).suffix
    if suffix in _JSON_SUFFIXES:
        return "json"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


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


def _text_leaks(rel: str, clean: str, fingerprints: Fingerprints) -> list[Leak]:
    """Give up to MAX_LEAKS_PER_FILE leaks, one per separate passage of paid text."""
    leaks: list[Leak] = []
    passage_end = -1
    for offset, page in fingerprints.locate(clean):
        if offset <= passage_end:
            continue  # still inside the passage already reported
        leaks.append(Leak(rel, page, snippet_at(clean, offset)))
        if len(leaks) == MAX_LEAKS_PER_FILE:
            break
        passage_end = offset + 4 * SNIPPET_CHARS
    return leaks


def snippet_at(text: str, offset: int) -> str:
    """Give about SNIPPET_CHARS characters of `text` from `offset`, whitespace collapsed."""
    words = text[offset : offset + 3 * SNIPPET_CHARS].split()
    snippet = " ".join(words)
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rstrip() + "…"
    return ("…" if offset > 0 else "") + snippet
