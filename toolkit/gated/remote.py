"""Remote images for the EPUB: fetched once at build time (`remote_images: fetch`), kept in a cache.

An EPUB may not load files from the network, so a paid page's `<img src="https://…">` needs
the image inside the book. With `remote_images: fetch` the build downloads it (a timeout, a
size limit, image types only) into `.folio-cache/remote/`, named by the URL's hash, and
later builds take it from there without asking the network again. What cannot be fetched
leaves a link in the book's chapter and a warning.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

TIMEOUT = 10  # seconds per image
MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/svg+xml": ".svg",
            "image/webp": ".webp"}


class RemoteImages:
    def __init__(self, cache_dir: Path | None, *, fetch: bool, timeout: float = TIMEOUT) -> None:
        self.cache_dir = cache_dir
        self.fetch = fetch and cache_dir is not None
        self.timeout = timeout

    def cached(self, url: str) -> Path | None:
        """The file fetched earlier for `url`, if any."""
        if self.cache_dir is None:
            return None
        stem = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return next((p for s in SUFFIXES.values() if (p := self.cache_dir / f"{stem}{s}").is_file()), None)

    def get(self, url: str) -> tuple[Path | None, str]:
        """(the cached file, "") or (None, why it could not be fetched)."""
        cached = self.cached(url)
        if cached is not None:
            return cached, ""
        stem = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        full = "https:" + url if url.startswith("//") else url
        try:
            request = urllib.request.Request(full, headers={"User-Agent": "folio (EPUB build)"})
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                kind = (response.headers.get_content_type() or "").lower()
                suffix = SUFFIXES.get(kind) or _suffix_of(full)
                if suffix is None:
                    return None, f"not an image: {kind or 'no content type'}"
                data = response.read(MAX_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as error:
            return None, str(getattr(error, "reason", error))
        if len(data) > MAX_BYTES:
            return None, f"larger than {MAX_BYTES // 1024 // 1024} MB"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        target = self.cache_dir / f"{stem}{suffix}"
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target, ""


def _suffix_of(url: str) -> str | None:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return {".jpeg": ".jpg"}.get(suffix, suffix) if suffix in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp") else None
