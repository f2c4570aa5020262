"""Time windows a board covers: all time, the last 90 days, this month, or any dates."""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

WINDOW_NAMES = ("all", "90d", "month")


class Window(NamedTuple):
    name: str  # all, 90d, month or custom
    since: datetime.date | None  # first day counted (None: from the beginning)
    until: datetime.date | None  # last day counted (None: up to now)

    def bounds(self) -> tuple[int, int]:
        """Return the first and last day as ordinals, open ends made very wide."""
        low = self.since.toordinal() if self.since else 0
        high = self.until.toordinal() if self.until else 10**9
        return low, high

    def as_json(self) -> dict:
        return {"name": self.name,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}


def make_window(name: str, today: datetime.date,
                since: datetime.date | None = None, until: datetime.date | None = None) -> Window:
    """Return the named window ending today; explicit dates make a `custom` window instead."""
    if since or until:
        return Window("custom", since, until)
    if name == "90d":
        return Window("90d", today - datetime.timedelta(days=89), today)
    if name == "month":
        return Window("month", today.replace(day=1), today)
    return Window("all", None, None)


ALL_TIME = Window("all", None, None)


RELATIVE = re.compile(r"^(?P<count>\d+)(?P<unit>[dw])$")
UNIT_DAYS = {"d": 1, "w": 7}


def parse_day(text: str, today: datetime.date, first: bool) -> datetime.date:
    """Return the day `text` names: `YYYY-MM-DD`, `today`, or `90d` / `12w` back from today.

    A relative `--since 90d` is the first day of the last 90 days (today
    counts), as the `90d` window is; a relative `--until 30d` is 30 days
    before today. Raise ValueError saying what to write.
    """
    text = text.strip()
    if text == "today":
        return today
    relative = RELATIVE.match(text)
    if relative:
        days = int(relative["count"]) * UNIT_DAYS[relative["unit"]]
        if first and days == 0:
            raise ValueError(f"{text!r} is an empty window; write at least 1d")
        return today - datetime.timedelta(days=days - 1 if first else days)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD (e.g. 2024-06-30), "
                         "a number of days or weeks back (90d, 12w), or today")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error}); write YYYY-MM-DD") from None


def check_range(since: datetime.date | None, until: datetime.date | None) -> None:
    """Raise ValueError when `since` comes after `until`: such a window holds no day."""
    if since and until and since > until:
        raise ValueError(f"--since {since.isoformat()} is after --until {until.isoformat()}, so no day is "
                         "counted; swap them")
