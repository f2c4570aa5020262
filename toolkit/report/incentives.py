"""Incentives: who keeps contributing. New, returning and lapsed contributors, the top of each
month, and the salons held with their speakers.

A contributor is a person credited with a commit that changed a page (author or co-author,
bots excepted), or a reviewer. New: their first contribution ever is in the period.
Returning: they contributed in the period and before it. Lapsed: they contributed in the
previous period of the same length (the previous month for a month) and not in this one.
"""

from __future__ import annotations

from toolkit.leaderboard.identities import BotFilter
from toolkit.report.content import Content, salons_held

TOP_PER_MONTH = 3


def incentives(content: Content, bots: BotFilter) -> dict:
    ledger = content.history.ledger
    is_bot = [bots.is_bot(name, email) for _key, name, email in ledger.people]
    low, high = content.period.window().bounds()
    before_low, before_high = content.period.previous().window().bounds()
    first: dict[int, int] = {}
    in_period, in_previous = set(), set()
    for day, author, coauthors, reviewers, _changes in ledger.commits:
        for person in (author, *coauthors, *reviewers):
            if is_bot[person]:
                continue
            first[person] = min(first.get(person, day), day)
            if low <= day <= high:
                in_period.add(person)
            elif before_low <= day <= before_high:
                in_previous.add(person)
    new = sorted(p for p in in_period if first[p] >= low)
    returning = sorted(p for p in in_period if first[p] < low)
    lapsed = sorted(in_previous - in_period)
    names = lambda people: sorted((content.person(p)["name"] for p in people), key=str.casefold)  # noqa: E731
    top = {}
    for month in content.period.months():
        top[month] = [{"rank": row.rank, "name": row.person.name, "points": row.points}
                      for row in content.scoreboard.standings(month, "all")[:TOP_PER_MONTH]]
    return {
        "contributors": len(in_period),
        "new": names(new), "returning": names(returning), "lapsed": names(lapsed),
        "top_by_month": top,
        "salons": salons_held(content),
    }
