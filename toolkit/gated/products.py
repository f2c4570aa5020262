"""What is sold: one product per paid course, one for the membership, and their languages."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.content.layout import is_markdown
from toolkit.content.model import Page, Site
from toolkit.content.strings import language_of


@dataclass
class Offer:
    """A product as the build sees it: the pages it sells and the pages of its bundle."""

    id: str
    kind: str  # course | membership
    title: str
    language: str  # en | zh
    prices: list[dict]
    locked: list[Page]  # pages sold by this product: one `page` object each
    contents: list[Page]  # every page of the offline bundle and EPUB, in reading order
    slug: str
    intro: str = ""
    # Files of the course folder that are not pages (notebooks, exercises, data), docs-relative:
    # Folio cannot cut them into a teaser, so buyers get them whole, in the download.
    attachments: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """Where the product's files live under gated/."""
        return f"course/{self.slug}" if self.kind == "course" else "membership"


def page_language(site: Site, page: Page, default: str) -> str:
    """A page's `language:`, else its course's, else the theme's (`default`)."""
    if page.meta.get("language"):
        return language_of(page.meta["language"])
    course = site.courses.get(page.course) if page.course else None
    if course is not None and course.index.meta.get("language"):
        return language_of(course.index.meta["language"])
    return default


def offers(site: Site, default_language: str) -> list[Offer]:
    """Every product with something to sell, courses first (by slug), then the membership."""
    found = []
    for slug, course in sorted(site.courses.items()):
        paid = [c for c in course.chapters if c.access == "paid"]
        if not paid:
            continue
        prices = [course.price.as_dict("one_time")] if course.price else []
        found.append(Offer(course.product, "course", course.title, page_language(site, course.index, default_language),
                           prices, paid, course.chapters, slug, course.index.body,
                           course_attachments(site, slug) if course.price else []))
    members = sorted((p for p in site.locked_pages if p.product == "membership"), key=lambda p: p.src)
    if members or site.membership:
        prices = [price.as_dict(plan) for plan, price in site.membership.items()]
        found.append(Offer("membership", "membership", "Membership", default_language, prices, members, members,
                           "membership"))
    return found


# Images and fonts are page furniture: a page that uses one carries it as an asset; one that
# no page uses is left out of the download rather than sold as a file.
FURNITURE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf", ".otf")


def course_attachments(site: Site, slug: str) -> list[str]:
    """Docs-relative paths of a course folder's files sold whole: not pages, dotfiles or furniture."""
    folder = Path(site.docs_dir) / "courses" / slug
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or is_markdown(name) or name.lower().endswith(FURNITURE):
                continue
            found.append(Path(root, name).relative_to(site.docs_dir).as_posix())
    return found
