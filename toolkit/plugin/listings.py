"""Markdown for the pages Folio writes: course landing blocks, article and salon indexes.

Listings are raw HTML blocks (which Markdown passes through) so they look the
same whatever extensions a site enables; links are computed from each page's
final URL, so they hold with or without `use_directory_urls`.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import Callable

from toolkit.content.model import Course, Page, Site

UrlFor = Callable[[str], str]  # docs-relative src -> URL relative to the page being written


def badge(access: str, t: dict[str, str]) -> str:
    return f'<span class="folio-badge folio-badge--{access}">{escape(t[access])}</span>'


_TITLE = re.compile(r"^#[ \t]+.+$", re.M)


def after_title(markdown: str, block: str) -> str:
    """`markdown` with `block` right after its first `# Title` (or after the front matter)."""
    body_start = 0
    if markdown.startswith("---"):
        end = markdown.find("\n---", 3)
        if end != -1:
            body_start = markdown.find("\n", end + 4) + 1 or len(markdown)
    title = _TITLE.search(markdown, body_start)
    at = title.end() if title else body_start
    return markdown[:at] + "\n" + block + "\n" + markdown[at:]


def course_block(course: Course, t: dict[str, str], url_for: UrlFor, actions: str = "") -> str:
    """The landing page's facts (level, price, reading time), its buy actions and its chapter list,
    placed right under the title so a reader sees what it costs and how to buy before the long text."""
    price = course.price.display if course.price else t["free_course"]
    level = t.get(f"level_{course.index.meta.get('level')}", course.index.meta.get("level", ""))
    total = sum(c.minutes for c in course.chapters)
    authors = ", ".join(course.index.meta.get("authors", []))
    facts = "".join(
        f'<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>'
        for label, value in [
            (t["level"], level),
            (t["price"], price),
            (t["chapters"], str(len(course.chapters))),
            (t["total_reading"], t["minutes"].format(minutes=total)),
            (t["authors"], authors),
        ]
        if value
    )
    rows = "".join(_chapter_row(n, c, t, url_for) for n, c in enumerate(course.chapters, 1))
    buy = f'<div class="folio-course-actions" id="folio-buy">{actions}</div>\n\n' if actions else ""
    return (
        f'\n\n<dl class="folio-course-facts">{facts}</dl>\n\n'
        + buy
        + f'<h2 id="folio-chapters">{escape(t["chapters"])}</h2>\n\n'
        f'<ol class="folio-chapters">{rows}</ol>\n\n'
    )


def _chapter_row(number: int, chapter: Page, t: dict[str, str], url_for: UrlFor) -> str:
    return (
        f'<li class="folio-chapter folio-chapter--{chapter.access}">'
        f'<span class="folio-chapter__number">{number:02d}</span> '
        f'<a href="{escape(url_for(chapter.src))}">{escape(chapter.title)}</a> '
        f'{badge(chapter.access, t)} '
        f'<span class="folio-chapter__time">{escape(t["minutes"].format(minutes=chapter.minutes))}</span>'
        "</li>"
    )


def articles_index(site: Site, t: dict[str, str], url_for: UrlFor) -> str:
    """Articles newest first, then the same articles grouped by tag."""
    articles = site.articles
    by_date = "".join(_listing_item(p, t, url_for) for p in articles)
    tags: dict[str, list[Page]] = {}
    for page in articles:
        for tag in page.meta.get("tags", []):
            tags.setdefault(tag, []).append(page)
    by_tag = "".join(
        f'<h3 id="tag-{escape(_anchor(tag))}">{escape(tag)}</h3>\n<ul class="folio-listing">'
        + "".join(_listing_item(p, t, url_for) for p in pages)
        + "</ul>\n"
        for tag, pages in sorted(tags.items(), key=lambda kv: kv[0].casefold())
    )
    return (
        f'<h2 id="by-date">{escape(t["by_date"])}</h2>\n\n<ul class="folio-listing">{by_date}</ul>\n\n'
        f'<h2 id="by-tag">{escape(t["by_tag"])}</h2>\n\n{by_tag}'
    )


def salons_index(site: Site, t: dict[str, str], url_for: UrlFor, today: dt.date) -> str:
    """Salon notes split into upcoming (soonest first) and past (latest first)."""
    upcoming = sorted((p for p in site.salons if p.date and p.date >= today), key=lambda p: p.date)
    past = [p for p in site.salons if not p.date or p.date < today]
    upcoming_html = (
        '<ul class="folio-listing">' + "".join(_salon_item(p, t, url_for) for p in upcoming) + "</ul>"
        if upcoming
        else f'<p class="folio-empty">{escape(t["no_upcoming"])}</p>'
    )
    past_html = '<ul class="folio-listing">' + "".join(_salon_item(p, t, url_for) for p in past) + "</ul>"
    return (
        f'<h2 id="upcoming">{escape(t["upcoming"])}</h2>\n\n{upcoming_html}\n\n'
        f'<h2 id="past">{escape(t["past"])}</h2>\n\n{past_html}\n'
    )


def _listing_item(page: Page, t: dict[str, str], url_for: UrlFor) -> str:
    date = page.date.isoformat() if page.date else ""
    tags = "".join(f'<span class="folio-tag">{escape(tag)}</span>' for tag in page.meta.get("tags", []))
    lock = f" {badge(page.access, t)}" if page.locked else ""
    return (
        f'<li><time datetime="{date}">{date}</time> '
        f'<a href="{escape(url_for(page.src))}">{escape(page.title)}</a>{lock} '
        f'<span class="folio-listing__time">{escape(t["minutes_read"].format(minutes=page.minutes))}</span> {tags}</li>'
    )


def _salon_item(page: Page, t: dict[str, str], url_for: UrlFor) -> str:
    date = page.date.isoformat() if page.date else ""
    where = escape(str(page.meta.get("location", "")))
    speakers = escape(", ".join(page.meta.get("speakers", [])))
    lock = f" {badge(page.access, t)}" if page.locked else ""
    return (
        f'<li><time datetime="{date}">{date}</time> '
        f'<a href="{escape(url_for(page.src))}">{escape(page.title)}</a>{lock} '
        f'<span class="folio-listing__meta">{where} · {speakers}</span></li>'
    )


def _anchor(tag: str) -> str:
    return "-".join(tag.casefold().split())
