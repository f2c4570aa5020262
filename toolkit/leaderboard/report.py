"""One board for one window: what `folio leaderboard` prints, and why a board is empty."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import FolioError
from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import History, collect
from toolkit.leaderboard.duplicates import suggest_mailmap
from toolkit.leaderboard.scoring import Scoreboard, Standing
from toolkit.leaderboard.settings import Settings
from toolkit.leaderboard.windows import Window

SCHEMA_VERSION = 2


def partial_notice(partial_since: int | None) -> str | None:
    """Return the warning a partial (shallow) board carries, None for a complete one."""
    if partial_since is None:
        return None
    day = datetime.date.fromordinal(partial_since).isoformat()
    return (f"Partial board: this site was built from a shallow clone whose history starts on {day}, "
            "so work before that day is not counted. Build with the full history (fetch-depth: 0) "
            "for complete numbers.")


@dataclass
class Report:
    head: str | None
    shallow: bool
    partial_since: int | None  # date ordinal where a shallow history starts
    window: Window
    section: str
    course: str | None
    standings: list[Standing]
    parsed: int  # commits read from git in this run
    read: list[str]  # repository paths whose history was read
    empty: str | None  # why nobody is on the board (None when somebody is)

    def as_json(self) -> dict:
        """Return the documented JSON document (see toolkit.leaderboard.settings)."""
        since = datetime.date.fromordinal(self.partial_since).isoformat() if self.partial_since else None
        return {"schema": SCHEMA_VERSION, "head": self.head, "shallow": self.shallow, "partial_since": since,
                "window": self.window.as_json(), "section": self.section, "course": self.course,
                "read": self.read, "empty": self.empty,
                "contributors": [row.as_json() for row in self.standings]}


def board_name(section: str, course: str | None) -> str:
    return f"course:{course}" if course else section


def build_report(repo_dir: Path, docs_dir: Path, settings: Settings, window: Window, section: str = "all",
                 course: str | None = None) -> Report:
    """Return the ranked board for `section` (or one course) over `window`, reading git only for new commits."""
    history = collect(repo_dir, docs_dir, settings)
    catalog = Catalog(history.repo.top, docs_dir, history.docs_prefix, settings.sections)
    board = board_name(section, course)
    if course:
        _check_course(history, catalog, course)
    scoreboard = Scoreboard(history, catalog, settings, [window], boards={board})
    standings = scoreboard.standings(window.name, board)
    empty = None if standings else why_empty(history, catalog, settings, board, window)
    return Report(history.repo.head, history.repo.shallow, history.ledger.partial_since, window, section, course,
                  standings, history.parsed, history.pathspecs, empty)


def mailmap_suggestions(repo_dir: Path, docs_dir: Path, settings: Settings) -> list[str]:
    """Return `.mailmap` lines for likely duplicate identities in the content's history."""
    return suggest_mailmap(collect(repo_dir, docs_dir, settings).ledger, settings.bots)


def _check_course(history: History, catalog: Catalog, course: str) -> None:
    known = sorted({place.course for place in map(catalog.place, history.ledger.page_paths) if place.course})
    if course not in known:
        listed = ", ".join(known) if known else "none: no section has `kind: courses` pages in the history"
        raise FolioError(f"--course {course}: no course of that name in the history; courses: {listed}")


def why_empty(history: History, catalog: Catalog, settings: Settings, board: str, window: Window) -> str:
    """Return one sentence saying why nobody is on `board` in `window`."""
    read = ", ".join(f"`{path}`" for path in history.pathspecs)
    if history.repo.head is None:
        return "The repository has no commits yet."
    places = [catalog.place(path) for path in history.ledger.page_paths]
    if not places:
        return (f"No Markdown page was found in the git history of {read}; check that "
                "plugins.folio.content_dir (or docs_dir) names the folder your pages are in.")
    if not any(place.section for place in places):
        folders = ", ".join(f"`{folder}`" for section in settings.sections for folder in section.folders)
        return (f"None of the {len(places)} pages in the history of {read} is in a section folder ({folders}). "
                "Set plugins.folio.leaderboard.sections to the folders your pages are in, "
                "or `general: true` to count every page.")
    if board != "all" and not any(board in (place.section, f"course:{place.course}") for place in places):
        return f"No page in the history of {read} belongs to `{board}`."
    if window.since or window.until:
        return (f"Nobody earned points between {window.since or 'the start'} and {window.until or 'today'} "
                f"({len(history.ledger.commits)} commits changed pages in all).")
    return "Nobody earned points: every change so far is by a bot or earned no points."
