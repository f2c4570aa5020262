"""`folio build`: the public site in site/, the private output in gated/."""

from __future__ import annotations

import click

config_option = click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False), default="mkdocs.yml", show_default=True,
    help="The MkDocs configuration to build.",
)


@click.command("build")
@config_option
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings, including unknown front matter keys.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), help="Where to write the public site.")
def command(config_file: str, strict: bool, site_dir: str | None) -> None:
    """Build the public site and the private gated output."""
    from toolkit.build.staging import build_site, quiet_mkdocs_logging

    quiet_mkdocs_logging()
    config, plugin = build_site(config_file, strict=strict, site_dir=site_dir)
    products = plugin.manifest.products if plugin.manifest else {}
    objects = len(plugin.manifest.objects()) if plugin.manifest else 0
    click.echo(
        f"Built {config.site_dir} ({len(plugin.site.pages)} pages, {len(plugin.public.locked)} locked) "
        f"and {plugin.gated_dir} ({len(products)} products, {objects} files); leak guard: clean."
    )
