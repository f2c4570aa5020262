"""`folio catalog sync`: make Stripe's Products and Prices match the gated manifest."""

from __future__ import annotations

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
    from toolkit.pay import catalog

    catalog.quiet_stripe()
    gated_dir = _gated_dir(config_file)
    wanted, notes = catalog.wanted_catalog(catalog.read_manifest_products(gated_dir),
                                           str(gated_dir / "manifest.json"))
    client = catalog.make_client()
    plan = catalog.plan_sync(client, wanted, notes)

    click.echo(f"Catalog: {plan.price_count} prices for {len(plan.wanted)} products from "
               f"{gated_dir / 'manifest.json'}, against {catalog.where()}")
    for note in plan.notes:
        click.echo(f"  note: {note}")
    if not plan.changes:
        click.echo("Up to date: nothing to change.")
        return
    click.echo(f"Plan ({len(plan.changes)} change{'s' if len(plan.changes) != 1 else ''}):")
    for change in plan.changes:
        click.echo(change.line())
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    done = catalog.apply(client, plan, echo=click.echo)
    click.echo(f"Applied {done} change{'s' if done != 1 else ''}.")


def _gated_dir(config_file: str):
    from pathlib import Path

    from toolkit.build.staging import folio_plugin, load_mkdocs_config

    config = load_mkdocs_config(config_file)
    plugin = folio_plugin(config)
    return Path(config.config_file_path).parent / plugin.config["gated_dir"]
