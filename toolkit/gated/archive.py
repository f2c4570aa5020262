"""Deterministic zip files (the bundle and the EPUB): same entries, same bytes."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: identical input, identical zip bytes
# Already compressed: deflating them again costs time and saves nothing.
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff2", ".woff", ".zip", ".gz",
                   ".mp4", ".webm", ".mp3", ".pdf")


class ContentChanged(ValueError):
    """A file's bytes differ from the sha256 recorded for them."""


def write_zip(target: Path, entries: dict[str, bytes | Path], first: tuple[str, bytes] | None = None,
              expected: dict[str, str] | None = None) -> None:
    """Write a zip whose bytes depend only on `entries` (sorted names, fixed times and modes).

    A value may be bytes or a file to copy in; `first` is written before the rest, stored
    (EPUB's `mimetype`). A file named in `expected` must have that sha256, checked as it is
    copied (ContentChanged otherwise, and no zip is left). The zip is written to a temporary
    file and renamed into place.
    """
    expected = expected or {}
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        if first:
            info = zipfile.ZipInfo(first[0], ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, first[1])
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            stored = name.lower().endswith(STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            value = entries[name]
            if isinstance(value, Path):
                digest = hashlib.sha256() if name in expected else None
                with value.open("rb") as source, archive.open(info, "w") as sink:
                    while block := source.read(1 << 20):
                        if digest is not None:
                            digest.update(block)
                        sink.write(block)
                if digest is not None and digest.hexdigest() != expected[name]:
                    archive.close()
                    tmp.unlink(missing_ok=True)
                    raise ContentChanged(f"{value}: its bytes no longer match the sha256 recorded for {name}.")
            else:
                archive.writestr(info, value, compresslevel=None if stored else 6)
    tmp.replace(target)
