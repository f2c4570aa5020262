"""Markdown pieces for the site: translated strings, escaped names, board tables, sparklines."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from toolkit.content.strings import strings
from toolkit.leaderboard.scoring import Standing

# Count shown in the breakdown for each kind of points: the scored (capped) figure.
BREAKDOWN_COUNTS = {"pages": "pages_counted", "lines": "lines_counted", "paid_chapters": "paid_chapters_counted",
                    "salon_notes": "salon_notes_counted", "reviews": "reviews"}
MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]|<>#"})


class Strings:
    """The leaderboard's UI strings (`leaderboard.*` in toolkit/content/strings.py); unknown keys
    (such as custom level names) pass through."""

    def __init__(self, language: str):
        self.table = strings(language)

    def __getitem__(self, key: str) -> str:
        return self.table.get(f"leaderboard.{key}", key)

    def count(self, key: str, number: int) -> str:
        """Return `number` with its label, singular (`leaderboard.<key>.one`) or plural (`.other`)."""
        return self.table[f"leaderboard.{key}.{'one' if number == 1 else 'other'}"].format(number)


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
    """Return the scored figures behind a row's points, e.g. `1 page · 300 lines · 2 reviews`."""
    parts = [strings.count(kind, row.counts[BREAKDOWN_COUNTS[kind]])
             for kind, points in row.breakdown.items() if points]
    return " · ".join(parts)


def number(value: float) -> str:
    return f"{value:g}"


def board_table(rows: list[Standing], strings: Strings, profile_link: str,
                activity: dict[str, list[int]], top: int, empty: str | None = None) -> str:
    """Return a Markdown table of the first `top` rows; `profile_link` formats a slug into a link."""
    if not rows:
        return escape(empty or strings["empty"]) + "\n"
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


def course_people(authors: list[str], contributors: list[tuple[str, str]], strings: Strings,
                  url_for: Callable[[str], str]) -> str:
    """Return the course page's two labelled lists: authors from front matter, contributors from git.

    `contributors` holds (name, profile page src); `url_for` turns a src into a URL relative to the
    course page. Raw HTML, so the block renders the same whatever Markdown extensions a site enables.
    Without git contributors there is nothing to tell apart: the course facts already name the authors.
    """
    if not contributors:
        return ""
    def people_list(css: str, label: str, note: str, items: list[str]) -> str:
        if not items:
            return ""
        return (f'<div class="folio-people folio-people--{css}"><h3>{html.escape(strings[label])} '
                f'<small>({html.escape(strings[note])})</small></h3>\n<ul>'
                + "".join(f"<li>{item}</li>" for item in items) + "</ul></div>\n")

    author_items = [html.escape(str(name)) for name in authors]
    contributor_items = [f'<a href="{html.escape(url_for(src))}">{html.escape(name)}</a>' for name, src in contributors]
    blocks = (people_list("authors", "course_authors", "course_authors_note", author_items)
              + people_list("contributors", "course_contributors", "course_contributors_note", contributor_items))
    return f'\n<section class="folio-course-people">\n{blocks}</section>\n' if blocks else ""
