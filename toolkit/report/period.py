"""The period a report covers: whole UTC days from `since` to `until`, both counted.

`--month 2026-11` is November 2026; `--since`/`--until` any days. Stripe is asked for
`created[gte]` the first day's 00:00 UTC and `created[lt]` the day after the last, so a
payment at 23:59:59 UTC on the last day counts and one a second later does not. Git dates
are the author's day (as the leaderboard counts them); the gate's events carry UTC times.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from toolkit.leaderboard.windows import Window

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Period(NamedTuple):
    since: dt.date
    until: dt.date  # the last day counted

    @property
    def label(self) -> str:
        """`2026-11` for a whole calendar month, else `2026-11-03_2026-11-20` (a folder name)."""
        if self.since.day == 1 and self.until == _month_end(self.since):
            return self.since.strftime("%Y-%m")
        return f"{self.since.isoformat()}_{self.until.isoformat()}"

    def timestamps(self) -> tuple[int, int]:
        """[start, end) in Unix seconds, UTC: Stripe's `created[gte]` and `created[lt]`."""
        start = dt.datetime.combine(self.since, dt.time(), dt.timezone.utc)
        end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
        return int(start.timestamp()), int(end.timestamp())

    def window(self, name: str = "custom") -> Window:
        """The leaderboard's window for the same days."""
        return Window(name, self.since, self.until)

    def months(self) -> list[str]:
        """Every `YYYY-MM` the period touches, in order (the charts' columns)."""
        found, day = [], self.since.replace(day=1)
        while day <= self.until:
            found.append(day.strftime("%Y-%m"))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return found

    def previous(self) -> Period:
        """The period of the same length just before (a whole month for a month): for lapsed contributors."""
        if self.label == self.since.strftime("%Y-%m"):
            last = self.since - dt.timedelta(days=1)
            return Period(last.replace(day=1), last)
        length = self.until - self.since
        until = self.since - dt.timedelta(days=1)
        return Period(until - length, until)

    def holds_day(self, day: dt.date) -> bool:
        return self.since <= day <= self.until

    def as_json(self) -> dict:
        return {"since": self.since.isoformat(), "until": self.until.isoformat(), "label": self.label,
                "stripe_created": dict(zip(("gte", "lt"), self.timestamps()))}


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def month_period(text: str) -> Period:
    """The period of `YYYY-MM`; ValueError saying what to write."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a month; write YYYY-MM, e.g. 2026-11")
    first = dt.date(int(match[1]), int(match[2]), 1)
    return Period(first, _month_end(first))


def last_full_month(today: dt.date) -> Period:
    """The calendar month before `today`'s: the default period."""
    return month_period((today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"))


def day_period(since: dt.date, until: dt.date) -> Period:
    if since > until:
        raise ValueError(f"--since {since} is after --until {until}, so no day is counted; swap them")
    return Period(since, until)


def month_of_timestamp(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m")


def month_of_ordinal(day: int) -> str:
    return dt.date.fromordinal(day).strftime("%Y-%m")
