"""`folio report`: the operator's view of a period, joining git, Stripe and reading.

`period` (which days), `content` (git, through the leaderboard's ledger and scoring),
`revenue` (one paginated pass over Stripe), `reading` (the gate's events), `incentives`
(new, returning, lapsed contributors; salons), `payouts` (contributors' shares, largest
remainder), `charts` (SVG), `html_page` / `csv_files` / `output` (the private folder,
written atomically), `strings` (en/zh). `make_report` gathers it all into one document,
the report.json the HTML and CSV are drawn from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from toolkit.leaderboard.gitlog import NotAGitRepository
from toolkit.leaderboard.identities import BotFilter
from toolkit.leaderboard.settings import Settings
from toolkit.report.content import read_content
from toolkit.report.incentives import incentives
from toolkit.report.payouts import statements
from toolkit.report.period import Period
from toolkit.report.reading import read_events
from toolkit.report.revenue import read_revenue

SCHEMA = 1


@dataclass
class Sources:
    """Where a report's facts come from."""

    repo_dir: Path  # holds the leaderboard cache (.folio/cache/leaderboard)
    content_dir: Path  # the authors' content folder (its git history is read)
    settings: Settings  # the leaderboard's settings (sections, points, bots)
    site_name: str = "Folio"
    language: str = "en"
    stripe_client: Any = None  # None: revenue is not read
    events: list[Path] = field(default_factory=list)
    payout_settings: Mapping[str, Any] | None = None


def make_report(sources: Sources, period: Period, payouts: bool = False, now: dt.datetime | None = None,
                git_required: bool = True) -> dict:
    """The report document for `period` (what report.json holds).

    Without a git history the content is an error, unless `git_required` is False (the
    sandbox's report of a site that is not committed yet): then it is left out, said so.
    """
    try:
        content = read_content(sources.repo_dir, sources.content_dir, sources.settings, period)
    except NotAGitRepository as error:
        if git_required:
            raise
        return _without_git(sources, period, now, str(error))
    revenue = read_revenue(sources.stripe_client, period) if sources.stripe_client is not None else None
    folders = [folder for section in sources.settings.sections if section.kind == "courses"
               for folder in section.folders]
    document = {
        "schema": SCHEMA,
        "site": sources.site_name,
        "language": sources.language,
        "generated": (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        "period": period.as_json(),
        "content": content.as_json(),
        "revenue": revenue.as_json() if revenue is not None else {"skipped": True},
    }
    if sources.events:
        reading = read_events(sources.events, period, folders)
        document["reading"] = reading.as_json(course_chapters(content))
    else:
        document["reading"] = {"skipped": True}
    document["incentives"] = incentives(content, BotFilter(sources.settings.bots))
    if payouts:
        if revenue is None:
            from toolkit.errors import FolioError

            raise FolioError("--payouts needs the period's revenue from Stripe; drop --no-stripe and set STRIPE_API_KEY")
        document["payouts"] = statements(content, revenue, sources.payout_settings)
    return document


def course_chapters(content) -> dict[str, list[str]]:
    """course slug -> its chapter pages (content-relative), in path order: the drop-off chart's order."""
    chapters: dict[str, list[str]] = {}
    for path in sorted(content.history.ledger.live_pages):
        place = content.catalog.place(path)
        if place.course and not place.docs_path.endswith("/index.md"):
            chapters.setdefault(place.course, []).append(place.docs_path)
    return chapters


def _without_git(sources: Sources, period: Period, now: dt.datetime | None, why: str) -> dict:
    revenue = read_revenue(sources.stripe_client, period) if sources.stripe_client is not None else None
    return {"schema": SCHEMA, "site": sources.site_name, "language": sources.language,
            "generated": (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
            "period": period.as_json(), "content_skipped": why,
            "revenue": revenue.as_json() if revenue is not None else {"skipped": True}}
