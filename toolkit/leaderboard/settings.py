"""The `leaderboard` settings in mkdocs.yml: defaults, validation, documentation.

Settings live under the plugin::

    plugins:
      - folio:
          leaderboard:
            points: {page: 10, line: 0.1, paid_chapter: 15, salon_note: 5, review: 3}
            line_cap: 300
            bots: ["[bot]", dependabot, github-actions]

Every key is optional; the defaults are those shown in ``DEFAULTS``.

``enabled`` (true)
    Generate the ``leaderboard/`` pages during the site build.
``points.page`` (10)
    For each new Markdown page under ``courses/``, ``articles/`` or ``salons/``.
    A renamed or moved page is not new.
``points.line`` (0.1)
    For each line added to pages, counting at most ``line_cap`` lines per
    commit (per board), so a bulk reformat cannot buy the top spot.
``points.paid_chapter`` (15)
    Bonus for a new paid chapter: a course page whose front matter says
    ``access: paid``, or that has no ``access`` and whose course ``index.md``
    has a ``price``. Judged on the page as it is now.
``points.salon_note`` (5)
    Bonus for a new page under ``salons/``.
``points.review`` (3)
    For each commit naming you in a ``Reviewed-by:`` trailer (not your own).
``line_cap`` (300)
    Lines per commit that earn ``points.line``.
``bots`` (``["[bot]", "dependabot", "github-actions"]``)
    Case-insensitive substrings of ``Name <email>``; matching people earn nothing.
``levels`` (``{Newcomer: 0, Contributor: 20, Regular: 100, Core: 300, Luminary: 1000}``)
    Level name -> all-time points needed; you hold the highest level reached.
``badges`` (``{author: 3, reviewer: 3, salon_host: 1, course_author: 1}``)
    All-time counts that earn a badge: new pages (Author), reviews
    (Reviewer), new salon notes (Salon host), new paid chapters (Course author);
    0 turns a badge off.
``top`` (50)
    Rows shown on each site board.
``sparkline_weeks`` (26)
    Weeks of activity drawn in each person's sparkline.

Credit: the commit's author and every ``Co-authored-by:`` person each earn the
commit's full points; ``.mailmap`` merges identities (trailers included);
merge commits are skipped.

JSON schema of ``folio leaderboard --format json`` (version 1)::

    {
      "schema": 1,
      "head": "<commit sha>" | null,     # null for an empty repository
      "shallow": false,                  # true: numbers miss the history not fetched
      "window": {"name": "all" | "90d" | "month" | "custom",
                 "since": "YYYY-MM-DD" | null, "until": "YYYY-MM-DD" | null},
      "section": "all" | "courses" | "articles" | "salons",
      "contributors": [{
        "rank": 1,                       # equal points share a rank (1, 1, 3)
        "name": "Maya Ortiz", "email": "maya@example.org", "slug": "maya-ortiz",
        "points": 42.5,
        "breakdown": {"pages": 20, "lines": 7.5, "paid_chapters": 15,
                      "salon_notes": 0, "reviews": 0},          # points by kind
        "counts": {"commits": 3, "pages": 2, "lines_added": 75, "lines_counted": 75,
                   "paid_chapters": 1, "salon_notes": 0, "reviews": 0},
        "level": "Contributor",           # from all-time points
        "badges": ["course_author"]       # from all-time counts
      }]
    }
"""

from __future__ import annotations

import copy
from typing import Any

from toolkit.errors import FolioError

KEY_PATH = "plugins.folio.leaderboard"

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "points": {"page": 10, "line": 0.1, "paid_chapter": 15, "salon_note": 5, "review": 3},
    "line_cap": 300,
    "bots": ["[bot]", "dependabot", "github-actions"],
    "levels": {"Newcomer": 0, "Contributor": 20, "Regular": 100, "Core": 300, "Luminary": 1000},
    "badges": {"author": 3, "reviewer": 3, "salon_host": 1, "course_author": 1},
    "top": 50,
    "sparkline_weeks": 26,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_pattern_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


# key -> (check, what the message says it must be)
SCALARS = {
    "enabled": (lambda v: isinstance(v, bool), "must be true or false"),
    "line_cap": (_is_count, "must be a whole number >= 0"),
    "bots": (_is_pattern_list, "must be a list of non-empty strings"),
    "top": (lambda v: _is_count(v) and v > 0, "must be a whole number > 0"),
    "sparkline_weeks": (lambda v: _is_count(v) and v > 0, "must be a whole number > 0"),
}
# key -> (check for each value, message, whether keys are fixed by DEFAULTS)
MAPPINGS = {
    "points": (_is_number, "must be a number >= 0", True),
    "badges": (_is_count, "must be a whole number >= 0", True),
    "levels": (_is_number, "must be a number >= 0", False),
}


def load_settings(raw: dict | None, source: str = "mkdocs.yml") -> dict[str, Any]:
    """Return the settings with defaults filled in; raise FolioError listing every bad key."""
    raw = {} if raw is None else raw
    problems = _problems(raw)
    if problems:
        raise FolioError("\n".join(f"{source}: {KEY_PATH}.{key}: {msg}" for key, msg in problems))
    settings = copy.deepcopy(DEFAULTS)
    for key, value in raw.items():
        if key in MAPPINGS and MAPPINGS[key][2]:
            settings[key].update(value)
        else:
            settings[key] = copy.deepcopy(value)
    return settings


def _problems(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return [("", "must be a mapping")]
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        if key in SCALARS:
            check, message = SCALARS[key]
            if not check(value):
                problems.append((key, message))
        elif key in MAPPINGS:
            problems.extend(_mapping_problems(key, value))
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
