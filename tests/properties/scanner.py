"""An independent canary scanner: it shares no code with toolkit.leakguard.

A canary is a unique token (Latin letters and digits, or a run of CJK characters) planted in
locked text or a private file. Every file under the given folders is read raw, and also
gunzipped and unzipped (member by member, nested), then searched in several spellings:
as is, HTML-unescaped (twice), URL-unquoted, JSON-unescaped (`\\u4e2d`), and with every
character that is not a letter, digit or CJK character removed (so `pa<b>id` or
`pa\\u200bid` still read `paid`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

_JSON_U = re.compile(r"\\u([0-9a-fA-F]{4})")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def _payloads(name: str, data: bytes, depth: int = 0):
    yield name, data
    if depth > 3:
        return
    if data[:2] == b"\x1f\x8b":
        try:
            yield from _payloads(name + "!gunzip", gzip.decompress(data), depth + 1)
        except (OSError, EOFError):
            pass
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield from _payloads(f"{name}!/{member}", archive.read(member), depth + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError):
            pass


def spellings(text: str) -> str:
    once = html.unescape(text)
    variants = [text, once, html.unescape(once), unquote(text), unquote(once)]
    decoded = _JSON_U.sub(lambda m: chr(int(m.group(1), 16)), text)
    variants += [decoded, html.unescape(decoded), decoded.replace("\\/", "/")]
    joined = "\n".join(variants).lower()
    return joined + "\n" + _NOT_WORD.sub("", joined)


_SPELLED: dict[str, str] = {}  # sha1 of a file's bytes -> its spellings (theme assets repeat across builds)


def _spelled(data: bytes) -> str:
    key = hashlib.sha1(data).hexdigest()
    text = _SPELLED.get(key)
    if text is None:
        text = spellings(data.decode("utf-8", errors="replace"))
        if len(data) > 32 * 1024:
            _SPELLED[key] = text
    return text


def file_texts(folders) -> dict[str, str]:
    """Every file under `folders` (and inside its archives), in every spelling, lower-cased."""
    texts: dict[str, str] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            for name, data in _payloads(path.as_posix(), path.read_bytes()):
                texts[name] = _spelled(data)
    return texts


def canaries_in(folders, canaries) -> dict[str, list[str]]:
    """canary -> the files that hold it (only canaries found are keys)."""
    wanted = {canary.lower(): canary for canary in canaries}
    if not wanted:
        return {}
    pattern = re.compile("|".join(re.escape(c) for c in sorted(wanted, key=len, reverse=True)))
    hits: dict[str, list[str]] = {}
    for name, text in file_texts(folders).items():
        for found in set(pattern.findall(text)):
            hits.setdefault(wanted[found], []).append(name)
    return hits


class _Visible(HTMLParser):
    """The text a reader sees in a page's <article>, without Folio's header and paywall boxes."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: hidden?
        self.in_article = 0
        self.parts: list[str] = []

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = (tag in self.SKIP or any(c.startswith("folio-") for c in classes) or "headerlink" in classes
                  or (self.stack and self.stack[-1]))
        if tag == "article":
            self.in_article += 1
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self.stack.pop()
        if tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_article and not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text_of(page: Path) -> str:
    parser = _Visible()
    parser.feed(Path(page).read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def visible_words(text: str) -> int:
    """Words as a reader counts them: Latin words, each CJK character one (independent of toolkit)."""
    return len(_WORD.findall(text))


class _Article(HTMLParser):
    """A built page's <article>: its top-level children (word counts) and every text and attribute
    a reader could see, without Folio's header and paywall boxes and without the page's h1."""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = _Visible.VOID

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the article
        self.stack: list[bool] = []
        self.blocks: list[list[str]] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article" and not self.depth:
            self.depth = 1
            self.stack = []
            return
        if not self.depth:
            return
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        hidden = (tag in self.SKIP or any(c.startswith("folio-") for c in classes) or "headerlink" in classes
                  or (not self.stack and tag == "h1") or (self.stack and self.stack[-1]))
        if not hidden:
            self.attributes += [v for k, v in attrs if k in ("alt", "title") and v]
        if not self.stack and not hidden:
            self.blocks.append([])
        if tag not in self.VOID:
            self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if not self.depth or tag in self.VOID:
            return
        if not self.stack:
            if tag == "article":
                self.depth = 0
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.depth and not (self.stack and self.stack[-1]):
            if not self.stack:
                if not data.strip():
                    return
                self.blocks.append([])
            self.blocks[-1].append(data)


def article(page: Path) -> tuple[list[int], str]:
    """(words of each top-level block of the page's article, everything shown in it, lower-cased)."""
    parser = _Article()
    parser.feed(Path(page).read_text(encoding="utf-8"))
    texts = [" ".join(parts) for parts in parser.blocks]
    return [visible_words(t) for t in texts], " ".join([*texts, *parser.attributes]).lower()
