"""The community's content as a model: courses with ordered chapters, articles, salon notes.

`toolkit.content.loading.load_site` builds it from the docs folder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from toolkit.content.layout import MARKDOWN_SUFFIXES, is_markdown, kind_of, without_chapter_number
from toolkit.content.prices import Price
from toolkit.content.text import reading_minutes
from toolkit.errors import Problem

__all__ = ["LOCKED", "MARKDOWN_SUFFIXES", "Course", "Page", "Site", "is_markdown", "kind_of"]

LOCKED = {"paid", "members"}
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@dataclass
class Page:
    """One Markdown file: where it is, what kind it is, its clean metadata and its body."""

    src: str  # docs-relative POSIX path, e.g. "courses/async-python/03-tasks.md"
    kind: str  # course | chapter | article | salon | page
    meta: dict
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)
    course: str | None = None  # slug, for a course index or chapter

    @property
    def access(self) -> str:
        return self.meta.get("access", "free")

    @property
    def locked(self) -> bool:
        return self.access in LOCKED

    @property
    def title(self) -> str:
        if self.meta.get("title"):
            return str(self.meta["title"])
        heading = _HEADING.search(self.body)
        if heading:
            return heading.group(1)
        stem = without_chapter_number(PurePosixPath(self.src).stem)
        return stem.replace("-", " ").replace("_", " ").capitalize()

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")  # only articles and salons validate it into a date
        return value if isinstance(value, dt.date) else None

    @cached_property
    def minutes(self) -> int:
        return reading_minutes(self.body)

    @property
    def product(self) -> str:
        """The product that unlocks this page: its course, or the membership."""
        return f"course:{self.course}" if self.kind == "chapter" and self.access == "paid" and self.course else "membership"


@dataclass
class Course:
    slug: str
    index: Page
    chapters: list[Page]

    @property
    def title(self) -> str:
        return self.index.title

    @property
    def price(self) -> Price | None:
        return self.index.meta.get("price")

    @property
    def product(self) -> str:
        return f"course:{self.slug}"


@dataclass
class Site:
    """Everything `folio build` knows about the content, before MkDocs renders it."""

    docs_dir: Path
    pages: dict[str, Page]
    courses: dict[str, Course]
    membership: dict[str, Price]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def articles(self) -> list[Page]:
        """Articles, newest first."""
        return _newest_first(p for p in self.pages.values() if p.kind == "article")

    @property
    def salons(self) -> list[Page]:
        """Salon notes, newest first."""
        return _newest_first(p for p in self.pages.values() if p.kind == "salon")

    @property
    def locked_pages(self) -> list[Page]:
        return [p for p in self.pages.values() if p.locked]


def _newest_first(pages) -> list[Page]:
    return sorted(pages, key=lambda p: (p.date or dt.date.min, p.src), reverse=True)

