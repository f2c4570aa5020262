"""Content-addressed asset objects: every image or attachment stored once, under its sha256.

A file's key is `assets/<first 16 hex digits of its sha256>.<ext>`, so the same image used by
ten chapters (or two courses) is one object, and a changed image is a new key. Hashing is
cached by (size, mtime) so an unchanged 150 MB course is not hashed again on every build.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.gated.manifest import ObjectRef, StoredObject

ASSET_DIR = "assets"
EXTRA_TYPES = {".woff2": "font/woff2", ".svg": "image/svg+xml", ".webp": "image/webp", ".js": "text/javascript",
               ".css": "text/css", ".avif": "image/avif"}


@dataclass(frozen=True)
class Asset:
    """One stored file: where it came from and what it is now."""

    key: str
    sha256: str
    size: int
    content_type: str
    source: str  # docs-relative path, or `folio:katex/...` for files Folio ships

    def ref(self) -> ObjectRef:
        """How a pack list names it."""
        return ObjectRef(self.key, self.sha256, self.size)

    def stored(self) -> StoredObject:
        return StoredObject(self.key, self.sha256, self.size, self.content_type, "asset", self.source, "")

    def to_dict(self) -> dict:
        return {"key": self.key, "sha256": self.sha256, "size": self.size, "content_type": self.content_type,
                "source": self.source}


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return EXTRA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def asset_key(sha256: str, name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ".bin"
    return f"{ASSET_DIR}/{sha256[:16]}{suffix}"


class AssetStore:
    """Hashes files (with a stat-keyed cache) and copies each content into gated/assets once."""

    def __init__(self, gated_dir: Path, cache_file: Path | None) -> None:
        self.gated_dir = gated_dir
        self.cache_file = cache_file
        self._hashes: dict[str, list] = {}
        if cache_file is not None and cache_file.is_file():
            try:
                self._hashes = json.loads(cache_file.read_text(encoding="utf-8"))
            except ValueError:
                self._hashes = {}
        self.used: dict[str, Asset] = {}  # key -> asset, everything this build stores

    def describe(self, path: Path, source: str) -> Asset:
        """The asset object for a file (not stored yet)."""
        stat = path.stat()
        seen = self._hashes.get(str(path))
        if seen and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
            sha = seen[2]
        else:
            sha = file_sha256(path)
            self._hashes[str(path)] = [stat.st_size, stat.st_mtime_ns, sha]
        return Asset(asset_key(sha, path.name), sha, stat.st_size, content_type(path.name), source)

    def describe_bytes(self, data: bytes, name: str, source: str) -> Asset:
        sha = hashlib.sha256(data).hexdigest()
        return Asset(asset_key(sha, name), sha, len(data), content_type(name), source)

    def store(self, asset: Asset, path: Path | None = None, data: bytes | None = None) -> None:
        """Copy the file into gated/ under its key, unless an object of that size is there."""
        self.used.setdefault(asset.key, asset)
        target = self.gated_dir / asset.key
        if target.is_file() and target.stat().st_size == asset.size:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        if data is not None:
            tmp.write_bytes(data)
        else:
            _link_or_copy(path, tmp)
        os.replace(tmp, target)

    def save_cache(self) -> None:
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        self.cache_file.write_text(json.dumps(self._hashes, sort_keys=True), encoding="utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the filesystem allows it (no bytes written: a 150 MB course costs
    nothing to store), else a copy. An author who later rewrites the image in place changes
    the linked bytes too; the next build sees a new hash (a new key, the old one removed),
    and `folio publish` refuses a file whose bytes no longer match the manifest."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes: how every object of gated/ is named and checked."""
    with path.open("rb") as stream:
        if hasattr(hashlib, "file_digest"):  # Python 3.11+: hashed in C with no copy per block, ~1.7x faster
            return hashlib.file_digest(stream, "sha256").hexdigest()
        digest = hashlib.sha256()
        while block := stream.read(1 << 20):
            digest.update(block)
        return digest.hexdigest()
