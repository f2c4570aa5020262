"""The site's leaderboard pages, built from the cached history on every MkDocs build.

`site_pages` is the one call the MkDocs plugin makes. It never fails the build
for a missing or shallow history: the pages then carry a notice instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History, collect
from toolkit.leaderboard.gitlog import NotAGitRepository
from toolkit.leaderboard.render import Strings, board_table, breakdown_text, escape, front_matter, number, sparkline
from toolkit.leaderboard.report import SHALLOW_WARNING
from toolkit.leaderboard.scoring import Scoreboard
from toolkit.leaderboard.settings import load_settings
from toolkit.leaderboard.windows import WINDOW_NAMES, make_window

ROOT = "leaderboard"
SECTION_BOARDS = ("courses", "articles", "salons")


@dataclass
class LeaderboardPages:
    pages: dict[str, str] = field(default_factory=dict)  # docs-relative path -> Markdown
    course_contributors: dict[str, str] = field(default_factory=dict)  # course slug -> snippet
    notice: str | None = None
    # This month's board for the storefront block: (name, points, profile page), best first.
    top_this_month: list[tuple[str, float, str]] = field(default_factory=list)


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
    if not settings["enabled"]:
        return LeaderboardPages()
    try:
        history = collect(repo_dir, docs_dir)
    except NotAGitRepository:
        # The public page names only the folder: a server's absolute paths are nobody's business.
        notice = strings["not_a_repo"].format(Path(docs_dir).name)
        return LeaderboardPages(_notice_only(notice, strings), {}, notice)
    notice = SHALLOW_WARNING if history.repo.shallow else None
    return SiteBuilder(history, docs_dir, settings, strings, today, notice).build()


def _notice_only(notice: str, strings: Strings) -> dict[str, str]:
    pages = {f"{ROOT}/index.md": _page_head(strings["title"], notice)}
    for board in SECTION_BOARDS:
        pages[f"{ROOT}/{board}.md"] = _page_head(f"{strings['title']}: {strings[board]}", notice)
    return pages


def _page_head(title: str, notice: str | None) -> str:
    text = front_matter(title) + f"# {escape(title)}\n\n"
    if notice:
        text += f"!!! warning\n\n    {escape(notice)}\n\n"
    return text


class SiteBuilder:
    """Turns one history into every leaderboard page."""

    def __init__(self, history: History, docs_dir: Path, settings: dict, strings: Strings,
                 today: datetime.date, notice: str | None):
        self.ledger = history.ledger
        self.catalog = Catalog(history.repo.top, docs_dir, history.docs_prefix)
        self.settings, self.strings, self.notice = settings, strings, notice
        windows = [make_window(name, today) for name in WINDOW_NAMES]
        self.scoreboard = Scoreboard(history, self.catalog, settings, windows)
        self.person_ids = {person.key: number for number, person in enumerate(self.scoreboard.people)}
        self.activity = collect_activity(self.ledger, self.scoreboard.is_bot, today, settings["sparkline_weeks"])

    def build(self) -> LeaderboardPages:
        pages = {f"{ROOT}/index.md": self.board_page("all", self.strings["title"])}
        for board in SECTION_BOARDS:
            pages[f"{ROOT}/{board}.md"] = self.board_page(board, f"{self.strings['title']}: {self.strings[board]}")
        for row in self.scoreboard.standings("all", "all"):
            pages[f"{ROOT}/people/{row.person.slug}.md"] = self.profile_page(row)
        top = [(row.person.name, row.points, f"{ROOT}/people/{row.person.slug}.md")
               for row in self.scoreboard.standings("month", "all")]
        return LeaderboardPages(pages, self.course_contributors(), self.notice, top)

    def board_page(self, board: str, title: str) -> str:
        """Return one board's page: a table per window, then how points are earned."""
        parts = [_page_head(title, self.notice), self.board_links(), ""]
        for window in WINDOW_NAMES:
            rows = self.scoreboard.standings(window, board)
            parts.append(f"## {self.strings[window]}\n")
            parts.append(board_table(rows, self.strings, "people/{}.md", self.activity.weekly, self.settings["top"]))
        parts.append(self.points_rule())
        return "\n".join(parts)

    def board_links(self) -> str:
        links = [f"[{self.strings['overall']}](index.md)"]
        links += [f"[{self.strings[board]}]({board}.md)" for board in SECTION_BOARDS]
        return f"{self.strings['boards']}: " + " · ".join(links) + "\n"

    def points_rule(self) -> str:
        points = self.settings["points"]
        rule = ", ".join(f"{name} {number(value)}" for name, value in points.items())
        rule += f"; line_cap {self.settings['line_cap']}"
        return f"<small>{escape(self.strings['how'].format(rule))}</small>\n"

    def profile_page(self, row) -> str:
        """Return a person's page: level, badges, points, activity, and the pages they worked on."""
        person = self.person_ids[row.person.key]
        badges = ", ".join(self.strings[badge] for badge in row.badges) or "—"
        parts = [
            _page_head(row.person.name, self.notice),
            f"**{self.strings['level']}:** {escape(self.strings[row.level])} · "
            f"**{self.strings['badges']}:** {badges}\n",
            f"**{self.strings['points']}:** {number(row.points)} ({breakdown_text(row, self.strings)})\n",
            sparkline(self.activity.weekly.get(row.person.key, [0])) + "\n",
            self.page_list(self.strings["created"], self.activity.created.get(person, [])),
            self.page_list(self.strings["edited"], self.activity.edited.get(person, [])),
            f"[{self.strings['title']}](../index.md)\n",
        ]
        return "\n".join(part for part in parts if part)

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

    def course_contributors(self) -> dict[str, str]:
        """Return course slug -> a line linking each contributor, most points first."""
        snippets = {}
        courses = {board for _window, board in self.scoreboard.tallies if board.startswith("course:")}
        for board in sorted(courses):
            rows = self.scoreboard.standings("all", board)
            links = " · ".join(f"[{escape(row.person.name)}](../../{ROOT}/people/{row.person.slug}.md)"
                               for row in rows)
            if links:
                snippets[board.split(":", 1)[1]] = (
                    f'<div class="folio-contributors" markdown>\n\n'
                    f"**{self.strings['contributors']}:** {links}\n\n</div>\n")
        return snippets


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
