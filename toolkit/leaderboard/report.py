"""One board for one window and section: what `folio leaderboard` prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.leaderboard.catalog import Catalog
from toolkit.leaderboard.collect import collect
from toolkit.leaderboard.scoring import Scoreboard, Standing
from toolkit.leaderboard.windows import Window

SHALLOW_WARNING = "history is shallow: fetch the full history, e.g. fetch-depth: 0"
SCHEMA_VERSION = 1


@dataclass
class Report:
    head: str | None
    shallow: bool
    window: Window
    section: str
    standings: list[Standing]
    parsed: int  # commits read from git in this run

    def as_json(self) -> dict:
        """Return the documented JSON document (see toolkit.leaderboard.settings)."""
        return {"schema": SCHEMA_VERSION, "head": self.head, "shallow": self.shallow,
                "window": self.window.as_json(), "section": self.section,
                "contributors": [row.as_json() for row in self.standings]}


def build_report(repo_dir: Path, docs_dir: Path, settings: dict, window: Window, section: str = "all") -> Report:
    """Return the ranked board for `section` over `window`, reading git only for new commits."""
    history = collect(repo_dir, docs_dir)
    catalog = Catalog(history.repo.top, docs_dir, history.docs_prefix)
    scoreboard = Scoreboard(history, catalog, settings, [window], boards={section})
    standings = scoreboard.standings(window.name, section)
    return Report(history.repo.head, history.repo.shallow, window, section, standings, history.parsed)
