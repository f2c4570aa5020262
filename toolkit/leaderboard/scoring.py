"""Points and ranks: the ledger tallied per window and board in one pass, then ranked.

A board is `all`, a section (its name) or one course (`course:<slug>`). Each
commit is scored per section on the part of it that falls in that section:
lines (`line_cap`) and new pages (`page_cap`) are capped per commit in each
section, and in each course; the `all` board adds up a commit's sections. So a
bulk import or a mass reformat earns at most one capped commit's worth. A
review counts on every board the reviewed commit touched. Levels and badges
always come from the all-time `all` board: they describe the person, not the
window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import add

from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History
from toolkit.leaderboard.identities import BotFilter, profile_slugs
from toolkit.leaderboard.settings import Settings
from toolkit.leaderboard.windows import ALL_TIME, Window

COUNT_NAMES = ("commits", "pages", "pages_counted", "lines_added", "lines_counted", "paid_chapters",
               "paid_chapters_counted", "salon_notes", "salon_notes_counted", "reviews")
POINT_NAMES = ("pages", "lines", "paid_chapters", "salon_notes", "reviews")
(COMMITS, PAGES, PAGES_COUNTED, LINES_ADDED, LINES_COUNTED, PAID, PAID_COUNTED, SALONS, SALONS_COUNTED,
 REVIEWS) = range(len(COUNT_NAMES))
# A tally row is the counts followed by the points earned, by kind.
POINTS_AT = len(COUNT_NAMES)
ROW_SIZE = POINTS_AT + len(POINT_NAMES)
REVIEW_POINTS = POINTS_AT + POINT_NAMES.index("reviews")
BADGE_COUNTS = {"author": PAGES_COUNTED, "reviewer": REVIEWS, "salon_host": SALONS_COUNTED,
                "course_author": PAID_COUNTED}


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

    def __init__(self, history: History, catalog: Catalog, settings: Settings,
                 windows: list[Window], boards: set[str] | None = None):
        self.settings = settings
        self.catalog = catalog
        ledger = history.ledger
        bots = BotFilter(settings.bots)
        self.is_bot = [bots.is_bot(name, email) for _key, name, email in ledger.people]
        humans = {key: name for (key, name, _email), bot in zip(ledger.people, self.is_bot) if not bot}
        slugs = profile_slugs(humans)
        self.people = [Person(key, name, email, slugs.get(key, "")) for key, name, email in ledger.people]
        self.windows = {window.name: window for window in [ALL_TIME, *windows]}
        self.wanted = None if boards is None else boards | {"all"}
        self.tallies = self._tally(history)

    def standings(self, window: str, board: str) -> list[Standing]:
        """Return the ranked rows of one board (people with points only)."""
        rows = []
        for person, row in self.tallies.get((window, board), {}).items():
            breakdown = {name: round(value, 2) for name, value in zip(POINT_NAMES, row[POINTS_AT:])}
            total = round(sum(row[POINTS_AT:]), 2)
            if total > 0:
                level, badges = self.status(person)
                counts = {name: int(value) for name, value in zip(COUNT_NAMES, row)}
                rows.append(Standing(0, self.people[person], total, breakdown, counts, level, badges))
        rows.sort(key=lambda row: (-row.points, row.person.name.casefold(), row.person.key))
        for position, row in enumerate(rows):
            tied = position and rows[position - 1].points == row.points
            row.rank = rows[position - 1].rank if tied else position + 1
        return rows

    def status(self, person: int) -> tuple[str, list[str]]:
        """Return a person's level and badges from their all-time counts."""
        row = self.tallies.get(("all", "all"), {}).get(person)
        if row is None:
            return "", []
        points = sum(row[POINTS_AT:])
        reached = [(need, name) for name, need in self.settings.levels.items() if points >= need]
        level = max(reached)[1] if reached else ""
        badges = [badge for badge, index in BADGE_COUNTS.items()
                  if 0 < self.settings.badges[badge] <= row[index]]
        return level, badges

    def _tally(self, history: History) -> dict:
        """Return (window, board) -> person -> row, in one pass over the ledger."""
        ledger = history.ledger
        scorer = CommitScorer(self.catalog, self.settings, ledger.page_paths, self.wanted)
        windows = [(name, *window.bounds()) for name, window in self.windows.items()]
        is_bot = self.is_bot
        review_points = self.settings.points["review"]
        tallies: dict = {}
        for day, author, coauthors, reviewers, changes in ledger.commits:
            active = [name for name, low, high in windows if low <= day <= high]
            credited = [p for p in (author, *coauthors) if not is_bot[p]] if coauthors else \
                ([] if is_bot[author] else [author])
            reviewing = [p for p in reviewers if not is_bot[p]] if reviewers else []
            if not active or not (credited or reviewing):
                continue
            for board, delta in scorer.deltas(changes).items():
                for window in active:
                    board_tally = tallies.get((window, board))
                    if board_tally is None:
                        board_tally = tallies[(window, board)] = {}
                    for person in credited:
                        row = board_tally.get(person)
                        board_tally[person] = delta.copy() if row is None else list(map(add, row, delta))
                    for person in reviewing:
                        row = board_tally.get(person)
                        if row is None:
                            row = board_tally[person] = [0] * ROW_SIZE
                        row[REVIEWS] += 1
                        row[REVIEW_POINTS] += review_points
        return tallies


class CommitScorer:
    """Turns one commit's page changes into a row to add on each board it touches."""

    def __init__(self, catalog: Catalog, settings: Settings, page_paths: list[str], wanted: set[str] | None):
        self.catalog = catalog
        self.page_cap, self.line_cap = settings.page_cap, settings.line_cap
        self.bonus = settings.points["paid_chapter"], settings.points["salon_note"]
        self.weights = {section.name: (section.page_points, section.line_points) for section in settings.sections}
        self.page_paths = page_paths
        # page id -> (section board or None, course board or None), each only if wanted
        self.units = [self._units_of(path, wanted) for path in page_paths]
        self.wanted = wanted

    def _units_of(self, path: str, wanted: set[str] | None) -> tuple[str | None, str | None]:
        place = self.catalog.place(path)
        if place.section is None:
            return (None, None)
        course = f"course:{place.course}" if place.course else None
        return (place.section, course if course and (wanted is None or course in wanted) else None)

    def deltas(self, changes) -> dict[str, list]:
        """Return board -> row of counts and points for one commit (a commit counts once per board)."""
        units: dict[str, list] = {}  # board -> [section, new pages, lines added, new paid, new salon notes]
        for page, added, is_new in changes:
            section, course = self.units[page]
            if section is None:
                continue
            paid = salon = 0
            if is_new:  # once per page in all history, so the file reads stay few
                path = self.page_paths[page]
                kind = self.catalog.kind(section)
                paid = kind == "courses" and self.catalog.is_paid_chapter(path)
                salon = kind == "salons"
            for board in (section, course) if course else (section,):
                unit = units.get(board)
                if unit is None:
                    units[board] = [section, is_new, added, paid, salon]
                else:
                    unit[1] += is_new
                    unit[2] += added
                    unit[3] += paid
                    unit[4] += salon
        rows = {board: self._row(*unit) for board, unit in units.items()}
        if rows:
            rows["all"] = _sum_sections(rows, units)
        if self.wanted is None:
            return rows
        return {board: row for board, row in rows.items() if board in self.wanted}

    def _row(self, section: str, new: int, added: int, paid: int, salon: int) -> list:
        page_points, line_points = self.weights[section]
        pages, lines = min(new, self.page_cap), min(added, self.line_cap)
        paid_counted, salon_counted = min(paid, self.page_cap), min(salon, self.page_cap)
        paid_points, salon_points = self.bonus
        return [1, new, pages, added, lines, paid, paid_counted, salon, salon_counted, 0,
                pages * page_points, lines * line_points, paid_counted * paid_points, salon_counted * salon_points, 0]


def _sum_sections(rows: dict[str, list], units: dict[str, list]) -> list:
    """Return the `all` row of a commit: its section rows added up, counted as one commit."""
    total = [0] * ROW_SIZE
    for board, row in rows.items():
        if units[board][0] == board:  # a section board, not a course inside one
            total = list(map(add, total, row))
    total[COMMITS] = 1
    return total
