"""`folio catalog sync`: make Stripe's Products and Prices match the gated manifest (work in toolkit.pay.catalog)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("catalog")
def command() -> None:
    """Keep Stripe's products and prices in step with the site's prices."""


@command.command("sync")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True,
              type=click.Path(dir_okay=False), help="The site's mkdocs.yml (gated/ is found from it).")
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing to Stripe.")
def sync(config_file: str, dry_run: bool) -> None:
    """Create or update Stripe Products and Prices from gated/manifest.json.

    The plan is printed before anything is written; a re-run with nothing to change
    writes nothing. Reads STRIPE_API_KEY (and STRIPE_API_BASE) from the environment.
    """
    from toolkit.plugin.staging import folio_plugin, load_mkdocs_config
    from toolkit.pay import catalog

    catalog.quiet_stripe()
    config = load_mkdocs_config(config_file)
    gated_dir = Path(config.config_file_path).parent / folio_plugin(config).config["gated_dir"]
    catalog.sync(catalog.make_client(), gated_dir, dry_run, echo=click.echo, where=catalog.where())
