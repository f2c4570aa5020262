"""The ledger on disk, keyed by what it was computed from, found by commit.

One file per key (content paths + .mailmap text + format version) under
`<repo>/.folio-cache/leaderboard/`; the file records the commit it reaches, so
a later run reads only `git log <that commit>..HEAD`. `marshal` is used because
it loads tens of thousands of tuples in milliseconds and cannot run code; any
unreadable file (another Python, a crash mid-write) counts as no cache.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import marshal
import os
import sys
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CACHE_SUBDIR = Path(".folio-cache") / "leaderboard"


def cache_file(repo_dir: Path, pathspecs: list[str], mailmap_text: str) -> Path:
    """Return the cache file for a history read over `pathspecs` with this .mailmap."""
    key = "\0".join([str(FORMAT_VERSION), sys.version.split()[0], mailmap_text, *pathspecs])
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(repo_dir) / CACHE_SUBDIR / f"history-{digest}.marshal"


def load(path: Path) -> dict | None:
    """Return the cached ledger state, or None when there is none worth trusting."""
    try:
        data = path.read_bytes()  # marshal.load(file) reads object by object: 5x slower
        with gc_paused():
            state = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
        return None
    return state


@contextmanager
def gc_paused():
    """Pause the cycle collector: it would rescan every tuple while tens of thousands are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def save(path: Path, state: dict) -> None:
    """Write the state atomically; a cache that cannot be written only costs speed."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as stream:
            marshal.dump({**state, "format": FORMAT_VERSION}, stream)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("leaderboard: could not write the cache %s: %s", path, error)
        temporary.unlink(missing_ok=True)
