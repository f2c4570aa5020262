"""`folio serve`: MkDocs' live-reloading preview with the folio plugin."""

from __future__ import annotations

import signal

import click

from toolkit.commands.build import config_option


@click.command("serve")
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--strict", is_flag=True, help="Fail on warnings.")
@click.option("--sandbox", is_flag=True,
              help="Also run the gate, S3 (moto), a Stripe stand-in and a mail catcher on 127.0.0.1: "
                   "the whole purchase journey with no account anywhere.")
def command(config_file: str, dev_addr: str, strict: bool, sandbox: bool) -> None:
    """Preview the site with live reload (paid pages show their teaser and paywall, as in production)."""
    from mkdocs.commands.serve import serve

    from toolkit.config import load_mkdocs_config

    if sandbox:
        from toolkit.sandbox.stack import run_sandbox

        return run_sandbox(config_file, dev_addr, echo=click.echo)

    load_mkdocs_config(config_file)  # report a broken mkdocs.yml clearly before the server starts
    # `kill` (SIGTERM: a service manager, a container stopping) ends the preview the way Ctrl-C does:
    # MkDocs removes its temporary site folder and Folio its copy of the last good build.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(config_file=config_file, dev_addr=dev_addr, strict=strict or None)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
