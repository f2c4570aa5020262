"""The site's leaderboard pages, built from the cached history on every MkDocs build.

`site_pages` is the one call the MkDocs plugin makes. A folder outside git
gets one page with a notice instead of the boards; a shallow clone fails the build
(`ShallowHistory`, saying how to fetch the full history) unless the settings
say `shallow: partial`, and then every page says the board is partial.

With hundreds of contributors the site stays usable: boards show the first
`top` rows and link to one alphabetical list of everyone; profile pages are
built and linked but kept out of the navigation (`not_in_nav`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History, collect
from toolkit.leaderboard.gitlog import NotAGitRepository
from toolkit.leaderboard.render import (
    Strings, board_table, breakdown_text, course_people, escape, front_matter, number, sparkline,
)
from toolkit.leaderboard.report import partial_notice, why_empty
from toolkit.leaderboard.scoring import Scoreboard
from toolkit.leaderboard.settings import Settings, load_settings
from toolkit.leaderboard.windows import WINDOW_NAMES, make_window

ROOT = "leaderboard"
PEOPLE_INDEX = f"{ROOT}/people/index.md"


@dataclass
class LeaderboardPages:
    pages: dict[str, str] = field(default_factory=dict)  # docs-relative path -> Markdown
    # course slug -> (name, profile page src) of each contributor, most points first
    course_contributors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notice: str | None = None
    not_in_nav: set[str] = field(default_factory=set)  # pages built and linked, but not listed in the nav
    language: str = "en"
    # This month's board for the storefront block: (name, points, profile page), best first.
    top_this_month: list[tuple[str, float, str]] = field(default_factory=list)

    def course_block(self, slug: str, authors: list[str], url_for) -> str:
        """Return the course page's labelled lists of front-matter authors and git contributors."""
        return course_people(list(authors), self.course_contributors.get(slug, []), Strings(self.language), url_for)


@dataclass
class Activity:
    """What each person did, for profiles and sparklines."""

    weekly: dict[str, list[int]]  # person key -> credited commits and reviews per week, oldest first
    created: dict[int, list[int]]  # person -> pages they created (first time seen)
    edited: dict[int, list[int]]  # person -> other pages they changed


def site_pages(repo_dir: Path, docs_dir: Path, settings: dict, language: str,
               today: datetime.date) -> LeaderboardPages:
    """Return the leaderboard pages, the course contributor lists and any notice for the build."""
    settings = load_settings(settings)
    strings = Strings(language)
    if not settings.enabled:
        return LeaderboardPages(language=language)
    try:
        history = collect(repo_dir, docs_dir, settings)
    except NotAGitRepository:
        # The public page names only the folder: a server's absolute paths are nobody's business.
        notice = strings["not_a_repo"].format(Path(docs_dir).name)
        # Built (links to it keep working) but not in the navigation: readers are not sent to a page
        # with no board on it. The build log tells the author (see the plugin).
        return LeaderboardPages(_notice_only(notice, strings), {}, notice, not_in_nav={f"{ROOT}/index.md"},
                                language=language)
    notice = partial_notice(history.ledger.partial_since)
    return SiteBuilder(history, docs_dir, settings, strings, today, notice).build(language)


def section_title(name: str, settings: Settings, strings: Strings) -> str:
    section = settings.section(name)
    return section.title if section and section.title else strings[name]


def _notice_only(notice: str, strings: Strings) -> dict[str, str]:
    # One page that says why, not one per board repeating it: boards appear with the history,
    # and every build (and every page's navigation) is spared pages that say nothing else.
    return {f"{ROOT}/index.md": _page_head(strings["title"], notice)}


def _page_head(title: str, notice: str | None) -> str:
    text = front_matter(title) + f"# {escape(title)}\n\n"
    if notice:
        text += f"!!! warning\n\n    {escape(notice)}\n\n"
    return text


class SiteBuilder:
    """Turns one history into every leaderboard page."""

    def __init__(self, history: History, docs_dir: Path, settings: dict, strings: Strings,
                 today: datetime.date, notice: str | None):
        self.history = history
        self.ledger = history.ledger
        self.catalog = Catalog(history.repo.top, docs_dir, history.docs_prefix, settings.sections)
        self.settings, self.strings, self.notice = settings, strings, notice
        self.windows = {name: make_window(name, today) for name in WINDOW_NAMES}
        self.scoreboard = Scoreboard(history, self.catalog, settings, list(self.windows.values()))
        self.person_ids = {person.key: number for number, person in enumerate(self.scoreboard.people)}
        self.activity = collect_activity(self.ledger, self.scoreboard.is_bot, today, settings.sparkline_weeks)

    def build(self, language: str = "en") -> LeaderboardPages:
        pages = {f"{ROOT}/index.md": self.board_page("all", self.strings["title"])}
        for board in self.settings.section_names:
            title = f"{self.strings['title']}: {section_title(board, self.settings, self.strings)}"
            pages[f"{ROOT}/{board}.md"] = self.board_page(board, title)
        everyone = self.scoreboard.standings("all", "all")
        profiles = {f"{ROOT}/people/{row.person.slug}.md": self.profile_page(row) for row in everyone}
        pages[PEOPLE_INDEX] = self.people_index(everyone)
        pages.update(profiles)
        top = [(row.person.name, row.points, f"{ROOT}/people/{row.person.slug}.md")
               for row in self.scoreboard.standings("month", "all")]
        return LeaderboardPages(pages, self.course_contributors(), self.notice, set(profiles), language, top)

    def board_page(self, board: str, title: str) -> str:
        """Return one board's page: a table per window, then how points are earned."""
        parts = [_page_head(title, self.notice), self.board_links(), ""]
        top = self.settings.top
        for name, window in self.windows.items():
            rows = self.scoreboard.standings(name, board)
            empty = None if rows else why_empty(self.history, self.catalog, self.settings, board, window)
            parts.append(f"## {self.strings[name]}\n")
            parts.append(board_table(rows, self.strings, "people/{}.md", self.activity.weekly, top, empty))
            if len(rows) > top:
                parts.append(self.strings["more"].format(len(rows) - top, "people/index.md") + "\n")
        parts.append(self.points_rule())
        return "\n".join(parts)

    def board_links(self) -> str:
        links = [f"[{self.strings['overall']}](index.md)"]
        links += [f"[{escape(section_title(board, self.settings, self.strings))}]({board}.md)"
                  for board in self.settings.section_names]
        links.append(f"[{self.strings['everyone']}](people/index.md)")
        return f"{self.strings['boards']}: " + " · ".join(links) + "\n"

    def points_rule(self) -> str:
        settings = self.settings
        rule = ", ".join(f"{name} {number(value)}" for name, value in settings.points.items())
        rule += f"; line_cap {settings.line_cap}; page_cap {settings.page_cap}"
        return f"<small>{escape(self.strings['how'].format(rule))}</small>\n"

    def people_index(self, everyone) -> str:
        """Return one compact, alphabetical list of every contributor: the way to every profile."""
        rows = sorted(everyone, key=lambda row: (row.person.name.casefold(), row.person.key))
        items = [f"- [{escape(row.person.name)}]({row.person.slug}.md) · {number(row.points)}" for row in rows]
        head = _page_head(self.strings["everyone"], self.notice)
        count = self.strings.count("everyone_count", len(rows))
        return head + f"[{self.strings['title']}](../index.md)\n\n{count}\n\n" + "\n".join(items) + "\n"

    def profile_page(self, row) -> str:
        """Return a person's page: level, badges, points, activity, and the pages they worked on."""
        person = self.person_ids[row.person.key]
        badges = ", ".join(self.strings[badge] for badge in row.badges) or "—"
        parts = [
            _page_head(row.person.name, self.notice),
            f"**{self.strings['level']}:** {escape(self.strings[row.level])} · "
            f"**{self.strings['badges']}:** {badges}\n",
            f"**{self.strings['points']}:** {number(row.points)} ({breakdown_text(row, self.strings)})\n",
            self.capped_note(row),
            sparkline(self.activity.weekly.get(row.person.key, [0])) + "\n",
            self.page_list(self.strings["created"], self.activity.created.get(person, [])),
            self.page_list(self.strings["edited"], self.activity.edited.get(person, [])),
            f"[{self.strings['title']}](../index.md)\n",
        ]
        return "\n".join(part for part in parts if part)

    def capped_note(self, row) -> str:
        counts = row.counts
        if counts["lines_counted"] == counts["lines_added"]:
            return ""
        note = self.strings["capped"].format(counted=counts["lines_counted"], added=counts["lines_added"],
                                             cap=self.settings.line_cap)
        return f"<small>{escape(note)}</small>\n"

    def page_list(self, heading: str, page_ids: list[int]) -> str:
        if not page_ids:
            return ""
        items = [f"- {self.page_link(self.ledger.page_paths[page])}" for page in page_ids]
        return f"## {heading}\n\n" + "\n".join(items) + "\n"

    def page_link(self, repo_path: str) -> str:
        """Return a link to the page if it still exists, else its path as text."""
        docs_path = self.catalog.place(repo_path).docs_path
        if not self.catalog.exists(repo_path):
            return f"`{docs_path}`"
        return f"[{escape(self.catalog.title(repo_path))}](../../{docs_path})"

    def course_contributors(self) -> dict[str, list[tuple[str, str]]]:
        """Return course slug -> (name, profile page src) of each contributor, most points first."""
        found = {}
        courses = {board for _window, board in self.scoreboard.tallies if board.startswith("course:")}
        for board in sorted(courses):
            rows = self.scoreboard.standings("all", board)
            if rows:
                found[board.split(":", 1)[1]] = [(row.person.name, f"{ROOT}/people/{row.person.slug}.md")
                                                 for row in rows]
        return found


def collect_activity(ledger, is_bot: list[bool], today: datetime.date, weeks: int) -> Activity:
    """Return weekly activity and page lists per person, in one pass over the ledger."""
    last_day = today.toordinal()
    weekly: dict[str, list[int]] = {}
    created: dict[int, list[int]] = {}
    edited: dict[int, dict[int, None]] = {}  # dict as an ordered set
    for day, author, coauthors, reviewers, changes in ledger.commits:
        week = (last_day - day) // 7
        for person in (author, *coauthors, *reviewers):
            if is_bot[person]:
                continue
            if 0 <= week < weeks:
                weekly.setdefault(ledger.people[person][0], [0] * weeks)[weeks - 1 - week] += 1
            if person in reviewers:
                continue
            for page, _added, is_new in changes:
                if is_new:
                    created.setdefault(person, []).append(page)
                else:
                    edited.setdefault(person, {})[page] = None
    made = {person: set(pages) for person, pages in created.items()}
    improved = {person: [page for page in pages if page not in made.get(person, ())]
                for person, pages in edited.items()}
    return Activity(weekly, created, improved)
