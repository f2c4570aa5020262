"""Split a paid page into its public teaser and the locked remainder.

The split happens on Markdown, before MkDocs sees the page, so nothing that
renders, indexes or summarises the page can ever hold the remainder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.content.text import count_words

MORE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.I)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^#{1,6}\s")
_HTML_OPEN = re.compile(r"^[ \t]{0,3}<([A-Za-z][\w-]*)[\s>]")
_LINK_DEF = re.compile(r"^[ \t]{0,3}\[([^\]^][^\]]*)\]:[ \t]*(\S+)", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\s\"'”’)]*")


@dataclass(frozen=True)
class Split:
    teaser: str
    remainder: str
    by_marker: bool


def split(body: str, teaser_words: int) -> Split:
    """The teaser (before `<!-- more -->`, else about `teaser_words` words of whole blocks) and the rest."""
    lines = body.splitlines(keepends=True)
    marker = _marker_line(lines)
    if marker is not None:
        teaser, rest = "".join(lines[:marker]), "".join(lines[marker + 1:])
        return Split(_with_link_defs(teaser, rest), rest, True)
    blocks = _blocks(lines)
    teaser_blocks, rest_blocks = _take_words(blocks, teaser_words)
    if _nearly_all(teaser_blocks, rest_blocks):
        # A short page (an answer key) would be given away whole: show its first block only.
        teaser_blocks, rest_blocks = _first_block(blocks)
    teaser, rest = "".join(teaser_blocks), "".join(rest_blocks)
    return Split(_with_link_defs(teaser, rest), rest, False)


def _nearly_all(teaser: list[str], rest: list[str]) -> bool:
    """True when the locked part would be under a quarter of the page's words."""
    locked = sum(count_words(b) for b in rest)
    total = locked + sum(count_words(b) for b in teaser)
    return total > 0 and locked * 4 < total


def _first_block(blocks: list[str]) -> tuple[list[str], list[str]]:
    """The leading headings and the first block of text after them; the rest is locked."""
    for i, block in enumerate(blocks):
        if not _HEADING.match(block.lstrip()) and count_words(block):
            if i + 1 == len(blocks):
                return blocks[:i], blocks[i:]  # one block only: it is the whole page, lock it
            return blocks[: i + 1], blocks[i + 1:]
    return [], blocks


def _marker_line(lines: list[str]) -> int | None:
    fence = None
    for number, line in enumerate(lines):
        fence = _fence_state(line, fence)
        if fence is None and MORE.match(line):
            return number
    return None


def _fence_state(line: str, fence: str | None) -> str | None:
    """The open fence after `line` (its marker), or None outside code."""
    match = _FENCE.match(line)
    if not match:
        return fence
    mark = match.group(1)
    if fence is None:
        return mark
    if mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip()[len(mark):].strip():
        return None
    return fence


def _blocks(lines: list[str]) -> list[str]:
    """Top-level Markdown blocks: never split inside code, tables, HTML or indented bodies."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = None
    open_tag = None
    for line in lines:
        outside = fence is None and open_tag is None
        after_heading = bool(current) and _HEADING.match(current[-1]) is not None and len(current) == 1
        starts_new = outside and current and line.strip() and not line[:1].isspace() and (
            (not current[-1].strip() and any(l.strip() for l in current))
            # An ATX heading is a block of its own even with no blank line around it.
            or _HEADING.match(line) is not None or after_heading
        )
        if starts_new:
            blocks.append(current)
            current = []
        current.append(line)
        was_in_fence = fence is not None
        fence = _fence_state(line, fence)
        if fence is None and not was_in_fence:
            open_tag = _html_state(line, open_tag)
    if current:
        blocks.append(current)
    return ["".join(b) for b in blocks]


def _html_state(line: str, open_tag: str | None) -> str | None:
    """The raw HTML element still open after `line`, so its blank lines do not end the block."""
    if open_tag is None:
        match = _HTML_OPEN.match(line)
        if not match:
            return None
        open_tag = match.group(1).lower()
        if open_tag in {"br", "hr", "img", "input", "meta", "link"}:
            return None
    if re.search(rf"</{re.escape(open_tag)}\s*>", line, re.I):
        return None
    return open_tag


def _take_words(blocks: list[str], limit: int) -> tuple[list[str], list[str]]:
    taken: list[str] = []
    words = 0
    for i, block in enumerate(blocks):
        size = count_words(block)
        only_headings = all(_HEADING.match(b.lstrip()) for b in taken)
        if words + size > limit and only_headings and not _HEADING.match(block.lstrip()):
            # Nothing but headings so far: keep the first sentences of this long block.
            head, tail = _first_sentences(block, limit - words)
            if head:
                return taken + [head], ([tail] if tail else []) + blocks[i + 1:]
            return _no_dangling_heading(taken, blocks[i:])
        if taken and words + size > limit:
            return _no_dangling_heading(taken, blocks[i:])
        taken.append(block)
        words += size
        if words >= limit:
            return _no_dangling_heading(taken, blocks[i + 1:])
    return taken, []


def _no_dangling_heading(taken: list[str], rest: list[str]) -> tuple[list[str], list[str]]:
    while taken and _HEADING.match(taken[-1].lstrip()):
        rest = [taken.pop()] + rest
    return taken, rest


def _first_sentences(block: str, limit: int) -> tuple[str, str]:
    """A long first paragraph cut after its last whole sentence within `limit` words."""
    if _FENCE.match(block) or block.lstrip().startswith(("|", "<", "!!!", "???", "    ")):
        return "", block
    cut = 0
    for match in _SENTENCE_END.finditer(block):
        if count_words(block[: match.end()]) > limit:
            break
        cut = match.end()
    if cut == 0:
        return "", block
    return block[:cut].rstrip() + "\n\n", block[cut:].lstrip()


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
