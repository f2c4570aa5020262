"""Split a paid page into its public teaser and the locked remainder, on the page's structure.

The split happens on Markdown, before MkDocs sees the page, so nothing that renders,
indexes or summarises the page can ever hold the remainder. Where to cut is decided by
the renderer, not by patterns over the source: the page is rendered with the site's own
Markdown extensions, and its top-level HTML elements are the blocks. A cut between source
lines is taken only if the text before it and the text after it, each rendered alone,
give exactly the top-level elements of the whole page on either side of the cut: so no
cut ever falls inside a code block, a list, a table, an admonition, content tabs or raw
HTML, whatever their syntax.

Blocks are sized in visible words of their rendered text (a CJK character is a word).
A teaser is never empty when the page has text, and never longer than `teaser_words`
plus the one block that crosses the limit: a first text block that is long on its own
is cut to its first sentences (a warning names the page). `<!-- more -->` counts only
where the renderer sees it as a top-level comment.

The teaser keeps only what a reader sees: HTML comments, scripts, styles and templates
in it are removed (checked by rendering it again: its visible text must not change).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown

from toolkit.content.text import CJK

log = logging.getLogger("mkdocs.plugins.folio")

MORE = re.compile(r"^[ \t]{0,3}<!--\s*more\s*-->[ \t]*$", re.I)
_MORE_COMMENT = re.compile(r"^\s*more\s*$", re.I)
_LINK_DEF = re.compile(r"^[ \t]{0,3}\[([^\]^][^\]]*)\]:[ \t]*(\S+)", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\s\"'”’)）」』]*")
_WORD = re.compile(rf"[{CJK}]|[^\W{CJK}]+(?:['’][^\W{CJK}]+)*")
# Raw HTML that shows nothing: what the teaser must not carry to the public page.
_INVISIBLE_SOURCE = re.compile(r"<!--.*?-->|<(script|style|template|noscript)\b.*?</\1\s*>", re.I | re.S)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HIDDEN = {"script", "style", "template", "noscript"}
# Python-Markdown's own defaults when the site names none (MkDocs adds these three).
DEFAULT_EXTENSIONS = ("toc", "tables", "fenced_code")


def count_visible(text: str) -> int:
    """Words of visible text: Latin words, and each CJK character one word."""
    return len(_WORD.findall(text))


@dataclass
class Block:
    """One top-level element of the rendered page."""

    tag: str  # the element's tag; "#comment" or "#text" for a bare comment or text
    classes: str = ""
    text: list[str] = field(default_factory=list)  # visible text pieces
    comment: str = ""

    @property
    def words(self) -> int:
        return count_visible(" ".join(self.text))

    @property
    def signature(self) -> tuple[str, str]:
        return self.tag, self.classes

    @property
    def heading(self) -> bool:
        return self.tag in _HEADINGS


class _TopLevel(HTMLParser):
    """The top-level elements of rendered HTML, with their visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.hidden = 0
        self.permalink = 0  # inside a heading's permalink anchor (toc's `¶`): not a word
        self.invisible = 0  # comments, scripts, styles, templates seen anywhere

    def handle_starttag(self, tag, attrs):
        if not self.stack:
            self.blocks.append(Block(tag, " ".join(sorted((dict(attrs).get("class") or "").split()))))
        if tag in _HIDDEN:
            self.invisible += 1
        if tag in _VOID:
            return
        self.stack.append(tag)
        if tag == "a" and "headerlink" in (dict(attrs).get("class") or "").split():
            self.permalink = len(self.stack)
        if tag in _HIDDEN:
            self.hidden += 1

    def handle_startendtag(self, tag, attrs):
        if not self.stack:
            self.blocks.append(Block(tag, " ".join(sorted((dict(attrs).get("class") or "").split()))))

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if self.permalink > len(self.stack):
                self.permalink = 0
            if top in _HIDDEN:
                self.hidden -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if self.hidden or self.permalink:
            return
        if not self.stack:
            if not data.strip():
                return
            if not self.blocks or self.blocks[-1].tag != "#text":
                self.blocks.append(Block("#text"))
        if self.blocks:
            self.blocks[-1].text.append(data)

    def handle_comment(self, data):
        self.invisible += 1
        if not self.stack:
            self.blocks.append(Block("#comment", comment=data))


@dataclass(frozen=True)
class Rendered:
    blocks: list[Block]
    invisible: int
    footnote_words: int = 0  # the footnote list the renderer appends (shown under the teaser too)

    def fits(self, limit: int) -> bool:
        """At most `limit` words besides its largest block (footnotes count as a block)."""
        sizes = [b.words for b in self.blocks] + [self.footnote_words]
        return sum(sizes) - max(sizes) <= limit

    @property
    def signature(self) -> list[tuple[str, str]]:
        return [b.signature for b in self.blocks]

    @property
    def visible(self) -> str:
        return " ".join(" ".join(b.text) for b in self.blocks)


class Renderer:
    """Python-Markdown with the site's extensions: what MkDocs will make of the page.

    Two instances: the whole renderer (for the teaser's visible text), and one that sees only the
    blocks: without inline processing and without syntax highlighting, several times faster, and
    the same top-level elements (blocks do not depend on emphasis, links or code colours). Its word
    counts include link targets and inline markup: a block only ever looks longer than it is.
    """

    def __init__(self, extensions=DEFAULT_EXTENSIONS, configs: dict | None = None):
        self._extensions, self._configs = list(extensions), dict(configs or {})
        self._cache: dict[tuple[str, bool], Rendered] = {}

    # Built on first use: a site without locked pages never pays for them.
    @functools.cached_property
    def _md(self) -> markdown.Markdown:
        return _markdown(self._extensions, self._configs)

    @functools.cached_property
    def _blocks_md(self) -> markdown.Markdown:
        plain = {name: dict(value or {}) for name, value in self._configs.items()}
        for name in ("pymdownx.highlight", "codehilite", "markdown.extensions.codehilite"):
            if name in plain or name in self._extensions:
                plain.setdefault(name, {})["use_pygments"] = False
        md = _markdown(self._extensions, plain)
        if "inline" in md.treeprocessors:
            md.treeprocessors.deregister("inline")
        return md

    def html(self, text: str) -> str:
        """The HTML the site's extensions make of `text`."""
        return self._convert(self._md, text)

    @functools.cached_property
    def _links_md(self) -> markdown.Markdown:
        plain = {name: dict(value or {}) for name, value in self._configs.items()}
        for name in ("pymdownx.highlight", "codehilite", "markdown.extensions.codehilite"):
            if name in plain or name in self._extensions:
                plain.setdefault(name, {})["use_pygments"] = False
        return _markdown(self._extensions, plain)

    def links_html(self, text: str) -> str:
        """The HTML of `text` with every element and link, without syntax colours (faster): for reading
        which files a page refers to."""
        return self._convert(self._links_md, text)

    @staticmethod
    def _convert(md, text: str) -> str:
        md.reset()
        try:
            return md.convert(text)
        except Exception:  # an extension failing on a fragment: treat the fragment as not a clean cut
            return "<folio-unrenderable></folio-unrenderable>"

    def render(self, text: str, full: bool = False) -> Rendered:
        """The top-level blocks of `text`: only their structure, or (`full`) their visible text too."""
        key = (text, full)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        parser = _TopLevel()
        parser.feed(self._convert(self._md if full else self._blocks_md, text))
        parser.close()
        # The footnote list is appended by the renderer, not a block of the source.
        notes = [b for b in parser.blocks if b.tag == "div" and "footnote" in b.classes.split()]
        blocks = [b for b in parser.blocks if b not in notes]
        rendered = Rendered(blocks, parser.invisible, sum(b.words for b in notes))
        if len(self._cache) > 2048:
            self._cache.clear()
        self._cache[key] = rendered
        return rendered


def _markdown(extensions: list, configs: dict) -> markdown.Markdown:
    try:
        return markdown.Markdown(extensions=extensions, extension_configs=configs)
    except Exception as exc:  # an extension that needs MkDocs around it: its blocks are still blocks
        log.debug("teaser: site extensions unavailable (%s); using Python-Markdown's defaults", exc)
        return markdown.Markdown(extensions=list(DEFAULT_EXTENSIONS))


_DEFAULT: Renderer | None = None


def default_renderer() -> Renderer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Renderer()
    return _DEFAULT


@dataclass(frozen=True)
class Split:
    teaser: str
    remainder: str
    by_marker: bool
    cut_inside: bool = False  # the teaser is the first sentences of a block, not whole blocks
    no_text: bool = False  # the page has no text a teaser could show


def split(body: str, teaser_words: int, renderer: Renderer | None = None) -> Split:
    """The teaser (before a top-level `<!-- more -->`, else about `teaser_words` words of whole
    blocks) and the locked rest."""
    renderer = renderer or default_renderer()
    page = _Page(body, renderer, teaser_words)
    marker = page.marker_line()
    if marker is not None:
        teaser, rest = "".join(page.lines[:marker]), "".join(page.lines[marker + 1:])
        shown = renderer.render(visible_only(teaser, renderer), full=True)
        if _text_words(shown.blocks) and shown.fits(teaser_words):
            return _finish(Split(_with_link_defs(teaser, rest), rest, True), renderer)
        # An empty teaser, or one far past teaser_words: cut by words like a page without a marker.
    return _finish(page.by_words(teaser_words), renderer)


def _text_words(blocks: list[Block]) -> int:
    return sum(b.words for b in blocks if not b.heading)


class _Page:
    """A page's lines, its top-level blocks (rendered once), and the cuts between them."""

    def __init__(self, body: str, renderer: Renderer, limit: int):
        self.body = body
        self.lines = body.splitlines(keepends=True)
        self.renderer = renderer
        self.end = len(self.lines)  # every check is against the whole page: a shorter head was not sound
        # Where a cut may go: the start of a line after a blank line.
        self.cuts = [i for i in range(1, self.end) if not self.lines[i - 1].strip()]
        # Raw words (markup counts too) of the source before each line.
        self.raw_words = list(itertools.accumulate((count_visible(line) for line in self.lines[: self.end]), initial=0))

    def text(self, start: int, end: int | None = None) -> str:
        return "".join(self.lines[start:end])

    @functools.cached_property
    def full(self) -> Rendered:
        """The page's top-level blocks."""
        return self.renderer.render(self.text(0, self.end))

    def marker_line(self) -> int | None:
        """The line of the first `<!-- more -->` the renderer sees as a top-level comment."""
        for number, line in enumerate(self.lines):
            if not MORE.match(line):
                continue
            around = self.full.blocks
            before = self.renderer.render(self.text(0, number)).signature
            if (len(around) > len(before) and around[len(before)].tag == "#comment"
                    and _MORE_COMMENT.match(around[len(before)].comment)
                    and before == [b.signature for b in around[: len(before)]]):
                return number
        return None

    def clean_cut(self, k: int) -> int | None:
        """The source line where the first `k` top-level blocks end (None if no clean cut)."""
        if k == 0:
            return 0
        want = self.full.signature
        if k >= len(want):
            return self.end if self.end == len(self.lines) else None
        # Rendered words never exceed the raw words of the source: the cut is at or after the
        # first line where the source has as many words as the first k blocks show.
        needed = sum(b.words for b in self.full.blocks[:k])
        start = bisect.bisect_left(self.raw_words, int(needed * 0.8))
        tried = 0
        for cut in self.cuts[bisect.bisect_left(self.cuts, start):]:
            before = self.renderer.render(self.text(0, cut)).signature
            if len(before) > k or tried >= 6:
                break
            tried += 1
            if before == want[:k] and self.renderer.render(self.text(cut, self.end)).signature == want[k:]:
                return cut
        return None

    def by_words(self, limit: int) -> Split:
        blocks = self.full.blocks
        k = _blocks_for(blocks, limit)
        if k is not None and self.end == len(self.lines) and _nearly_all(blocks, k):
            # A short page (an answer key) would be given away whole: show its first text block only.
            k = _first_text(blocks) + 1
            if k >= len(blocks):
                k = None
        while k is not None and k > 0:
            cut = self.clean_cut(k)
            # The block renderer counts markup as words (an image's syntax): the teaser must show text.
            shown = self.renderer.render(self.text(0, cut), full=True) if cut is not None else None
            if shown is not None and _text_words(shown.blocks) and shown.fits(limit):
                return Split(_with_link_defs(self.text(0, cut), self.text(cut)), self.text(cut), False)
            k -= 1
            while k > 0 and blocks[k - 1].heading:
                k -= 1
            if k == 0 or not _text_words(blocks[:k]):
                break
        return self.first_sentences(limit)

    def first_sentences(self, limit: int) -> Split:
        """The leading headings and the first sentences of the first text block, as a paragraph."""
        shown = self.renderer.render(self.text(0, self.end), full=True).blocks
        # The whole renderer's text where its blocks are the block renderer's (they should be).
        blocks = shown if [b.signature for b in shown] == self.full.signature else self.full.blocks
        first = _first_text(blocks)
        if first >= len(blocks):
            return Split("", self.body, False, no_text=True)
        cut = self.clean_cut(first) if first else 0
        if cut is None:
            cut = 0  # the headings cannot be cut from the text: the teaser is the sentences alone
        text = " ".join(" ".join(blocks[first].text).split())
        total = count_visible(" ".join(" ".join(b.text) for b in blocks))
        heads = sum(b.words for b in blocks[:first]) if cut else 0
        budget = max(1, min(limit - heads, total // 2))
        sentences = _sentences(text, budget)
        heading_md = self.text(0, cut)
        return Split(heading_md + _escape(sentences) + "\n\n", self.text(cut), False, cut_inside=True)


def _blocks_for(blocks: list[Block], limit: int) -> int | None:
    """How many whole top-level blocks make the teaser; None when the first text block is too long."""
    taken = words = 0
    for block in blocks:
        size = block.words
        if words + size > limit:
            if not _text_words(blocks[:taken]) and not block.heading:
                return None  # nothing but headings so far: the first text block alone is long
            break
        taken += 1
        words += size
        if words >= limit:
            break
    while taken and blocks[taken - 1].heading:
        taken -= 1  # never end a teaser on a heading: it belongs to what follows
    if not _text_words(blocks[:taken]):
        return None
    return taken


def _first_text(blocks: list[Block]) -> int:
    for i, block in enumerate(blocks):
        if not block.heading and block.words:
            return i
    return len(blocks)


def _nearly_all(blocks: list[Block], k: int) -> bool:
    """True when the locked part would be under a quarter of the page's words."""
    locked = sum(b.words for b in blocks[k:])
    total = locked + sum(b.words for b in blocks[:k])
    return total > 0 and locked * 4 < total


def _sentences(text: str, limit: int) -> str:
    """The whole sentences of `text` within `limit` words; else its first `limit` words and `…`."""
    cut = 0
    for match in _SENTENCE_END.finditer(text):
        if count_visible(text[: match.end()]) > limit:
            break
        cut = match.end()
    if cut:
        return text[:cut].rstrip()
    words = list(_WORD.finditer(text))
    if len(words) <= limit:
        return text
    return text[: words[limit - 1].end()].rstrip() + "…"


_MD_ESCAPABLE = re.compile(r"([\\`*_{}\[\]])")
_MD_ENTITY = re.compile(r"[<>&|~^=:$]")
_MD_LINE_START = re.compile(r"^(?:([#+-])|(\d+)([.)]))")


def _escape(text: str) -> str:
    """Plain text as Markdown that renders as exactly that text."""
    text = _MD_ESCAPABLE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(lambda m: f"&#{ord(m.group())};", text)
    return _MD_LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)


def _finish(parts: Split, renderer: Renderer) -> Split:
    teaser = visible_only(parts.teaser, renderer)
    if teaser == parts.teaser:
        return parts
    return Split(teaser, parts.remainder, parts.by_marker, parts.cut_inside, parts.no_text)


def visible_only(teaser: str, renderer: Renderer) -> str:
    """The teaser without comments, scripts, styles and templates; its visible text unchanged."""
    if "<" not in teaser:
        return teaser
    before = renderer.render(teaser, full=True)
    if not before.invisible:
        return teaser
    spans = [m.span() for m in _INVISIBLE_SOURCE.finditer(teaser)]
    if not spans:
        return teaser
    everything = _without(teaser, spans)
    after = renderer.render(everything, full=True)
    if after.visible.split() == before.visible.split():
        return everything
    # One of them was visible text (a comment shown in a code block): remove the others one by one.
    kept = teaser
    for span in reversed(spans):
        candidate = _without(kept, [span])
        if renderer.render(candidate, full=True).visible.split() == before.visible.split():
            kept = candidate
    return kept


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


def _with_link_defs(teaser: str, rest: str) -> str:
    """The teaser plus the reference-link targets it uses that are defined further down.

    Only the URL is copied, never a link title, which may be paid text.
    """
    extra = []
    for match in _LINK_DEF.finditer(rest):
        label = match.group(1)
        defined_in_teaser = re.search(rf"^[ \t]{{0,3}}\[{re.escape(label)}\]:", teaser, re.I | re.M)
        if re.search(rf"\[{re.escape(label)}\]", teaser, re.I) and not defined_in_teaser:
            extra.append(f"[{label}]: {match.group(2)}\n")
    return teaser + ("\n" + "".join(extra) if extra else "")

