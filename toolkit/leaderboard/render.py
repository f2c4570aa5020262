"""Markdown pieces for the site: translated strings, escaped names, board tables, sparklines."""

from __future__ import annotations

import json

from toolkit.content.strings import strings
from toolkit.leaderboard.scoring import Standing

# Count shown in the breakdown column for each kind of points.
BREAKDOWN_COUNTS = {"pages": "pages", "lines": "lines_added", "paid_chapters": "paid_chapters",
                    "salon_notes": "salon_notes", "reviews": "reviews"}
MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]|<>#"})


class Strings:
    """The leaderboard's UI strings (`leaderboard.*` in toolkit/content/strings.py); unknown keys
    (such as custom level names) pass through."""

    def __init__(self, language: str):
        self.table = strings(language)

    def __getitem__(self, key: str) -> str:
        return self.table.get(f"leaderboard.{key}", key)


def escape(text: str) -> str:
    """Return `text` safe inside Markdown (table cells included)."""
    return text.translate(MARKDOWN_SPECIAL)


def sparkline(values: list[int], width: int = 104, height: int = 20) -> str:
    """Return an inline SVG line of `values` (drawn flat when there is no activity)."""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{index * step:.1f},{height - 1 - (value / top) * (height - 2):.1f}"
                      for index, value in enumerate(values))
    return (f'<svg class="folio-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{sum(values)}"><polyline fill="none" stroke="currentColor" '
            f'stroke-width="1.5" points="{points}"/></svg>')


def breakdown_text(row: Standing, strings: Strings) -> str:
    parts = [strings[kind].format(row.counts[BREAKDOWN_COUNTS[kind]])
             for kind, points in row.breakdown.items() if points]
    return " · ".join(parts)


def number(value: float) -> str:
    return f"{value:g}"


def board_table(rows: list[Standing], strings: Strings, profile_link: str,
                activity: dict[str, list[int]], top: int) -> str:
    """Return a Markdown table of the first `top` rows; `profile_link` formats a slug into a link."""
    if not rows:
        return strings["empty"] + "\n"
    header = [strings[key] for key in ("rank", "name", "points", "breakdown", "level", "activity")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows[:top]:
        name = f"[{escape(row.person.name)}]({profile_link.format(row.person.slug)})"
        spark = sparkline(activity.get(row.person.key, [0]))
        cells = [str(row.rank), name, number(row.points), breakdown_text(row, strings),
                 escape(strings[row.level]), spark]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def front_matter(title: str) -> str:
    """Return a front matter block setting the page title (a JSON string is valid YAML)."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"
