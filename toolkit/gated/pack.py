"""A download's pack list: what its zip (or EPUB) holds, written by the build, packed by `folio publish`.

A course's zip and EPUB each carry every figure of the course. Stored as finished files,
they made `gated/` three times the course's images and made every build write them. So
the build writes a small pack list instead, next to where the download would be:

- generated text (pages, chapters, the index, the original Markdown) is in the list itself;
- every other file is an asset object of `gated/assets/`, named by key with its sha256.

`assemble` writes the download from the list, deterministically: the same list always
gives the same bytes, so the download's key can carry the list's hash. It checks each
asset's bytes against the sha256 the list recorded while copying them in, so an image
rewritten after the build is refused, never packed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import FolioError
from toolkit.gated.archive import ContentChanged, write_zip
from toolkit.gated.manifest import ObjectRef, safe_path

FORMAT = "folio-pack 1"
PACK_SUFFIX = ".pack"


class PackError(FolioError):
    """A pack list is unreadable, or names an asset that is missing or changed since the build."""


@dataclass
class Pack:
    """Entries of one download: name -> bytes (written into the list) or an asset object (`ObjectRef`)."""

    entries: dict[str, bytes | ObjectRef]
    first: tuple[str, bytes] | None = None  # stored uncompressed before the rest (EPUB's mimetype)

    def to_bytes(self) -> bytes:
        """Deterministic JSON: same entries, same bytes (so the download's key is stable)."""
        items = [_entry(name, value) for name, value in sorted(self.entries.items())]
        data = {"format": FORMAT, "first": _entry(*self.first) if self.first else None, "entries": items}
        return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes, source: str) -> "Pack":
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r}, expected {FORMAT!r}")
            entries = dict(_value(item) for item in raw["entries"])
            first = _value(raw["first"]) if raw.get("first") else None
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise PackError(f"{source}: not a pack list Folio can read ({error}). Run `folio build` again.") from None
        if first is not None and not isinstance(first[1], bytes):
            raise PackError(f"{source}: the first entry must be text. Run `folio build` again.")
        return cls(entries, first)

    def content_size(self) -> int:
        """Bytes of all entries before compression: about the size of the download."""
        return sum(v.size if isinstance(v, ObjectRef) else len(v) for v in self.entries.values())


def assemble(pack: Pack, gated_dir: Path, target: Path) -> None:
    """Write the download `pack` describes to `target`, taking assets from `gated_dir`."""
    entries: dict[str, bytes | Path] = {}
    expected: dict[str, str] = {}
    for name, value in pack.entries.items():
        if isinstance(value, ObjectRef):
            path = safe_path(gated_dir, value.key)
            if not path.is_file():
                raise PackError(f"{gated_dir / value.key}: missing, but a download holds it. Run `folio build` again.")
            entries[name], expected[name] = path, value.sha256
        else:
            entries[name] = value
    try:
        write_zip(target, entries, first=pack.first, expected=expected)
    except ContentChanged as error:
        raise PackError(f"{error}\nIt changed after the build; run `folio build` again.") from None


def _entry(name: str, value: bytes | ObjectRef) -> dict:
    if isinstance(value, ObjectRef):
        return {"name": name, "asset": value.key, "sha256": value.sha256, "size": value.size}
    try:
        return {"name": name, "text": value.decode("utf-8")}
    except UnicodeDecodeError:  # a source that is not UTF-8 keeps its exact bytes
        return {"name": name, "base64": base64.b64encode(value).decode("ascii")}


def _value(item: dict) -> tuple[str, bytes | ObjectRef]:
    name = item["name"]
    if not isinstance(name, str) or not name:
        raise ValueError("an entry without a name")
    if "asset" in item:
        return name, ObjectRef(str(item["asset"]), str(item["sha256"]), int(item["size"]))
    if "text" in item:
        return name, str(item["text"]).encode("utf-8")
    return name, base64.b64decode(item["base64"], validate=True)
