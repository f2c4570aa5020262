"""The ledger on disk, keyed by what it was computed from, found by commit.

One file per key (content paths + .mailmap text + a shallow clone's cut +
format version) under `<repo>/.folio/cache/leaderboard/`; the file records
the commit it reaches, so a later run reads only `git log <that commit>..HEAD`.
The cache folder carries its own `.gitignore` (`*`), so it is never committed
even in a repository whose `.gitignore` does not mention it. `marshal` is used because
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

FORMAT_VERSION = 2
CACHE_ROOT = Path(".folio") / "cache"
CACHE_SUBDIR = CACHE_ROOT / "leaderboard"


def cache_file(repo_dir: Path, pathspecs: list[str], mailmap_text: str,
               boundary: frozenset[str] = frozenset()) -> Path:
    """Return the cache file for a history read over `pathspecs` with this .mailmap and shallow cut."""
    # Deepening a shallow clone changes the cut, so the partial ledger is never extended.
    key = "\0".join([str(FORMAT_VERSION), sys.version.split()[0], mailmap_text, *pathspecs, "cut", *sorted(boundary)])
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
        _ignore_in_git(path.parent)
        with open(temporary, "wb") as stream:
            marshal.dump({**state, "format": FORMAT_VERSION}, stream)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("leaderboard: could not write the cache %s: %s", path, error)
        temporary.unlink(missing_ok=True)


def _ignore_in_git(folder: Path) -> None:
    """Make the cache root (`.folio/cache`) ignore itself, as pytest's and mypy's caches do."""
    marker = folder.parent / ".gitignore"  # folder is .folio/cache/leaderboard
    if not marker.exists():
        marker.write_text("# Folio's caches: generated, never committed.\n*\n", encoding="utf-8")
