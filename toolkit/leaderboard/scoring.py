"""Points and ranks: the ledger tallied per window and board in one pass, then ranked.

A board is `all`, a section (`courses`, `articles`, `salons`) or one course
(`course:<slug>`). Each commit is scored per board on the part of it that
falls in that board: so lines are capped per commit *per board*, and a review
counts on every board the reviewed commit touched. Levels and badges always
come from the all-time `all` board: they describe the person, not the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History
from toolkit.leaderboard.identities import BotFilter, profile_slugs
from toolkit.leaderboard.windows import ALL_TIME, Window

COUNT_NAMES = ("commits", "pages", "lines_added", "lines_counted", "paid_chapters", "salon_notes", "reviews")
COMMITS, PAGES, LINES_ADDED, LINES_COUNTED, PAID, SALONS, REVIEWS = range(len(COUNT_NAMES))
# breakdown name -> (count it multiplies, points setting)
BREAKDOWN = {
    "pages": (PAGES, "page"),
    "lines": (LINES_COUNTED, "line"),
    "paid_chapters": (PAID, "paid_chapter"),
    "salon_notes": (SALONS, "salon_note"),
    "reviews": (REVIEWS, "review"),
}
BADGE_COUNTS = {"author": PAGES, "reviewer": REVIEWS, "salon_host": SALONS, "course_author": PAID}


@dataclass
class Person:
    key: str
    name: str
    email: str
    slug: str


@dataclass
class Standing:
    """One row of a board."""

    rank: int
    person: Person
    points: float
    breakdown: dict[str, float]
    counts: dict[str, int]
    level: str = ""
    badges: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"rank": self.rank, "name": self.person.name, "email": self.person.email,
                "slug": self.person.slug, "points": self.points, "breakdown": self.breakdown,
                "counts": self.counts, "level": self.level, "badges": self.badges}


def boards_of_page(catalog: Catalog, repo_path: str) -> tuple[str, ...]:
    """Return every board a change to this page counts on."""
    place = catalog.place(repo_path)
    if place.section is None:
        return ()
    boards = ("all", place.section)
    return boards + (f"course:{place.course}",) if place.course else boards


class Scoreboard:
    """Every requested board for every requested window, ranked."""

    def __init__(self, history: History, catalog: Catalog, settings: dict,
                 windows: list[Window], boards: set[str] | None = None):
        self.settings = settings
        self.catalog = catalog
        ledger = history.ledger
        bots = BotFilter(settings["bots"])
        self.is_bot = [bots.is_bot(name, email) for _key, name, email in ledger.people]
        humans = {key: name for (key, name, _email), bot in zip(ledger.people, self.is_bot) if not bot}
        slugs = profile_slugs(humans)
        self.people = [Person(key, name, email, slugs.get(key, "")) for key, name, email in ledger.people]
        self.windows = {window.name: window for window in [ALL_TIME, *windows]}
        wanted = None if boards is None else boards | {"all"}
        self.tallies = self._tally(history, wanted)

    def standings(self, window: str, board: str) -> list[Standing]:
        """Return the ranked rows of one board (people with points only)."""
        rows = []
        for person, counts in self.tallies.get((window, board), {}).items():
            breakdown = self._breakdown(counts)
            total = round(sum(breakdown.values()), 2)
            if total > 0:
                level, badges = self.status(person)
                rows.append(Standing(0, self.people[person], total, breakdown,
                                     dict(zip(COUNT_NAMES, counts)), level, badges))
        rows.sort(key=lambda row: (-row.points, row.person.name.casefold(), row.person.key))
        for position, row in enumerate(rows):
            tied = position and rows[position - 1].points == row.points
            row.rank = rows[position - 1].rank if tied else position + 1
        return rows

    def status(self, person: int) -> tuple[str, list[str]]:
        """Return a person's level and badges from their all-time counts."""
        counts = self.tallies.get(("all", "all"), {}).get(person)
        if counts is None:
            return "", []
        points = sum(self._breakdown(counts).values())
        reached = [(need, name) for name, need in self.settings["levels"].items() if points >= need]
        level = max(reached)[1] if reached else ""
        badges = [badge for badge, index in BADGE_COUNTS.items()
                  if 0 < self.settings["badges"][badge] <= counts[index]]
        return level, badges

    def _breakdown(self, counts: list[int]) -> dict[str, float]:
        weights = self.settings["points"]
        return {name: round(counts[index] * weights[setting], 2) for name, (index, setting) in BREAKDOWN.items()}

    def _tally(self, history: History, wanted: set[str] | None) -> dict:
        """Return (window, board) -> person -> counts, in one pass over the ledger."""
        ledger = history.ledger
        page_boards = [tuple(b for b in boards_of_page(self.catalog, path) if wanted is None or b in wanted)
                       for path in ledger.page_paths]
        windows = [(name, *window.bounds()) for name, window in self.windows.items()]
        cap, is_bot = self.settings["line_cap"], self.is_bot
        tallies: dict = {}
        for day, author, coauthors, reviewers, changes in ledger.commits:
            active = [name for name, low, high in windows if low <= day <= high]
            credited = [p for p in (author, *coauthors) if not is_bot[p]] if coauthors else \
                ([] if is_bot[author] else [author])
            reviewing = [p for p in reviewers if not is_bot[p]] if reviewers else []
            if not active or not (credited or reviewing):
                continue
            for board, totals in self._commit_totals(ledger, changes, page_boards).items():
                for window in active:
                    board_tally = tallies.get((window, board))
                    if board_tally is None:
                        board_tally = tallies[(window, board)] = {}
                    _credit(board_tally, credited, totals, cap)
                    if reviewing:
                        _credit_reviews(board_tally, reviewing)
        return tallies

    def _commit_totals(self, ledger, changes, page_boards) -> dict[str, list[int]]:
        """Return board -> [new pages, lines added, new paid chapters, new salon notes] for one commit."""
        totals: dict[str, list[int]] = {}
        for page, added, is_new in changes:
            paid = salon = 0
            if is_new:  # once per page in all history, so the file reads stay few
                path = ledger.page_paths[page]
                paid = self.catalog.is_paid_chapter(path)
                salon = self.catalog.place(path).section == "salons"
            for board in page_boards[page]:
                total = totals.get(board)
                if total is None:
                    totals[board] = [is_new, added, paid, salon]
                else:
                    total[0] += is_new
                    total[1] += added
                    total[2] += paid
                    total[3] += salon
        return totals


def _credit(board_tally: dict, people: list[int], totals: list[int], cap: int) -> None:
    new_pages, added, paid, salons = totals
    for person in people:
        counts = board_tally.get(person)
        if counts is None:
            counts = board_tally[person] = [0] * len(COUNT_NAMES)
        counts[COMMITS] += 1
        counts[PAGES] += new_pages
        counts[LINES_ADDED] += added
        counts[LINES_COUNTED] += min(added, cap)
        counts[PAID] += paid
        counts[SALONS] += salons


def _credit_reviews(board_tally: dict, reviewers: list[int]) -> None:
    for person in reviewers:
        counts = board_tally.get(person)
        if counts is None:
            counts = board_tally[person] = [0] * len(COUNT_NAMES)
        counts[REVIEWS] += 1
