"""`folio serve`: MkDocs' live-reloading preview with the folio plugin."""

from __future__ import annotations

import contextlib
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
@click.option("--builder", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="What previews the site: MkDocs' server with the folio plugin, or Zensical's (`zensical serve`).")
def command(config_file: str, dev_addr: str, strict: bool, sandbox: bool, builder: str) -> None:
    """Preview the site with live reload (paid pages show their teaser and paywall, as in production)."""
    from mkdocs.commands.serve import serve

    from toolkit.config import load_mkdocs_config
    from toolkit.sandbox.ports import require_free

    if sandbox and builder != "mkdocs":
        raise click.UsageError("--sandbox previews with MkDocs only for now; drop --builder zensical "
                               "(or run `folio serve --builder zensical` without the sandbox)")
    if sandbox:
        from toolkit.sandbox.stack import run_sandbox

        with stops_on_ctrl_c_and_kill():
            return run_sandbox(config_file, dev_addr, echo=click.echo)

    load_mkdocs_config(config_file)  # report a broken mkdocs.yml clearly before the server starts
    require_free(dev_addr, "--dev-addr", "folio serve --dev-addr")
    if builder == "zensical":
        from toolkit.plugin.preview import serve_with_zensical

        with stops_on_ctrl_c_and_kill():
            return serve_with_zensical(config_file, dev_addr, strict, echo=click.echo)
    with stops_on_ctrl_c_and_kill():
        serve(config_file=config_file, dev_addr=dev_addr, strict=strict or None)


@contextlib.contextmanager
def stops_on_ctrl_c_and_kill():
    """Ctrl-C (SIGINT) and `kill` (SIGTERM) both end the preview cleanly, whatever was inherited.

    SIGTERM (a service manager, a container stopping) ends it the way Ctrl-C does: MkDocs
    removes its temporary site folder and Folio its copy of the last good build. SIGINT gets
    Python's own handler even when the process started with it ignored (under `nohup`, as a
    script's background job): otherwise Ctrl-C, and a test stopping its server, would do nothing.
    """
    previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
