"""The ledger: every commit's page changes, in commit order, people and pages as numbers.

The ledger is what the cache stores, so it holds only facts that follow from
the commits and .mailmap: who is credited, which page changed, how many lines
were added, and whether the page was new. Points, windows and bot patterns are
applied later (scoring), so changing a setting never needs a new `git log`.

A page is new when git says it was added (`A`). A rename hands the page's
number to its new path, so a moved page is not new; a page git shows first
as modified was created where the log does not look (inside a merge commit,
or before a shallow clone's cut) and is not new either. In a shallow clone
the commits at the cut (the "boundary") are read only to learn which pages
existed: their diff is the whole tree, so they credit nobody.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from toolkit.content import is_markdown
from toolkit.leaderboard.gitlog import FileChange, RawCommit
from toolkit.leaderboard.identities import Contact, Mailmap, identity_key, parse_contact

# One ledger commit: (date ordinal, author id, co-author ids, reviewer ids,
#                     ((page id, lines added, is new page), ...))
Entry = tuple


@functools.lru_cache(maxsize=4096)
def _day_number(iso_date: str) -> int:
    """Return the date's ordinal (memoized: thousands of commits share a day)."""
    return datetime.date.fromisoformat(iso_date).toordinal()


class Ledger:
    """History reduced to numbers, grown commit by commit (oldest first)."""

    def __init__(self, head: str | None = None, people: list | None = None,
                 page_paths: list | None = None, live_pages: dict | None = None,
                 commits: list | None = None, partial_since: int | None = None):
        self.head = head
        # Set in a shallow clone: the newest day the history was cut at (a date ordinal).
        self.partial_since = partial_since
        self.people: list[list[str]] = people or []  # [key, name, email], latest name wins
        self.page_paths: list[str] = page_paths or []  # page id -> last known repo path
        self.live_pages: dict[str, int] = live_pages or {}  # repo path -> page id
        self.commits: list[Entry] = commits or []
        self._person_ids = {person[0]: number for number, person in enumerate(self.people)}

    def to_state(self) -> dict:
        """Return plain data (str, int, list, tuple, dict) for the cache."""
        return {"head": self.head, "people": self.people, "page_paths": self.page_paths,
                "live_pages": self.live_pages, "commits": self.commits, "partial_since": self.partial_since}

    @classmethod
    def from_state(cls, state: dict) -> Ledger:
        return cls(state["head"], state["people"], state["page_paths"], state["live_pages"], state["commits"],
                   state.get("partial_since"))

    def add_commits(self, commits: Iterable[RawCommit], mailmap: Mailmap,
                    boundary: frozenset[str] = frozenset()) -> int:
        """Append commits given oldest first; return how many were read.

        Commits in `boundary` (a shallow clone's cut) only register the pages they hold.
        """
        count = 0
        for commit in commits:
            count += 1
            if commit.sha in boundary:
                self._register_boundary(commit)
                continue
            entry = self._entry(commit, mailmap)
            if entry[4]:  # a commit that touched no page earns nothing
                self.commits.append(entry)
        return count

    def _register_boundary(self, commit: RawCommit) -> None:
        for change in commit.changes:
            if is_markdown(change.path) and change.path not in self.live_pages:
                self.live_pages[change.path] = len(self.page_paths)
                self.page_paths.append(change.path)
        day = _day_number(commit.date)
        self.partial_since = max(day, self.partial_since or day)

    def _entry(self, commit: RawCommit, mailmap: Mailmap) -> Entry:
        author = self._person(Contact(commit.author_name, commit.author_email))
        coauthors = self._people(commit.coauthors, mailmap, exclude={author})
        reviewers = self._people(commit.reviewers, mailmap, exclude={author, *coauthors})
        changes = tuple(found for found in map(self._page_change, commit.changes) if found is not None)
        day = _day_number(commit.date)
        return (day, author, coauthors, reviewers, changes)

    def _people(self, values: tuple[str, ...], mailmap: Mailmap, exclude: set[int]) -> tuple[int, ...]:
        found: list[int] = []
        for value in values:
            person = self._person(mailmap.resolve(parse_contact(value)))
            if person not in exclude and person not in found:
                found.append(person)
        return tuple(found)

    def _person(self, contact: Contact) -> int:
        key = identity_key(contact.name, contact.email)
        number = self._person_ids.get(key)
        if number is None:
            number = self._person_ids[key] = len(self.people)
            self.people.append([key, contact.name, contact.email])
        else:  # history runs oldest first, so the newest spelling of a name wins
            self.people[number][1:] = [contact.name or self.people[number][1], contact.email]
        return number

    def _page_change(self, change: FileChange) -> tuple[int, int, bool] | None:
        """Return (page id, lines added, is new) for a change to a page, None for anything else."""
        if change.status == "D" or not is_markdown(change.path) or change.added is None:
            self.live_pages.pop(change.path, None)
            if change.status in "RD" and change.old_path is not None:
                self.live_pages.pop(change.old_path, None)
            return None
        page = None
        if change.status == "R":
            page = self.live_pages.pop(change.old_path, None)
        elif change.status != "A":
            page = self.live_pages.get(change.path)
        is_new = change.status == "A"
        if page is None:
            page = len(self.page_paths)
            self.page_paths.append(change.path)
        self.live_pages[change.path] = page
        self.page_paths[page] = change.path
        return (page, change.added, is_new)
