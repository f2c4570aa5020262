"""Time windows a board covers: all time, the last 90 days, this month, or any dates."""

from __future__ import annotations

import datetime
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
