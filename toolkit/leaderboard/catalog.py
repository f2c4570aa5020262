"""What a page in the history is today: its section, its course, paid or free, its title.

Sections come from the settings: the deepest section folder holding a page
wins; pages outside every folder belong to the general section (or to none).

Only the top of each page is read, and front matter is sniffed line by line
for the few top-level keys that matter (`access`, `price`, `title`), so a
broken YAML block cannot break the leaderboard and thousands of pages cost
milliseconds. Facts are looked up lazily and remembered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from toolkit.leaderboard.settings import GENERAL, Section

HEAD_BYTES = 8192
TOP_LEVEL_KEY = re.compile(r"^(access|price|title):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


class Place(NamedTuple):
    section: str | None  # the section's name (None: the page counts nowhere)
    course: str | None  # the course slug for pages under <courses folder>/<slug>/
    docs_path: str  # the path relative to docs_dir
    course_dir: str | None = None  # the course's folder relative to docs_dir


def front_matter_keys(path: Path) -> dict[str, str]:
    """Return the top-level `access`, `price` and `title` values of a page ({} if none)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError:
        return {}
    if not head.startswith("---"):
        return {}
    block = head[3:].split("\n---", 1)[0]
    return {key: value.strip("'\"") for key, value in TOP_LEVEL_KEY.findall(block)}


class Catalog:
    """Answers questions about repository paths of pages under one docs folder."""

    def __init__(self, top: Path, docs_dir: Path, docs_prefix: str, sections: Iterable[Section] = ()):
        self.top = Path(top)
        self.docs_dir = Path(docs_dir)
        self.prefix = docs_prefix
        self.sections = {section.name: section for section in sections}
        # Deepest folder first, so a section nested in another's folder holds its own pages.
        self._folders = sorted(((folder + "/", section) for section in self.sections.values()
                                for folder in section.folders), key=lambda item: -len(item[0]))
        self._general = self.sections.get(GENERAL)
        # Memos per instance (not functools.cache, which would keep every catalog alive).
        self._places: dict[str, Place] = {}
        self._paid: dict[str, bool] = {}
        self._prices: dict[str, str | None] = {}

    def place(self, repo_path: str) -> Place:
        """Return the section, course and docs-relative path of a repository path."""
        if repo_path not in self._places:
            self._places[repo_path] = self._find_place(repo_path)
        return self._places[repo_path]

    def _find_place(self, repo_path: str) -> Place:
        if not repo_path.startswith(self.prefix):
            return Place(None, None, repo_path)
        docs_path = repo_path[len(self.prefix):]
        for folder, section in self._folders:
            if docs_path.startswith(folder):
                inside = docs_path[len(folder):].split("/")
                if section.kind == "courses" and len(inside) >= 2:
                    return Place(section.name, inside[0], docs_path, folder + inside[0])
                return Place(section.name, None, docs_path)
        return Place(self._general.name if self._general else None, None, docs_path)

    def kind(self, section: str | None) -> str | None:
        """Return the kind of a section (pages, courses, salons), None for no section."""
        found = self.sections.get(section) if section else None
        return found.kind if found else None

    def exists(self, repo_path: str) -> bool:
        return (self.top / repo_path).is_file()

    def is_paid_chapter(self, repo_path: str) -> bool:
        """Return True for a course page (not its index) that readers must pay for."""
        if repo_path not in self._paid:
            self._paid[repo_path] = self._find_paid(repo_path)
        return self._paid[repo_path]

    def _find_paid(self, repo_path: str) -> bool:
        place = self.place(repo_path)
        if place.course is None or PurePosixPath(place.docs_path).name == "index.md":
            return False
        access = front_matter_keys(self.top / repo_path).get("access")
        if access is not None:
            return access == "paid"
        return bool(self._course_price(place.course_dir))

    def title(self, repo_path: str) -> str:
        """Return the page's front matter title, else its file name without `.md`."""
        found = front_matter_keys(self.top / repo_path).get("title")
        return found or PurePosixPath(repo_path).stem

    def _course_price(self, course_dir: str) -> str | None:
        if course_dir not in self._prices:
            index = self.docs_dir / course_dir / "index.md"
            self._prices[course_dir] = front_matter_keys(index).get("price")
        return self._prices[course_dir]
