"""Likely duplicate identities in the history, as `.mailmap` lines ready to paste.

Two identities are likely one person when their names are the same once
case, accents and spacing are set aside (`Zoë  Ångström` and `zoe angstrom`),
or when one is a GitHub noreply address (`12345+maya@users.noreply.github.com`)
whose login matches the other's name or the local part of its email. The
person's canonical identity is the one with the most commits (a real address
before a noreply one); every other email is mapped to it with git's
`Proper Name <proper@email> <commit@email>` form. These are suggestions: a
person reads them before pasting, since two people may share a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from toolkit.leaderboard.history import Ledger
from toolkit.leaderboard.identities import BotFilter

NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)


def comparable_name(name: str) -> str:
    """Return `name` without case, accents or extra spaces, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def github_login(email: str) -> str | None:
    match = NOREPLY.match(email)
    return match["login"].casefold() if match else None


def suggest_mailmap(ledger: Ledger, bot_patterns: list[str]) -> list[str]:
    """Return `.mailmap` lines merging likely duplicates, grouped by person, most active first."""
    bots = BotFilter(bot_patterns)
    commits = _commit_counts(ledger)
    people = [(number, name, email) for number, (_key, name, email) in enumerate(ledger.people)
              if email and not bots.is_bot(name, email)]
    groups = _group(people)
    lines = []
    for members in sorted(groups, key=lambda group: -sum(commits[number] for number, _n, _e in group)):
        proper = max(members, key=lambda person: (github_login(person[2]) is None, commits[person[0]], -person[0]))
        for number, _name, email in sorted(members, key=lambda person: person[2].lower()):
            if number != proper[0]:
                lines.append(f"{proper[1]} <{proper[2]}> <{email}>")
    return lines


def _commit_counts(ledger: Ledger) -> Counter:
    counts: Counter = Counter()
    for _day, author, coauthors, _reviewers, _changes in ledger.commits:
        counts[author] += 1
        for person in coauthors:
            counts[person] += 1
    return counts


def _group(people: list[tuple[int, str, str]]) -> list[list[tuple[int, str, str]]]:
    """Return the groups of two or more identities that look like one person (union-find)."""
    parent = {number: number for number, _name, _email in people}

    def root(number: int) -> int:
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    def join(one: int, other: int) -> None:
        parent[root(one)] = root(other)

    by_name: dict[str, int] = {}
    handles: dict[str, int] = {}  # a name without spaces, or an email's local part -> a person
    for number, name, email in people:
        key = comparable_name(name)
        if key:
            if key in by_name:
                join(number, by_name[key])
            by_name.setdefault(key, number)
        if github_login(email) is None:  # only real addresses are what a login can point to
            if key:
                handles.setdefault(key.replace(" ", ""), number)
            handles.setdefault(email.split("@")[0].casefold(), number)
    for number, _name, email in people:
        login = github_login(email)
        if login and login in handles and handles[login] != number:
            join(number, handles[login])
    groups: dict[int, list] = {}
    for person in people:
        groups.setdefault(root(person[0]), []).append(person)
    return [members for members in groups.values() if len(members) > 1]
