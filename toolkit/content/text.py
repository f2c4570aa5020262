"""Counting words the way readers read them: Latin words, and CJK characters one by one."""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache

# Characters read (and counted, and fingerprinted) one by one: Hangul Jamo, kana, compatibility
# Jamo, CJK ideographs (extension A, unified, compatibility) and Hangul syllables. The one home:
# the teaser, reading time and the leak guard all use it.
CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+(?:['’][^\W{CJK}]+)*")
_CJK_CHAR = re.compile(rf"[{CJK}]")

# Typical silent reading speeds: ~230 English words or ~400 Chinese characters a minute.
WORDS_PER_MINUTE = 230
CJK_CHARS_PER_MINUTE = 400

# Line-start patterns use `[ \t]*`, not `\s*`: `\s*` would try every following blank line
# from every line start (slow on long pages) and give the same text once spaces are collapsed.
_MARKUP = [
    (re.compile(r"<!--.*?-->", re.S), " "),
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]:?"), " "),
    (re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)\s*\w+(?:\s+\"([^\"]*)\")?", re.M), r"\1"),
    (re.compile(r"^[ \t]*(?:[#>*+-]+|\d+\.)\s+", re.M), ""),
    (re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*$", re.M), " "),
]
# Emphasis, code and table marks become spaces (runs of spaces collapse below).
_MARKS = str.maketrans(dict.fromkeys("*_`|", " "))


# Cached: one page's text is counted for its reading time, its teaser, its summary in the
# feeds and its link preview; the key is the text itself, so an edited page is counted again.
@lru_cache(maxsize=4096)
def plain_text(markdown: str) -> str:
    """Markdown with the markup removed: what a reader would see, roughly."""
    out = markdown
    for pattern, repl in _MARKUP:
        out = pattern.sub(repl, out)
    return " ".join(html.unescape(out.translate(_MARKS)).split())


@lru_cache(maxsize=8192)
def count_words(markdown: str) -> int:
    """Words in the text, each CJK character counted as one."""
    return len(_TOKEN.findall(plain_text(markdown)))


def reading_minutes(markdown: str) -> int:
    """Whole minutes a reader needs, at least 1."""
    plain = plain_text(markdown)
    cjk = len(_CJK_CHAR.findall(plain))
    words = len(_TOKEN.findall(plain)) - cjk
    return max(1, math.ceil(words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE))


def shorten(text: str, limit: int = 160) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"
