"""The `folio` command line: a thin click group whose commands load lazily.

Each command lives in ``toolkit/commands/<name>.py`` as a ``command`` object,
so `folio --help` stays fast and one broken feature cannot break the others.
"""

from __future__ import annotations

import importlib
import logging

import click

from toolkit import __version__

# name -> (module, one-line help shown in `folio --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("toolkit.commands.new", "Write a new course, chapter, article or salon note."),
    "check": ("toolkit.commands.check", "Validate the content (and scan a built site for leaks)."),
    "build": ("toolkit.commands.build", "Build the public site and the private gated output."),
    "serve": ("toolkit.commands.serve", "Preview the site with live reload."),
    "publish": ("toolkit.commands.publish", "Upload gated/ to the private S3 bucket."),
    "presign": ("toolkit.commands.presign", "Print a short-lived download link for a product."),
    "leaderboard": ("toolkit.commands.leaderboard", "Rank contributors from the git history."),
    "report": ("toolkit.commands.report", "Write the operator's private report of a period."),
    "catalog": ("toolkit.commands.catalog", "Sync Stripe products and prices with the site's prices."),
    "gate": ("toolkit.commands.gate", "Run the gate service: checkout, paid links, Stripe webhook."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="folio")
@click.option("-v", "--verbose", is_flag=True, help="Show debug logging.")
def main(verbose: bool) -> None:
    """Folio: build, gate and sell a technical community's writing."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)-7s -  %(message)s",
    )
