"""The `leaderboard` settings in mkdocs.yml as the rest of the package reads them.

The settings are declared once, as the MkDocs option `LeaderboardConfig` in
`toolkit.config` (so plain `mkdocs build` validates them too); `load_settings`
turns a validated config, or a plain mapping such as tests pass, into a
`Settings` with every default filled in and the sections resolved. Each key is
documented in README.md ("Leaderboards", "Settings"), which
`tests/test_docs.py` checks against `DEFAULTS`.

How the sections work: every Markdown page under `docs_dir` belongs to the
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

from toolkit.errors import FolioError

KEY_PATH = "plugins.folio.leaderboard"
GENERAL = "general"  # the section of every page no other section holds
SECTION_KINDS = ("pages", "courses", "salons")
# Names a section cannot take: they are boards or pages of their own.
RESERVED_SECTION_NAMES = ("all", "index", "people", GENERAL)

DEFAULT_SECTIONS: dict[str, dict[str, Any]] = {
    "courses": {"folders": ["courses"], "kind": "courses"},
    "articles": {"folders": ["articles"], "kind": "pages"},
    "salons": {"folders": ["salons"], "kind": "salons"},
}

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "sections": DEFAULT_SECTIONS,
    "general": True,
    "points": {"page": 10, "line": 0.1, "paid_chapter": 15, "salon_note": 5, "review": 3},
    "line_cap": 300,
    "page_cap": 5,
    "shallow": "refuse",
    "bots": ["[bot]", "dependabot", "github-actions"],
    "levels": {"Newcomer": 0, "Contributor": 20, "Regular": 100, "Core": 300, "Luminary": 1000},
    "badges": {"author": 3, "reviewer": 3, "salon_host": 1, "course_author": 1},
    "top": 50,
    "sparkline_weeks": 26,
}
# Keys of one entry under `sections:`.
SECTION_KEYS = ("folders", "kind", "title", "points")


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
    """Return the settings with defaults filled in; raise FolioError listing every bad key."""
    if isinstance(raw, Settings):
        return raw
    values = _validated(_plain(raw), source)
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


def _section(name: str, entry: Mapping, points: Mapping) -> Section:
    overrides = entry.get("points") or {}
    folders = entry.get("folders") or [name]
    return Section(name, tuple(folder.strip("/") for folder in folders), entry.get("kind") or "pages",
                   entry.get("title"), overrides.get("page", points["page"]), overrides.get("line", points["line"]))


def _plain(value: Any) -> Any:
    """Return mappings (MkDocs Config objects included) as dicts, recursively."""
    if value is None:
        return {}
    if isinstance(value, Mapping) or hasattr(value, "items") and not isinstance(value, (str, list)):
        return {key: _plain_item(item) for key, item in value.items()}
    return value


def _plain_item(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_item(item) for item in value]
    if isinstance(value, Mapping) or hasattr(value, "items") and not isinstance(value, str):
        return {key: _plain_item(item) for key, item in value.items() if item is not None}
    return value


# -- validation (reports every problem at once) ------------------------------------------------


def _validated(raw: Any, source: str) -> dict[str, Any]:
    problems = _problems(raw)
    if problems:
        raise FolioError("\n".join(f"{source}: {KEY_PATH}.{key}: {message}" for key, message in problems))
    values = {key: (dict(value) if isinstance(value, dict) else value) for key, value in DEFAULTS.items()}
    for key, value in raw.items():
        if key in MAPPINGS and MAPPINGS[key][2]:
            values[key] = {**DEFAULTS[key], **value}
        else:
            values[key] = value
    return values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_pattern_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


# key -> (check, what the message says it must be, with an example of what to write)
SCALARS = {
    "enabled": (lambda v: isinstance(v, bool), "must be true or false; write e.g. `enabled: true`"),
    "general": (lambda v: isinstance(v, bool), "must be true or false; write e.g. `general: true`"),
    "line_cap": (_is_count, "must be a whole number >= 0; write e.g. `line_cap: 300`"),
    "page_cap": (_is_count, "must be a whole number >= 0; write e.g. `page_cap: 5`"),
    "shallow": (lambda v: v in ("refuse", "partial"), "must be `refuse` or `partial`; write e.g. `shallow: refuse`"),
    "bots": (_is_pattern_list, "must be a list of non-empty strings; write e.g. `bots: [\"[bot]\"]`"),
    "top": (lambda v: _is_count(v) and v > 0, "must be a whole number > 0; write e.g. `top: 50`"),
    "sparkline_weeks": (lambda v: _is_count(v) and v > 0, "must be a whole number > 0; write e.g. `sparkline_weeks: 26`"),
}
# key -> (check for each value, message, whether keys are fixed by DEFAULTS)
MAPPINGS = {
    "points": (_is_number, "must be a number >= 0", True),
    "badges": (_is_count, "must be a whole number >= 0", True),
    "levels": (_is_number, "must be a number >= 0", False),
}


def _problems(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return [("", "must be a mapping of settings")]
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        if key in SCALARS:
            check, message = SCALARS[key]
            if not check(value):
                problems.append((key, message))
        elif key in MAPPINGS:
            problems.extend(_mapping_problems(key, value))
        elif key == "sections":
            problems.extend(_sections_problems(value))
        else:
            problems.append((key, f"unknown key (expected one of: {', '.join(DEFAULTS)})"))
    return problems


def _mapping_problems(key: str, value: Any) -> list[tuple[str, str]]:
    check, message, fixed_keys = MAPPINGS[key]
    if not isinstance(value, dict):
        return [(key, "must be a mapping")]
    problems = []
    for name, item in value.items():
        if fixed_keys and name not in DEFAULTS[key]:
            problems.append((f"{key}.{name}", f"unknown key (expected one of: {', '.join(DEFAULTS[key])})"))
        elif not check(item):
            problems.append((f"{key}.{name}", message))
    return problems


def _sections_problems(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict) or not value:
        return [("sections", "must be a mapping of section name -> settings; write e.g. "
                             "`sections: {docs: {folders: [docs]}}`")]
    problems = []
    claimed: dict[str, str] = {}
    for name, entry in value.items():
        where = f"sections.{name}"
        if not isinstance(name, str) or not name or not all(ch.isalnum() or ch in "-_" for ch in name) \
                or name.lower() in RESERVED_SECTION_NAMES:
            problems.append((where, "a section name must be letters, digits, '-' or '_' and not one of "
                                    f"{', '.join(RESERVED_SECTION_NAMES)}"))
            continue
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            problems.append((where, "must be a mapping; write e.g. `{folders: [docs], kind: pages}`"))
            continue
        for key, item in entry.items():
            problems.extend(_section_key_problems(where, key, item))
        for folder in entry.get("folders") or [name]:
            if isinstance(folder, str) and folder.strip("/") in claimed:
                problems.append((f"{where}.folders", f"`{folder}` is already a folder of section "
                                                     f"`{claimed[folder.strip('/')]}`"))
            elif isinstance(folder, str):
                claimed[folder.strip("/")] = name
    return problems


def _section_key_problems(where: str, key: str, item: Any) -> list[tuple[str, str]]:
    if key == "folders":
        if not isinstance(item, list) or not item or not all(_is_folder(folder) for folder in item):
            return [(f"{where}.folders", "must be a list of folders inside docs_dir, e.g. `folders: [docs, guides]` "
                                         "(no '..', no leading '/')")]
    elif key == "kind":
        if item not in SECTION_KINDS:
            return [(f"{where}.kind", f"must be one of {', '.join(SECTION_KINDS)}; write e.g. `kind: pages`")]
    elif key == "title":
        if not isinstance(item, str) or not item.strip():
            return [(f"{where}.title", "must be a non-empty text; write e.g. `title: Guides`")]
    elif key == "points":
        if not isinstance(item, dict):
            return [(f"{where}.points", "must be a mapping; write e.g. `points: {page: 2, line: 0.02}`")]
        return [(f"{where}.points.{name}", "unknown key (expected one of: page, line)") if name not in ("page", "line")
                else (f"{where}.points.{name}", "must be a number >= 0")
                for name, value in item.items() if name not in ("page", "line") or not _is_number(value)]
    else:
        return [(f"{where}.{key}", f"unknown key (expected one of: {', '.join(SECTION_KEYS)})")]
    return []


def _is_folder(folder: Any) -> bool:
    return (isinstance(folder, str) and folder.strip("/") != "" and not folder.startswith("/")
            and ".." not in folder.split("/") and "\\" not in folder)
