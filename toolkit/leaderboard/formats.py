"""A report as text: an aligned table for people, JSON and CSV for scripts.

CSV is written for spreadsheets: UTF-8 with a byte-order mark and CRLF line
ends (RFC 4180). Without the mark, Excel reads a UTF-8 file in the system's
legacy code page and garbles names like 李雷 or Zoë; LibreOffice, Google
Sheets, pandas (`encoding="utf-8-sig"`) and Python's csv module read it as is.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from toolkit.leaderboard.report import Report

TABLE_COLUMNS = ("rank", "name", "points", "commits", "pages", "lines", "paid", "salons", "reviews", "level",
                 "badges")
CSV_COLUMNS = ("rank", "name", "email", "slug", "points", "commits", "pages", "pages_counted", "lines_added",
               "lines_counted", "paid_chapters", "paid_chapters_counted", "salon_notes", "salon_notes_counted",
               "reviews", "level", "badges")
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: see the module docstring


def as_json(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"


def as_csv(report: Report) -> str:
    """Return the CSV text (encode it with CSV_ENCODING)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.standings:
        person, counts = row.person, row.counts
        writer.writerow([row.rank, person.name, person.email, person.slug, row.points,
                         *(counts[name] for name in CSV_COLUMNS[5:15]), row.level, " ".join(row.badges)])
    return out.getvalue()


def as_table(report: Report) -> str:
    """Return an aligned table of the scored figures (capped pages and lines), or why it is empty."""
    rows = [[str(cell) for cell in _table_row(row)] for row in report.standings]
    if not rows:
        return f"No contributors on this board. {report.empty}\n"
    widths = [max(display_width(cell) for cell in column) for column in zip(TABLE_COLUMNS, *rows)]
    lines = [_align(TABLE_COLUMNS, widths), _align(["-" * width for width in widths], widths)]
    lines += [_align(row, widths) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _table_row(row) -> list:
    counts = row.counts
    return [row.rank, row.person.name, _number(row.points), counts["commits"], counts["pages_counted"],
            counts["lines_counted"], counts["paid_chapters_counted"], counts["salon_notes_counted"],
            counts["reviews"], row.level, ", ".join(row.badges)]


def _number(value: float) -> str:
    return f"{value:g}"


def display_width(text: str) -> int:
    """Return the columns `text` takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _align(cells, widths) -> str:
    return "  ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths))
