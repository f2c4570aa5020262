"""`folio check`: validate every page's front matter, or scan a built site for paid text."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.build import config_option


@click.command("check")
@config_option
@click.option("-s", "--strict", is_flag=True, help="Treat unknown front matter keys as errors.")
@click.option("--leaks", "leaks", is_flag=True, help="Scan a built site for paid text instead.")
@click.argument("site_dir", required=False, type=click.Path(file_okay=False))
def command(config_file: str, strict: bool, leaks: bool, site_dir: str | None) -> None:
    """Validate all content (no output is written); with --leaks, scan SITE_DIR (default: site/) for paid text."""
    from toolkit.plugin.staging import content_dir_of
    from toolkit.config import folio_plugin, load_mkdocs_config
    from toolkit.content.loading import load_site

    config = load_mkdocs_config(config_file)
    plugin = folio_plugin(config)
    site = load_site(content_dir_of(config), dict(plugin.config.membership), strict or plugin.config.strict,
                     config.config_file_path or config_file)
    if not leaks:
        warnings = f", {counted(len(site.warnings), 'warning')}" if site.warnings else ""
        click.echo(f"{counted(len(site.pages), 'page')} checked: no errors{warnings}.")
        return
    _check_leaks(site, plugin, config, Path(site_dir or config.site_dir))


def counted(number: int, word: str) -> str:
    """`1 warning`, `2 warnings`: the CLI's messages are English."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def _check_leaks(site, plugin, config, site_dir: Path) -> None:
    from toolkit.errors import FolioError
    from toolkit.plugin.guard_in_build import LeakGuard, guard_inputs
    from toolkit.plugin.public_pages import make_public
    from toolkit.plugin.public_site import site_renderer

    if not site_dir.is_dir():
        raise FolioError(f"{site_dir}: no such folder. Build the site first (folio build), or name the folder to scan.")
    public = make_public(site, plugin.config.teaser_words, site_renderer(config))
    # The same inputs as the build's guard (public text, allow-list), run in this process.
    guard = LeakGuard(guard_inputs(site, public, config, plugin.config.leak_guard.allow), method="inline")
    guard.check(site_dir).raise_for_leaks()
    click.echo(f"{site_dir}: no paid text found ({len(public.locked)} paid pages checked).")
