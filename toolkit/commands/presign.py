"""`folio presign PRODUCT`: short-lived links an author sends a buyer by hand."""

from __future__ import annotations

import json
import re

import click

from toolkit.commands.build import config_option

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Duration(click.ParamType):
    """'90s', '30m', '2h', '7d' (or bare seconds) -> seconds."""

    name = "duration"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", str(value))
        if not match:
            self.fail(f"{value!r} is not a duration like 30m, 2h or 1d", param, ctx)
        return int(match[1]) * UNITS[match[2] or "s"]


@click.command("presign")
@click.argument("product")
@config_option
@click.option("--ttl", type=Duration(), help="How long links work: 30m, 2h, 1d (max 7d). "
              "Default 15m for downloads, 5m for pages.")
@click.option("--role", type=click.Choice(["bundle", "epub", "page"]),
              help="Only objects of this role (default: the downloads, bundle and epub).")
@click.option("--key", help="One object of the product, by its manifest key.")
@click.option("--local", is_flag=True, help="Read gated/manifest.json instead of the published manifest.")
@click.option("--json", "as_json", is_flag=True, help="Print key, role, title, ttl and url as JSON.")
def command(product, config_file, ttl, role, key, local, as_json):
    """Print signed download links for PRODUCT (e.g. course:async-python), one per line.

    Links are signed for objects of the published manifest in the bucket, so
    they point at files that exist; --local signs from gated/manifest.json.
    """
    from toolkit.gated.manifest import Manifest
    from toolkit.store import client as storage

    storage.quiet_botocore()
    settings, gated_dir = storage.load_site_settings(config_file)
    client = storage.make_client(settings)
    manifest = Manifest.load(gated_dir / "manifest.json") if local else storage.read_published_manifest(client, settings)
    links = _links(client, settings, manifest, product, ttl, role, key)
    if not links:
        raise click.UsageError(f"{product} has no objects of role {role or 'bundle/epub'}; try --role page.")
    if as_json:
        click.echo(json.dumps([_as_dict(link) for link in links], indent=2))
    else:
        click.echo("\n".join(link.url for link in links))


def _links(client, settings, manifest, product, ttl, role, key):
    from toolkit.store.presign import presign_object, presign_product

    if key:
        return [presign_object(client, settings, manifest, product, key, ttl)]
    roles = [role] if role else ["bundle", "epub"]
    return [link for r in roles for link in presign_product(client, settings, manifest, product, r, ttl)]


def _as_dict(link) -> dict:
    return {"key": link.key, "role": link.role, "title": link.title, "ttl": link.ttl, "url": link.url}
