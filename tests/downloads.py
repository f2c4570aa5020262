"""Downloads as a buyer gets them: assembled from gated/'s pack lists, the way `folio publish` does."""

from __future__ import annotations

import tempfile
from pathlib import Path

from toolkit.gated.manifest import Manifest
from toolkit.gated.pack import Pack, assemble


def assembled(pack_file: Path) -> Path:
    """The zip or EPUB that `pack_file` (a `*.zip.pack` / `*.epub.pack` in gated/) describes."""
    gated = next(p for p in pack_file.parents if (p / "manifest.json").is_file())
    # Beside gated/, in the test's own temporary folder: removed with it, never left in /tmp.
    folder = gated.parent / ".assembled-downloads"
    folder.mkdir(exist_ok=True)
    target = Path(tempfile.mkdtemp(dir=folder)) / pack_file.name.removesuffix(".pack")
    assemble(Pack.from_bytes(pack_file.read_bytes(), str(pack_file)), gated, target)
    return target


def download_bytes(gated_dir: Path, key: str) -> bytes:
    """The bytes of the download the manifest in `gated_dir` names `key`."""
    manifest = Manifest.load(gated_dir / "manifest.json")
    [obj] = [o for o in manifest.objects() if o.key == key]
    return assembled(gated_dir / obj.pack.key).read_bytes()
