"""Storefront blocks an author places on any page: course cards, upcoming salons, latest articles,
this month's top contributors.

An author writes a marker on a line of its own, e.g. `<!-- folio:courses -->`, and the plugin
replaces it with raw HTML in Material's grid-card look before MkDocs renders the page. The blocks
are built only from public facts (titles, summaries, prices, dates) and from pages' public
URLs, so they can stand on any public page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from toolkit.content.model import Course, Page, Site

UrlFor = Callable[[str], str]  # docs-relative src -> URL relative to the page being written

BLOCKS = ("courses", "salons", "articles", "contributors")
_MARKER = re.compile(r"^[ \t]{0,3}<!--\s*folio:([a-z_-]+)\s*-->[ \t]*$", re.M)
LATEST_ARTICLES = 3
TOP_CONTRIBUTORS = 5


@dataclass
class Contributor:
    """One row of this month's board: a name, points, and their profile page (docs-relative)."""

    name: str
    points: int
    profile_src: str | None = None


@dataclass
class Storefront:
    """What the blocks are made of, gathered once per build."""

    site: Site
    t: dict[str, str]
    today: dt.date
    checkout_url: Callable[[str], str | None]  # product id -> the gate's checkout URL, or None
    contributors: list[Contributor] = field(default_factory=list)
    leaderboard_src: str | None = None


def markers_in(markdown: str) -> list[str]:
    """The block names a page asks for, in order (unknown names included, for the error)."""
    return [m.group(1) for m in _MARKER.finditer(markdown)]


def unknown_markers(markdown: str) -> list[str]:
    return [name for name in markers_in(markdown) if name not in BLOCKS]


def expand(markdown: str, store: Storefront, url_for: UrlFor) -> str:
    """`markdown` with every known marker replaced by its block; unknown markers stay as comments."""

    def block(match: re.Match) -> str:
        name = match.group(1)
        render = _RENDERERS.get(name)
        return render(store, url_for) if render else match.group(0)

    return _MARKER.sub(block, markdown)


# -- course cards ------------------------------------------------------------------------------

def course_cards(store: Storefront, url_for: UrlFor) -> str:
    cards = "".join(course_card(course, store, url_for) for course in store.site.courses.values())
    return _grid("courses", store.t["courses"], cards)


def course_card(course: Course, store: Storefront, url_for: UrlFor) -> str:
    t = store.t
    meta = course.index.meta
    free = [c for c in course.chapters if not c.locked]
    minutes = sum(c.minutes for c in course.chapters)
    level = meta.get("level")
    facts = [
        t.get(f"level_{level}", level or ""),
        course.price.display if course.price else t["free_course"],
        t.count("chapter_count", len(course.chapters)),
        t["free_chapter_count"].format(count=len(free)) if course.price else "",
        t["minutes"].format(minutes=minutes),
    ]
    start = url_for(free[0].src if free else course.index.src)
    actions = [f'<a class="md-button" href="{escape(start)}">{escape(t["start_reading"])}</a>']
    if course.price:
        actions.append(buy_form(course.product, "one_time", t["buy_price"].format(price=course.price.display),
                                store.checkout_url(course.product), primary=True))
    summary = meta.get("summary") or meta.get("description") or ""
    return (
        '<div class="card folio-card">'
        f'<h3 class="folio-card__title"><a href="{escape(url_for(course.index.src))}">{escape(course.title)}</a></h3>'
        + (f'<p class="folio-card__summary">{escape(str(summary))}</p>' if summary else "")
        + '<ul class="folio-card__facts">'
        + "".join(f"<li>{escape(str(fact))}</li>" for fact in facts if fact)
        + "</ul>"
        + f'<div class="folio-card__actions">{"".join(actions)}</div>'
        "</div>"
    )


def buy_form(product: str, plan: str, label: str, action: str | None, primary: bool = False) -> str:
    """A one-button form posting to the gate's checkout route (disabled when no gate is set)."""
    classes = "md-button md-button--primary" if primary else "md-button"
    disabled = "" if action else ' disabled aria-disabled="true"'
    return (
        f'<form class="folio-buy" method="post" action="{escape(action or "#")}">'
        f'<input type="hidden" name="plan" value="{escape(plan)}">'
        f'<button type="submit" class="{classes}" data-product="{escape(product)}"{disabled}>{escape(label)}</button>'
        "</form>"
    )


# -- salons, articles, contributors ------------------------------------------------------------

def upcoming_salons(store: Storefront, url_for: UrlFor) -> str:
    t = store.t
    upcoming = sorted((p for p in store.site.salons if p.date and p.date >= store.today), key=lambda p: p.date)
    if not upcoming:
        return _grid("salons", t["upcoming_salons"], f'<p class="folio-card__empty">{escape(t["no_upcoming"])}</p>',
                     cards=False)
    cards = "".join(_salon_card(page, t, url_for) for page in upcoming)
    return _grid("salons", t["upcoming_salons"], cards)


def _salon_card(page: Page, t: dict[str, str], url_for: UrlFor) -> str:
    speakers = ", ".join(page.meta.get("speakers", []))
    return (
        '<div class="card folio-card">'
        f'<p class="folio-card__date"><time datetime="{page.date.isoformat()}">{page.date.isoformat()}</time></p>'
        f'<h3 class="folio-card__title"><a href="{escape(url_for(page.src))}">{escape(page.title)}</a></h3>'
        f'<ul class="folio-card__facts"><li>{escape(str(page.meta.get("location", "")))}</li>'
        + (f"<li>{escape(speakers)}</li>" if speakers else "")
        + "</ul></div>"
    )


def latest_articles(store: Storefront, url_for: UrlFor) -> str:
    t = store.t
    cards = "".join(_article_card(page, t, url_for) for page in store.site.articles[:LATEST_ARTICLES])
    return _grid("articles", t["latest_articles"], cards)


def _article_card(page: Page, t: dict[str, str], url_for: UrlFor) -> str:
    date = page.date.isoformat() if page.date else ""
    badge = f' <span class="folio-badge folio-badge--{page.access}">{escape(t[page.access])}</span>' if page.locked else ""
    return (
        '<div class="card folio-card">'
        f'<p class="folio-card__date"><time datetime="{date}">{date}</time>{badge}</p>'
        f'<h3 class="folio-card__title"><a href="{escape(url_for(page.src))}">{escape(page.title)}</a></h3>'
        f'<ul class="folio-card__facts"><li>{escape(t["minutes_read"].format(minutes=page.minutes))}</li></ul>'
        "</div>"
    )


def top_contributors(store: Storefront, url_for: UrlFor) -> str:
    t = store.t
    rows = store.contributors[:TOP_CONTRIBUTORS]
    if not rows:
        body = f'<p class="folio-card__empty">{escape(t["no_contributors"])}</p>'
    else:
        items = "".join(
            "<li>"
            + (f'<a href="{escape(url_for(c.profile_src))}">{escape(c.name)}</a>' if c.profile_src else escape(c.name))
            + f' <span class="folio-listing__meta">{escape(t.count("points", c.points))}</span></li>'
            for c in rows
        )
        body = f'<ol class="folio-top">{items}</ol>'
    if store.leaderboard_src:
        body += f'<p><a href="{escape(url_for(store.leaderboard_src))}">{escape(t["see_leaderboard"])}</a></p>'
    return _grid("contributors", t["top_contributors"], f'<div class="card folio-card">{body}</div>')


def _grid(name: str, title: str, inner: str, cards: bool = True) -> str:
    """A titled section; blank lines around it so Markdown passes the HTML through untouched."""
    grid = f'<div class="grid folio-grid">{inner}</div>' if cards else inner
    return (f'\n<section class="folio-block folio-block--{name}" aria-label="{escape(title)}">'
            f'<h2 class="folio-block__title">{escape(title)}</h2>{grid}</section>\n')


_RENDERERS: dict[str, Callable[[Storefront, UrlFor], str]] = {
    "courses": course_cards,
    "salons": upcoming_salons,
    "articles": latest_articles,
    "contributors": top_contributors,
}
