"""`folio build`: the public site in site/, the private output in gated/."""

from __future__ import annotations

import click

config_option = click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False), default="mkdocs.yml", show_default=True,
    help="The site's mkdocs.yml.",
)


@click.command("build")
@config_option
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings, including unknown front matter keys.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), help="Where to write the public site.")
@click.option("--builder", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="What renders the public tree: MkDocs with the folio plugin, or Zensical (pip install 'folio[zensical]').")
def command(config_file: str, strict: bool, site_dir: str | None, builder: str) -> None:
    """Build the public site and the private gated output."""
    from toolkit.plugin.pipeline import build
    from toolkit.plugin.staging import quiet_mkdocs_logging

    quiet_mkdocs_logging()
    config, plugin = build(config_file, builder=builder, strict=strict, site_dir=site_dir)
    click.echo(summary(config, plugin))
    if not plugin.config.leak_guard.enabled:
        click.secho("WARNING: the leak guard is OFF (plugins.folio.leak_guard: false): nothing checked that "
                    f"{config.site_dir} holds no paid text. Do not deploy it; turn the guard back on.",
                    err=True, fg="red", bold=True)


def summary(config, plugin) -> str:
    """One line: what was built where, and what the leak guard found (or that it did not run)."""
    products = plugin.manifest.products if plugin.manifest else {}
    files = len(plugin.manifest.objects()) if plugin.manifest else 0
    return (f"Built {config.site_dir} ({len(plugin.site.pages)} pages, {len(plugin.public.locked)} locked) "
            f"and {plugin.gated_dir} ({len(products)} products, {files} files); {plugin.leak_summary}")
