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
            for board, delta in scorer.deltas(changes):
                for window in active:
                    board_tally = tallies.get((window, board))
                    if board_tally is None:
                        board_tally = tallies[(window, board)] = {}
                    for person in credited:
                        row = board_tally.get(person)
                        # Rows are shared between commits (memoized): never add into one in place.
                        board_tally[person] = delta.copy() if row is None else list(map(add, row, delta))
                    for person in reviewing:
                        row = board_tally.get(person)
                        if row is None:
                            row = board_tally[person] = [0] * ROW_SIZE
                        row[REVIEWS] += 1
                        row[REVIEW_POINTS] += review_points
        return tallies


class CommitScorer:
    """Turns one commit's page changes into a row to add on each board it touches.

    This runs once per commit on every build, so it is written for speed: a
    commit that stays inside one section and course (most do) makes one row,
    shared by every board it counts on, and rows are memoized by their inputs.
    """

    def __init__(self, catalog: Catalog, settings: Settings, page_paths: list[str], wanted: set[str] | None):
        self.catalog = catalog
        self.page_cap, self.line_cap = settings.page_cap, settings.line_cap
        self.paid_points, self.salon_points = settings.points["paid_chapter"], settings.points["salon_note"]
        self.weights = {section.name: (section.page_points, section.line_points) for section in settings.sections}
        self.page_paths = page_paths
        self.wanted = wanted
        # page id -> (section or None, course board or None) and the wanted boards it counts on
        self.units: list[tuple[str | None, str | None]] = []
        self.targets: list[tuple[str, ...]] = []
        for path in page_paths:
            place = catalog.place(path)
            course = f"course:{place.course}" if place.course else None
            if wanted is not None and course not in wanted:
                course = None  # no course board asked for: do not tally one
            self.units.append((place.section, course))
            boards = ("all", place.section, course) if place.section else ()
            self.targets.append(tuple(board for board in boards if board and (wanted is None or board in wanted)))
        self._rows: dict[tuple, list] = {}
        self._bonuses: dict[int, tuple[int, int]] = {}

    def deltas(self, changes) -> list[tuple[str, list]]:
        """Return (board, row of counts and points) for one commit; a commit counts once per board."""
        if len(changes) == 1:
            page, added, is_new = changes[0]
            targets = self.targets[page]
            if not targets:
                return []
            paid, salon = self._bonus(page) if is_new else (0, 0)
            row = self._row(self.units[page][0], int(is_new), added, paid, salon)
            return [(board, row) for board in targets]
        return self._several(changes)

    def _several(self, changes) -> list[tuple[str, list]]:
        units: dict[str, list] = {}  # section or course board -> [section, new pages, lines, paid, salon notes]
        for page, added, is_new in changes:
            section, course = self.units[page]
            if section is None:
                continue
            paid, salon = self._bonus(page) if is_new else (0, 0)
            for board in (section, course) if course else (section,):
                unit = units.get(board)
                if unit is None:
                    units[board] = [section, int(is_new), added, paid, salon]
                else:
                    unit[1] += is_new
                    unit[2] += added
                    unit[3] += paid
                    unit[4] += salon
        if not units:
            return []
        rows = {board: self._row(*unit) for board, unit in units.items()}
        sections = [row for board, row in rows.items() if units[board][0] == board]
        rows["all"] = sections[0] if len(sections) == 1 else _sum_rows(sections)
        wanted = self.wanted
        return [(board, row) for board, row in rows.items() if wanted is None or board in wanted]

    def _bonus(self, page: int) -> tuple[int, int]:
        """Return (is a paid chapter, is a salon note) for a new page, read once per page."""
        found = self._bonuses.get(page)
        if found is None:
            kind = self.catalog.kind(self.units[page][0])
            path = self.page_paths[page]
            found = self._bonuses[page] = (int(kind == "courses" and self.catalog.is_paid_chapter(path)),
                                           int(kind == "salons"))
        return found

    def _row(self, section: str, new: int, added: int, paid: int, salon: int) -> list:
        key = (section, new, added, paid, salon)
        row = self._rows.get(key)
        if row is None:
            page_points, line_points = self.weights[section]
            cap = self.page_cap
            pages = new if new < cap else cap
            lines = added if added < self.line_cap else self.line_cap
            paid_counted = paid if paid < cap else cap
            salon_counted = salon if salon < cap else cap
            row = self._rows[key] = [
                1, new, pages, added, lines, paid, paid_counted, salon, salon_counted, 0,
                pages * page_points, lines * line_points, paid_counted * self.paid_points,
                salon_counted * self.salon_points, 0]
        return row


def _sum_rows(rows: list[list]) -> list:
    """Return a commit's `all` row: its section rows added up, counted as one commit."""
    total = [sum(values) for values in zip(*rows)]
    total[COMMITS] = 1
    return total
