"""`folio serve`: MkDocs' live-reloading preview with the folio plugin."""

from __future__ import annotations

import click

from toolkit.commands.build import config_option


@click.command("serve")
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--strict", is_flag=True, help="Fail on warnings.")
def command(config_file: str, dev_addr: str, strict: bool) -> None:
    """Preview the site with live reload (paid pages show their teaser and paywall, as in production)."""
    from mkdocs.commands.serve import serve

    from toolkit.config import load_mkdocs_config

    load_mkdocs_config(config_file)  # report a broken mkdocs.yml clearly before the server starts
    serve(config_file=config_file, dev_addr=dev_addr, strict=strict or None)
