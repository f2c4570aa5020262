"""`folio leaderboard`: rank contributors from the git history of the content."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from toolkit.content.dates import today

FORMATS = ("table", "json", "csv")


class Day(click.ParamType):
    """A day: YYYY-MM-DD, `today`, or a number of days / weeks back (`90d`, `12w`)."""

    name = "day"

    def __init__(self, first: bool):
        self.first = first  # --since (the window's first day) or --until (its last)

    def convert(self, value, param, ctx):
        from toolkit.leaderboard.windows import parse_day

        if isinstance(value, datetime.date):
            return value
        try:
            return parse_day(value, today(), self.first)
        except ValueError as error:
            self.fail(str(error), param, ctx)


@click.command("leaderboard")
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default="mkdocs.yml",
              show_default=True, help="The site's mkdocs.yml.")
@click.option("--since", type=Day(first=True),
              help="First day counted: YYYY-MM-DD, or back from today: 90d (the last 90 days), 12w.")
@click.option("--until", type=Day(first=False), help="Last day counted: YYYY-MM-DD, today, or 30d (30 days ago).")
@click.option("--window", type=click.Choice(["all", "90d", "month"]), default="all", show_default=True,
              help="Time window, unless --since/--until are given.")
@click.option("--section", default="all", show_default=True,
              help="One section's board (a name under `sections:`, or general).")
@click.option("--course", metavar="SLUG", help="One course's board (a folder in a `kind: courses` section).")
@click.option("--top", type=click.IntRange(min=1), metavar="N", help="Show only the first N rows.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True,
              help="csv is UTF-8 with a byte-order mark, so spreadsheets read non-ASCII names right.")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path),
              help="The folder that holds the cache, .folio/cache/leaderboard (default: the config file's folder).")
@click.option("--suggest-mailmap", is_flag=True,
              help="Print .mailmap lines merging likely duplicate identities, then exit.")
def command(config_file, since, until, window, section, course, top, output_format, repo, suggest_mailmap) -> None:
    """Rank contributors by the pages, lines, reviews and salon notes in the git history."""
    from toolkit.leaderboard import formats
    from toolkit.leaderboard.report import build_report, mailmap_suggestions, partial_notice
    from toolkit.leaderboard.windows import check_range, make_window

    docs_dir, settings = _load_site(config_file)
    repo_dir = repo or config_file.resolve().parent
    if suggest_mailmap:
        click.echo(_mailmap_text(mailmap_suggestions(repo_dir, docs_dir, settings)), nl=False)
        return
    try:
        check_range(since, until)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    section = _board_section(section, course, settings)
    chosen = make_window(window, today(), since, until)
    report = build_report(repo_dir, docs_dir, settings, chosen, section, course)
    if top:
        report.standings = report.standings[:top]
    notice = partial_notice(report.partial_since)
    if notice:
        click.echo(f"warning: {notice}", err=True)
    if output_format == "csv":
        _write_bytes(formats.as_csv(report).encode(formats.CSV_ENCODING))
        return
    render = {"table": formats.as_table, "json": formats.as_json}[output_format]
    click.echo(render(report), nl=False)


def _board_section(section: str, course: str | None, settings) -> str:
    """Return the section to rank, after checking it exists and agrees with --course."""
    known = ["all", *settings.section_names]
    if section not in known:
        raise click.BadParameter(f"{section!r} is not a section of this site; choose from {', '.join(known)} "
                                 "(sections are set under plugins.folio.leaderboard.sections)",
                                 param_hint="'--section'")
    if course is None:
        return section
    courses = [found.name for found in settings.sections if found.kind == "courses"]
    if section != "all" and section not in courses:
        raise click.BadParameter(f"--course needs a `kind: courses` section, and {section!r} is not one",
                                 param_hint="'--section'")
    return section if section != "all" else (courses[0] if len(courses) == 1 else "all")


def _write_bytes(data: bytes) -> None:
    """Write bytes to stdout, so the byte-order mark and UTF-8 survive any terminal encoding or locale."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _mailmap_text(lines: list[str]) -> str:
    if not lines:
        return "# No likely duplicate identities found in the history of the content.\n"
    header = ["# Likely duplicate identities (same name with different emails, or a GitHub noreply address).",
              "# Check each line, then add it to .mailmap at the top of the repository."]
    return "\n".join(header + lines) + "\n"


def _load_site(config_file: Path):
    """Return the authors' content folder and the validated leaderboard settings of a mkdocs.yml."""
    from toolkit.plugin.staging import content_dir_of
    from toolkit.config import load_mkdocs_config
    from toolkit.leaderboard.settings import load_settings

    config = load_mkdocs_config(config_file)
    folio = config["plugins"].get("folio")
    raw = folio.config.get("leaderboard", {}) if folio is not None else {}
    # The history of content_dir (what authors commit), never of the generated public tree MkDocs reads.
    return content_dir_of(config), load_settings(raw, config_file.name)
