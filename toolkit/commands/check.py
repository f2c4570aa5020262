"""`folio check`: every content check the build runs, without rendering the site; or scan a built site for paid text."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from toolkit.commands.build import config_option

log = logging.getLogger("mkdocs.plugins.folio")


@click.command("check")
@config_option
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings, as `folio build --strict` does.")
@click.option("--leaks", "leaks", is_flag=True, help="Scan a built site for paid text instead.")
@click.argument("site_dir", required=False, type=click.Path(file_okay=False))
def command(config_file: str, strict: bool, leaks: bool, site_dir: str | None) -> None:
    """Check all content as the build does (no output is written); with --leaks, scan SITE_DIR (default: site/) for paid text."""
    from toolkit.plugin.staging import content_dir_of
    from toolkit.config import folio_plugin, load_mkdocs_config
    from toolkit.content.loading import load_site

    config = load_mkdocs_config(config_file)
    plugin = folio_plugin(config)
    strict = strict or bool(plugin.config.strict)
    site = load_site(content_dir_of(config), dict(plugin.config.membership), strict,
                     config.config_file_path or config_file)
    if leaks:
        _check_leaks(site, plugin, config, Path(site_dir or config.site_dir))
        return
    problems = [str(w) for w in site.warnings] + _paid_page_problems(site, plugin, config)
    problems += _storefront_problems(site, plugin)
    problems += _math_problems(config)
    for problem in problems[len(site.warnings):]:  # load_site logged its own already
        log.warning("%s", problem)
    if problems and strict:
        from toolkit.errors import FolioError

        raise FolioError(f"{counted(len(problems), 'warning')} in strict mode; `folio build --strict` would fail too.")
    warnings = f", {counted(len(problems), 'warning')}" if problems else ""
    click.echo(f"{counted(len(site.pages), 'page')} checked: no errors{warnings}.")


def _paid_page_problems(site, plugin, config) -> list[str]:
    """What the build reports of paid pages: missing images, broken links, formulas, remote images."""
    from toolkit.gated.writer import check_gated

    config_dir = Path(config.config_file_path or ".").resolve().parent
    gated_dir = (config_dir / plugin.config.gated_dir).resolve()
    gate_url = (plugin.config.gate_url or "").rstrip("/") or None
    return check_gated(site, gated_dir, config, gate_url, cache_dir=config_dir / ".folio-cache" / "gated")


def _math_problems(config) -> list[str]:
    from toolkit.plugin.public_math import arithmatex_problem

    problem = arithmatex_problem(config, Path(config.config_file_path or "mkdocs.yml").name)
    return [problem] if problem else []


def _storefront_problems(site, plugin) -> list[str]:
    from toolkit.plugin import storefront
    from toolkit.plugin.public_pages import make_public

    public = make_public(site, plugin.config.teaser_words)
    problems = []
    for src in sorted(site.pages):
        text = public.markdown.get(src) or site.pages[src].body
        unknown = storefront.unknown_markers(text) if storefront.markers_in(text) else []
        if unknown:
            problems.append(f"{src}: unknown storefront block {', '.join(f'`folio:{n}`' for n in unknown)}; "
                            f"known blocks: {', '.join(storefront.BLOCKS)}")
    return problems


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
