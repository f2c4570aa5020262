"""Contributors' shares of each course's net revenue: exact integer minor units, per currency.

The policy (`plugins.folio.payouts` in mkdocs.yml, site-wide with per-course overrides):
named people get fixed percents; the rest is the pool, divided by the points each other
contributor earned on the course's leaderboard in the period (the leaderboard's scoring,
caps and bot rules), or left unallocated (`pool: none`, or nobody earned points). Shares
are computed as exact fractions and rounded by the largest remainder method, so every
statement adds up to the course's net revenue to the last cent (or yen). A period whose
net is zero or negative shares nothing. This computes a statement; it never moves money.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

from toolkit.leaderboard.identities import Mailmap, identity_key, parse_contact
from toolkit.report.content import Content
from toolkit.report.revenue import Revenue

UNALLOCATED = "unallocated"
NEVER_MOVES_MONEY = (
    "Folio never moves money: this statement only computes shares. Pay contributors yourself, or with Stripe "
    "Connect: each contributor a connected account, and one Transfer per line of this statement "
    "(`transfer_group` = the period) after the period's payouts have settled."
)


@dataclass(frozen=True)
class Policy:
    fixed: dict[str, Fraction]  # "Name <email>" -> percent
    pool: str  # contributions | none

    def as_json(self) -> dict:
        return {"fixed": {who: float(share) for who, share in self.fixed.items()}, "pool": self.pool}


def policy_for(course: str, settings: Mapping[str, Any] | None) -> Policy:
    """The course's policy: its own `fixed`/`pool` where set, else the site-wide ones."""
    settings = settings or {}
    own = (settings.get("courses") or {}).get(course) or {}
    fixed = own.get("fixed") if own.get("fixed") is not None else settings.get("fixed") or {}
    pool = own.get("pool") or settings.get("pool") or "contributions"
    return Policy({who: Fraction(str(share)) for who, share in fixed.items()}, pool)


def largest_remainder(total: int, weights: list[tuple[str, Fraction]]) -> dict[str, int]:
    """Split `total` minor units by `weights` (summing to 1) into integers that add up to `total`.

    Each gets the whole part of its exact quota; the units left over go one each to the
    largest fractional parts (ties: the larger quota, then the key), so the result is
    deterministic and never off by more than one unit from the exact share.
    """
    if total < 0:
        raise ValueError("a negative total has no shares")
    if weights and sum(weight for _key, weight in weights) != 1:
        raise ValueError("the weights must add up to exactly 1")
    quotas = [(key, total * weight) for key, weight in weights]
    shares = {key: math.floor(quota) for key, quota in quotas}
    left = total - sum(shares.values())
    order = sorted(quotas, key=lambda item: (-(item[1] - math.floor(item[1])), -item[1], item[0]))
    for key, _quota in order[:left]:
        shares[key] += 1
    return shares


def course_statement(course: str, content: Content, revenue: Revenue, policy: Policy) -> dict:
    """One course's statement: per currency, each person's basis and amount (minor units)."""
    mailmap = Mailmap.from_repo(content.history.repo.top)
    fixed_people = {}
    for who, percent in policy.fixed.items():
        contact = mailmap.resolve(parse_contact(who))
        fixed_people[identity_key(contact.name, contact.email)] = (contact, percent)
    points = content.points("period", f"course:{course}")
    pool_people = {}
    for number, earned in points.items():
        person = content.person(number)
        if person["key"] not in fixed_people and earned > 0:
            pool_people[person["key"]] = (person, Fraction(str(earned)))
    fixed_total = sum((percent for _c, percent in fixed_people.values()), Fraction(0)) / 100
    pool_share = 1 - fixed_total
    total_points = sum(earned for _p, earned in pool_people.values())
    weights: list[tuple[str, Fraction]] = [(key, percent / 100) for key, (_c, percent) in fixed_people.items()]
    rows = {key: {"name": contact.name, "email": contact.email, "basis": "fixed", "percent": float(percent),
                  "points": None} for key, (contact, percent) in fixed_people.items()}
    if policy.pool == "contributions" and total_points > 0:
        for key, (person, earned) in pool_people.items():
            weights.append((key, pool_share * earned / total_points))
            rows[key] = {"name": person["name"], "email": person["email"], "basis": "pool",
                         "percent": float(pool_share * earned / total_points * 100), "points": float(earned)}
    elif pool_share > 0:
        weights.append((UNALLOCATED, pool_share))
        rows[UNALLOCATED] = {"name": UNALLOCATED, "email": "", "basis": UNALLOCATED,
                             "percent": float(pool_share * 100), "points": None}
    currencies = {}
    for currency, net in revenue.net_of(f"course:{course}").items():
        shares = largest_remainder(max(net, 0), weights) if weights else {}
        lines = [{**rows[key], "amount": shares.get(key, 0)} for key, _w in weights]
        lines.sort(key=lambda line: (line["basis"] == UNALLOCATED, -line["amount"], line["name"].casefold()))
        currencies[currency] = {"net": net, "shared": max(net, 0), "lines": lines,
                                "note": None if net > 0 else "no positive net revenue in the period: nothing to share"}
    return {"course": course, "policy": policy.as_json(), "currencies": currencies}


def statements(content: Content, revenue: Revenue, settings: Mapping[str, Any] | None) -> dict:
    """Every course's statement for the period (courses with content or sales)."""
    courses = set(content.course_slugs())
    courses |= {product.split(":", 1)[1] for (_k, product, _p, _c) in revenue.lines if product.startswith("course:")}
    return {"note": NEVER_MOVES_MONEY,
            "courses": [course_statement(course, content, revenue, policy_for(course, settings))
                        for course in sorted(courses)]}
