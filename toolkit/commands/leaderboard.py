"""`folio leaderboard`: rank contributors from the git history of the content."""

from __future__ import annotations

from pathlib import Path

import click

SECTIONS = ("all", "courses", "articles", "salons")
FORMATS = ("table", "json", "csv")
DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("leaderboard")
@click.option("--since", type=DATE, help="First day counted (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Last day counted (YYYY-MM-DD).")
@click.option("--window", type=click.Choice(["all", "90d", "month"]), default="all", show_default=True,
              help="Time window, unless --since/--until are given.")
@click.option("--section", type=click.Choice(SECTIONS), default="all", show_default=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--config-file", type=click.Path(dir_okay=False, path_type=Path), default="mkdocs.yml",
              show_default=True, help="The site's mkdocs.yml.")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path),
              help="The repository folder that holds the cache (default: the config file's folder).")
def command(since, until, window, section, output_format, config_file, repo) -> None:
    """Rank contributors by the pages, lines, reviews and salon notes in the git history."""
    from toolkit.content.dates import today
    from toolkit.leaderboard import formats
    from toolkit.leaderboard.report import SHALLOW_WARNING, build_report
    from toolkit.leaderboard.windows import make_window

    docs_dir, settings = _load_site(config_file)
    repo_dir = repo or config_file.resolve().parent
    chosen = make_window(window, today(), since and since.date(), until and until.date())
    report = build_report(repo_dir, docs_dir, settings, chosen, section)
    if report.shallow:
        click.echo(f"warning: {SHALLOW_WARNING}", err=True)
    render = {"table": formats.as_table, "json": formats.as_json, "csv": formats.as_csv}[output_format]
    click.echo(render(report), nl=False)


def _load_site(config_file: Path) -> tuple[Path, dict]:
    """Return the docs folder and the validated leaderboard settings of a mkdocs.yml."""
    from toolkit.leaderboard.settings import load_settings
    from toolkit.build.staging import content_dir_of, load_mkdocs_config

    config = load_mkdocs_config(config_file)
    folio = config["plugins"].get("folio")
    raw = folio.config.get("leaderboard", {}) if folio is not None else {}
    return content_dir_of(config), load_settings(raw, config_file.name)
