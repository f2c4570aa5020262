"""Bring the ledger up to HEAD: from the cache, reading only the commits it lacks.

The three cases, cheapest first: the cache already reaches HEAD (no git log);
HEAD descends from the cached commit (`git log OLD..HEAD`); anything else, such
as a rewritten history or no cache at all (one full `git log`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from toolkit.leaderboard import cache
from toolkit.leaderboard.gitlog import RepoState, inspect_repo, is_ancestor, stream_commits
from toolkit.leaderboard.history import Ledger
from toolkit.leaderboard.identities import Mailmap

log = logging.getLogger(__name__)

SECTIONS = ("courses", "articles", "salons")


@dataclass
class History:
    repo: RepoState
    ledger: Ledger
    docs_prefix: str  # docs_dir relative to the repository top, "" or ending in "/"
    parsed: int  # commits read from git in this run (0 when the cache was current)


def content_pathspecs(top: Path, docs_dir: Path) -> tuple[str, list[str]]:
    """Return the docs folder relative to `top` and the section folders to read history for."""
    relative = Path(docs_dir).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    return prefix, [f"{prefix}{section}" for section in SECTIONS]


def collect(repo_dir: Path, docs_dir: Path) -> History:
    """Return the history of the content under `docs_dir`, using and refreshing the cache."""
    repo = inspect_repo(docs_dir)
    prefix, pathspecs = content_pathspecs(repo.top, docs_dir)
    mailmap = Mailmap.from_repo(repo.top)
    path = cache.cache_file(repo_dir, pathspecs, mailmap.text)
    ledger, parsed = _update(repo, pathspecs, mailmap, cache.load(path))
    if parsed or not path.exists():
        cache.save(path, ledger.to_state())
    log.debug("leaderboard: parsed %d new commit(s) up to %s", parsed, repo.head or "(no commits)")
    return History(repo, ledger, prefix, parsed)


def _update(repo: RepoState, pathspecs: list[str], mailmap: Mailmap, state: dict | None) -> tuple[Ledger, int]:
    if repo.head is None:  # no commits yet: an empty board, not an error
        return Ledger(), 0
    cached = Ledger.from_state(state) if state else None
    if cached and cached.head == repo.head:
        return cached, 0
    if cached and cached.head and is_ancestor(repo.top, cached.head, repo.head):
        return _extend(cached, repo, pathspecs, mailmap, f"{cached.head}..{repo.head}")
    return _extend(Ledger(), repo, pathspecs, mailmap, repo.head)


def _extend(ledger: Ledger, repo: RepoState, pathspecs: list[str], mailmap: Mailmap,
            revisions: str) -> tuple[Ledger, int]:
    parsed = ledger.add_commits(stream_commits(repo.top, pathspecs, revisions), mailmap)
    ledger.head = repo.head
    return ledger, parsed
