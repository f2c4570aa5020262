"""The `leaderboard` settings in mkdocs.yml as the rest of the package reads them.

The settings are declared once, as the MkDocs options of `LeaderboardConfig`
in `toolkit.config` (so plain `mkdocs build` validates them too, and every
problem is reported at `mkdocs.yml:LINE` with what to write); `load_settings`
turns a validated config, or a plain mapping such as tests pass, into a
`Settings` with every default filled in and the sections resolved. Each key is
documented in docs/reference/settings.md ("Leaderboard"), which
`tests/test_docs.py` checks against `DEFAULTS`.

How the sections work: every Markdown page in the content folder (`content_dir`, else `docs_dir`) belongs to the
section whose folder holds it (the deepest folder wins when folders nest);
with `general: true` every other page counts in the `general` section, with
`general: false` it earns nothing. A section's `kind` says what its new pages
are worth beyond `points.page`: `courses` (each sub-folder is a course with
its own board; a new paid chapter earns `points.paid_chapter`), `salons` (a
new page is a salon note: `points.salon_note`) or `pages` (nothing extra).

JSON schema of ``folio leaderboard --format json`` (version 2)::

    {
      "schema": 2,
      "head": "<commit sha>" | null,     # null for an empty repository
      "shallow": false,                  # true: a shallow clone, counted with `shallow: partial`
      "partial_since": "YYYY-MM-DD" | null,   # shallow: work before this day is not counted
      "window": {"name": "all" | "90d" | "month" | "custom",
                 "since": "YYYY-MM-DD" | null, "until": "YYYY-MM-DD" | null},
      "section": "all" | "<section name>",
      "course": "<course slug>" | null,
      "read": ["content"],               # the repository paths whose history was read
      "empty": null | "<why the board has nobody>",
      "contributors": [{
        "rank": 1,                       # equal points share a rank (1, 1, 3)
        "name": "Maya Ortiz", "email": "maya@example.org", "slug": "maya-ortiz",
        "points": 42.5,
        "breakdown": {"pages": 20, "lines": 7.5, "paid_chapters": 15,
                      "salon_notes": 0, "reviews": 0},          # points by kind
        "counts": {"commits": 3, "pages": 2, "pages_counted": 2, "lines_added": 75,
                   "lines_counted": 75, "paid_chapters": 1, "paid_chapters_counted": 1,
                   "salon_notes": 0, "salon_notes_counted": 0, "reviews": 0},
        "level": "Contributor",           # from all-time points
        "badges": ["course_author"]       # from all-time counts
      }]
    }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mkdocs.config import base
from mkdocs.config.base import ValidationError

from toolkit.config import LeaderboardConfig, NestedErrors
from toolkit.config import Section as ConfigSection
from toolkit.errors import FolioError

KEY_PATH = "plugins.folio.leaderboard"
GENERAL = "general"  # the section of every page no other section holds


def _defaults() -> dict[str, Any]:
    return _plain(ConfigSection(LeaderboardConfig).run_validation({}))


@dataclass(frozen=True)
class Section:
    """Which folders count for one board, and what their pages and lines are worth."""

    name: str
    folders: tuple[str, ...]  # relative to docs_dir, no leading or trailing slash
    kind: str  # pages | courses | salons
    title: str | None  # shown on the site; None: the translated name
    page_points: float
    line_points: float


@dataclass(frozen=True)
class Settings:
    enabled: bool
    sections: tuple[Section, ...]  # the general section last, when it is on
    general: bool
    points: dict[str, float]
    line_cap: int
    page_cap: int
    shallow: str  # refuse | partial
    bots: list[str]
    levels: dict[str, float]
    badges: dict[str, int]
    top: int
    sparkline_weeks: int

    def section(self, name: str) -> Section | None:
        return next((section for section in self.sections if section.name == name), None)

    @property
    def section_names(self) -> list[str]:
        return [section.name for section in self.sections]


def load_settings(raw: Any = None, source: str = "mkdocs.yml") -> Settings:
    """Return the settings with defaults filled in; raise FolioError listing every bad key.

    `raw` is the plugin's validated `LeaderboardConfig`, or a plain mapping (tests, scripts)
    that is validated here by the same option classes, with the same messages.
    """
    if isinstance(raw, Settings):
        return raw
    values = _plain(raw if isinstance(raw, LeaderboardConfig) else _validated(raw, source))
    points = values["points"]
    sections = [_section(name, entry, points) for name, entry in values["sections"].items()]
    if values["general"]:
        sections.append(Section(GENERAL, (), "pages", None, points["page"], points["line"]))
    return Settings(
        enabled=values["enabled"], sections=tuple(sections), general=values["general"], points=points,
        line_cap=values["line_cap"], page_cap=values["page_cap"], shallow=values["shallow"],
        bots=list(values["bots"]), levels=dict(values["levels"]), badges=dict(values["badges"]),
        top=values["top"], sparkline_weeks=values["sparkline_weeks"],
    )


def _validated(raw: Any, source: str) -> LeaderboardConfig:
    try:
        return ConfigSection(LeaderboardConfig).run_validation(_plain(raw))
    except ValidationError as error:
        problems = error.problems if isinstance(error, NestedErrors) else [((), str(error))]
        raise FolioError("\n".join(f"{source}: {'.'.join((KEY_PATH, *path))}: {message}"
                                    for path, message in problems)) from None


def _section(name: str, entry: Mapping, points: Mapping) -> Section:
    overrides = {key: value for key, value in (entry.get("points") or {}).items() if value is not None}
    return Section(name, tuple(entry.get("folders") or [name]), entry.get("kind") or "pages", entry.get("title"),
                   overrides.get("page", points["page"]), overrides.get("line", points["line"]))


def _plain(value: Any) -> Any:
    """Return mappings (MkDocs Config objects included) as dicts and lists as lists, recursively."""
    if value is None:
        return {}
    if isinstance(value, (Mapping, base.Config)):
        return {key: _plain_item(item) for key, item in value.items()}
    return value


def _plain_item(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_item(item) for item in value]
    if isinstance(value, (Mapping, base.Config)):
        return {key: _plain_item(item) for key, item in value.items()}
    return value


# Every setting with its default, as documented (tests/test_docs.py checks docs/reference/settings.md against it).
DEFAULTS: dict[str, Any] = _defaults()
