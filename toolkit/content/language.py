"""A page's language from its text, for pages whose front matter does not say.

The paywall, the gated pages and the EPUB speak the page's language. An author of a
Chinese course on an English site should not have to remember `language: zh` on every
page: the text says it. What counts is prose: code, inline code, math, URLs, HTML tags
and link targets are left out, then Han characters (and kana, hangul) are weighed
against Latin words. Mostly CJK is `zh`; mostly Latin is `en`; a page too mixed to tell
gets no guess, and the build warns, naming the page and what to write.
"""

from __future__ import annotations

import re
from typing import Callable

# Below this many weighed units (CJK characters + Latin words) a page says too little to tell.
MIN_UNITS = 20
ZH_SHARE = 0.5  # CJK share at or above which a page is Chinese
EN_SHARE = 0.15  # CJK share at or below which a page is English

UNCLEAR = ("its text mixes Chinese and English too evenly to tell its language, so the paywall, gated pages "
           "and EPUB use the site's (theme.language); add `language: zh` or `language: en` to its front matter")

_NOT_PROSE = re.compile(
    r"^(```|~~~).*?^\1[ \t]*$"  # fenced code
    r"|`[^`\n]*`"  # inline code
    r"|\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]+\$"  # math
    r"|<[^>\n]*>"  # HTML tags
    r"|\]\([^)\n]*\)"  # link targets
    r"|https?://\S+",
    re.S | re.M,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def cjk_share(text: str) -> tuple[float, int]:
    """(CJK characters / (CJK characters + Latin words), how many were weighed) in the prose of `text`."""
    prose = _NOT_PROSE.sub(" ", text)
    cjk = len(_CJK.findall(prose))
    latin = len(_LATIN_WORD.findall(prose))
    units = cjk + latin
    return (cjk / units if units else 0.0), units


def infer_language(text: str) -> str | None:
    """'zh', 'en', or None when the text is too short or too mixed to tell."""
    share, units = cjk_share(text)
    if units < MIN_UNITS:
        return None
    if share >= ZH_SHARE:
        return "zh"
    if share <= EN_SHARE:
        return "en"
    return None


def is_too_mixed(text: str) -> bool:
    """True for text long enough to tell, but in neither language mostly."""
    _, units = cjk_share(text)
    return units >= MIN_UNITS and infer_language(text) is None


def infer_languages(pages: dict, courses: dict, shown: Callable[[str], str]) -> list:
    """Give pages without `language:` the one their text shows (a course: all its pages' text);
    the warnings (Problems) for pages too mixed to tell."""
    from toolkit.errors import Problem

    unclear = []

    def settle(page, text: str) -> None:
        found = infer_language(text)
        if found:
            page.meta["language"] = found
        elif is_too_mixed(text):
            unclear.append(Problem(shown(page.src), 1, "language", UNCLEAR, "warning"))

    for course in courses.values():
        if not course.index.meta.get("language"):
            text = "\n".join([course.index.title, course.index.body] + [c.title + "\n" + c.body for c in course.chapters])
            settle(course.index, text)
    in_courses = {c.src for course in courses.values() for c in course.chapters if course.index.meta.get("language")}
    in_courses |= {course.index.src for course in courses.values()}
    for page in pages.values():
        if page.src not in in_courses and not page.meta.get("language"):
            settle(page, page.title + "\n" + page.body)
    return unclear
