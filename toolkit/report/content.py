"""Content from git: who added and updated which pages, per person, course and month.

Nothing here reads git itself: the leaderboard's ledger (one streaming `git log`, cached
by commit, .mailmap applied, `Co-authored-by:`/`Reviewed-by:` trailers parsed) and its
scoreboard (capped points, bots left out) are the one home of those rules. A commit's
credit goes to its author and co-authors (bots excepted), as on the boards; a review
to each `Reviewed-by:` person. A page is added when git says so, updated otherwise.
Words are counted in the pages as they are now (the history keeps lines, not words).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.content.frontmatter import read_front_matter
from toolkit.content.text import count_words
from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History, collect
from toolkit.leaderboard.identities import BotFilter
from toolkit.leaderboard.scoring import Scoreboard
from toolkit.leaderboard.settings import Settings
from toolkit.report.period import Period, month_of_ordinal

COUNTS = ("commits", "pages_added", "pages_updated", "lines_added", "reviews")


def _counts() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


@dataclass
class Content:
    """What the git history says about one period, and what incentives and payouts need."""

    history: History
    catalog: Catalog
    scoreboard: Scoreboard
    period: Period
    people: dict[int, dict] = field(default_factory=dict)  # person id -> counts (+ words)
    courses: dict[str, dict] = field(default_factory=dict)  # course slug -> counts (+ contributors, words)
    months: dict[str, dict] = field(default_factory=dict)  # YYYY-MM -> counts
    totals: dict[str, int] = field(default_factory=_counts)

    def person(self, number: int) -> dict:
        key, name, email = self.history.ledger.people[number]
        return {"key": key, "name": name, "email": email, "slug": self.scoreboard.people[number].slug}

    def points(self, window: str, board: str) -> dict[int, float]:
        """person id -> points on `board` in `window` ("period", "previous" or a YYYY-MM)."""
        numbers = {person.key: index for index, person in enumerate(self.scoreboard.people)}
        return {numbers[row.person.key]: row.points for row in self.scoreboard.standings(window, board)}

    def course_slugs(self) -> list[str]:
        """Every course the history knows (pages under a `kind: courses` section), sorted."""
        return sorted({place.course for place in map(self.catalog.place, self.history.ledger.page_paths)
                       if place.course})

    def as_json(self) -> dict:
        points = self.points("period", "all")
        people = []
        for number, counts in self.people.items():
            people.append({**self.person(number), **counts, "points": points.get(number, 0)})
        people.sort(key=lambda row: (-row["points"], -row["pages_added"], row["name"].casefold(), row["key"]))
        return {
            "head": self.history.repo.head,
            "read": self.history.pathspecs,
            "totals": self.totals,
            "people": people,
            "courses": {slug: self.courses[slug] for slug in sorted(self.courses)},
            "months": {month: self.months.get(month, _counts()) for month in self.period.months()},
        }


def read_content(repo_dir: Path, docs_dir: Path, settings: Settings, period: Period) -> Content:
    """Tally the period's commits from the leaderboard's ledger (git read only for new commits)."""
    history = collect(repo_dir, docs_dir, settings)
    catalog = Catalog(history.repo.top, docs_dir, history.docs_prefix, settings.sections)
    windows = [period.window("period"), period.previous().window("previous")]
    windows += [_month_window(month, period) for month in period.months()]
    scoreboard = Scoreboard(history, catalog, settings, windows)
    content = Content(history, catalog, scoreboard, period)
    _tally(content, BotFilter(settings.bots))
    return content


def _month_window(month: str, period: Period):
    first = dt.date.fromisoformat(f"{month}-01")
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(max(first, period.since), min(last, period.until)).window(month)


def _tally(content: Content, bots: BotFilter) -> None:
    ledger, catalog = content.history.ledger, content.catalog
    is_bot = [bots.is_bot(name, email) for _key, name, email in ledger.people]
    low, high = content.period.window().bounds()
    people: dict[int, dict] = defaultdict(_counts)
    courses: dict[str, dict] = defaultdict(_counts)
    contributors: dict[str, set] = defaultdict(set)
    course_months: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(_counts))
    months: dict[str, dict] = defaultdict(_counts)
    new_pages: dict[int, set] = defaultdict(set)  # person -> pages they added in the period
    changed: dict[str, set] = defaultdict(set)  # course -> pages added or updated in the period
    for day, author, coauthors, reviewers, changes in ledger.commits:
        if not low <= day <= high:
            continue
        credited = [p for p in (author, *coauthors) if not is_bot[p]]
        if not credited:
            continue  # a bot's commit: no one's content (as on the boards)
        month = months[month_of_ordinal(day)]
        added = sum(1 for _page, _lines, is_new in changes if is_new)
        lines = sum(lines for _page, lines, _new in changes)
        for tally in [content.totals, month] + [people[p] for p in credited]:
            tally["commits"] += 1
            tally["pages_added"] += added
            tally["pages_updated"] += len(changes) - added
            tally["lines_added"] += lines
        for reviewer in reviewers:
            if not is_bot[reviewer]:
                people[reviewer]["reviews"] += 1
                content.totals["reviews"] += 1
                month["reviews"] += 1
        touched = set()
        for page, lines, is_new in changes:
            course = catalog.place(ledger.page_paths[page]).course
            if is_new:
                for person in credited:
                    new_pages[person].add(page)
            if course is None:
                continue
            changed[course].add(page)
            row, by_month = courses[course], course_months[course][month_of_ordinal(day)]
            for target in (row, by_month):
                target["pages_added" if is_new else "pages_updated"] += 1
                target["lines_added"] += lines
            if course not in touched:
                touched.add(course)
                contributors[course].update(credited)
                for target in (row, by_month):
                    target["commits"] += 1
                    target["reviews"] += sum(1 for r in reviewers if not is_bot[r])
    words = _WordCounter(catalog, ledger.page_paths)
    for person, row in people.items():
        row["words_in_added_pages"] = sum(map(words, new_pages.get(person, ())))
    for course, row in courses.items():
        row["words_in_changed_pages"] = sum(map(words, changed[course]))
        row["contributors"] = sorted(ledger.people[p][1] for p in contributors[course])
        row["months"] = {month: dict(course_months[course].get(month, _counts())) for month in content.period.months()}
    content.people, content.courses, content.months = dict(people), dict(courses), dict(months)


class _WordCounter:
    """Words of a page as it is now (0 if it is gone), each page read once."""

    def __init__(self, catalog: Catalog, page_paths: list[str]):
        self.catalog, self.page_paths, self.memo = catalog, page_paths, {}

    def __call__(self, page: int) -> int:
        if page not in self.memo:
            path = self.catalog.top / self.page_paths[page]
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.memo[page] = count_words(read_front_matter(text).body) if text else 0
        return self.memo[page]


def salons_held(content: Content) -> list[dict]:
    """Salon notes whose `date` falls in the period: title, date and speakers from their front matter."""
    held = []
    ledger, catalog = content.history.ledger, content.catalog
    for path in sorted(ledger.live_pages):
        place = catalog.place(path)
        if catalog.kind(place.section) != "salons" or Path(path).name == "index.md":
            continue
        try:
            meta = read_front_matter((catalog.top / path).read_text(encoding="utf-8", errors="replace")).meta
        except OSError:
            continue
        day = _as_date(meta.get("date"))
        if day is None or not content.period.holds_day(day):
            continue
        speakers = meta.get("speakers") or []
        speakers = [speakers] if isinstance(speakers, str) else [str(s) for s in speakers]
        held.append({"date": day.isoformat(), "title": str(meta.get("title") or Path(path).stem),
                     "page": place.docs_path, "speakers": speakers})
    return sorted(held, key=lambda salon: (salon["date"], salon["title"]))


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
