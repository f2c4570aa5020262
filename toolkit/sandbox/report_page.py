"""The sandbox's own report: `folio report` of this month, from the stand-in's payments and the site's git
history (left out if the site is not a git repository yet), shown at /report of the payments console."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from toolkit.report import Sources, make_report
from toolkit.report.html_page import render
from toolkit.report.period import Period
from toolkit.report.strings import report_strings


def sandbox_report(config_file: Path, standin, today: dt.date | None = None) -> str:
    """The report page (HTML) of the current month (UTC) so far."""
    from toolkit.config import load_mkdocs_config
    from toolkit.leaderboard.settings import load_settings
    from toolkit.plugin.staging import content_dir_of

    config = load_mkdocs_config(config_file)
    plugin = config["plugins"].get("folio")
    folio = plugin.config if plugin is not None else {}
    language, strings = report_strings(config["theme"].get("language"))
    today = today or dt.datetime.now(dt.timezone.utc).date()
    sources = Sources(Path(config_file).resolve().parent, content_dir_of(config),
                      load_settings(folio.get("leaderboard", {}), Path(config_file).name),
                      site_name=config["site_name"], language=language, stripe_client=standin.client(),
                      payout_settings=folio.get("payouts"))
    document = make_report(sources, Period(today.replace(day=1), today), payouts=True, git_required=False)
    return render(document, strings)
