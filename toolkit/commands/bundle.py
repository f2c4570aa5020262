"""`folio bundle`: the downloads (zip, EPUB) assembled locally, byte for byte what `folio publish` uploads."""

from __future__ import annotations

import click

from toolkit.commands.build import config_option


@click.command("bundle")
@config_option
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the downloads into (made if missing).")
@click.argument("product", required=False)
def command(config_file: str, out_dir: str, product: str | None) -> None:
    """Assemble the downloads of PRODUCT (e.g. `course:async-python`, `async-python`, `membership`;
    default: every product) from gated/ into OUT, as buyers get them. Run `folio build` first."""
    import tempfile
    from pathlib import Path

    from toolkit.config import folio_plugin, load_mkdocs_config
    from toolkit.errors import FolioError
    from toolkit.gated.manifest import Manifest
    from toolkit.store.publish import read_gated

    config = load_mkdocs_config(config_file)  # no storage settings needed: nothing leaves this machine
    gated_dir = Path(config.config_file_path).parent / folio_plugin(config).config["gated_dir"]
    local = read_gated(gated_dir)  # the checks `folio publish` makes: a production build that matches its manifest
    manifest = Manifest.from_bytes(local.body, str(gated_dir / "manifest.json"))
    chosen = _products(manifest, product)
    keys = {o.key for pid in chosen for o in manifest.products[pid].objects if o.pack is not None}
    downloads = [obj for obj in local.objects if obj.key in keys]
    if not downloads:
        raise FolioError(f"{gated_dir}: no downloads for {', '.join(chosen)}; a course with paid chapters has a "
                         "zip and an EPUB, the membership a zip. Run `folio build` and try again.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for obj in downloads:
        # Assembled beside the target, then renamed: a half-written download never replaces a good one.
        with tempfile.TemporaryDirectory(dir=out, prefix=".folio-bundle-") as folder:
            made = obj.assembled(Path(folder), gated_dir)
            target = out / made.path.name
            made.path.replace(target)
        click.echo(f"{target}  ({_size(made.size)}, sha256 {made.sha256[:12]})")


def _products(manifest, wanted: str | None) -> list[str]:
    from toolkit.errors import FolioError

    if wanted is None:
        return sorted(manifest.products)
    for candidate in (wanted, f"course:{wanted}"):
        if candidate in manifest.products:
            return [candidate]
    known = ", ".join(sorted(manifest.products)) or "none (run `folio build`)"
    raise FolioError(f"no product {wanted!r} in gated/manifest.json; products: {known}")


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024 / 1024:.1f} MB" if n_bytes >= 1024 * 1024 else f"{n_bytes / 1024:.1f} KB"
