"""Bring the ledger up to HEAD: from the cache, reading only the commits it lacks.

The three cases, cheapest first: the cache already reaches HEAD (no git log);
HEAD descends from the cached commit (`git log OLD..HEAD`); anything else, such
as a rewritten history or no cache at all (one full `git log`).

A shallow clone is refused before anything is read, unless the settings say
`shallow: partial`: then the commits at the cut only register the pages they
hold, and the history records the day it starts (`Ledger.partial_since`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import FolioError
from toolkit.leaderboard import cache
from toolkit.leaderboard.gitlog import RepoState, inspect_repo, is_ancestor, stream_commits
from toolkit.leaderboard.history import Ledger
from toolkit.leaderboard.identities import Mailmap
from toolkit.leaderboard.settings import Settings

log = logging.getLogger(__name__)


class ShallowHistory(FolioError):
    """A shallow clone: its oldest commit would be credited with the whole tree."""


SHALLOW_REFUSAL = (
    "{top}: this is a shallow clone (only the latest commits were fetched), so the leaderboard would credit "
    "the oldest fetched commit's author with every page. Fetch the full history: `git fetch --unshallow`, "
    "or in GitHub Actions `actions/checkout` with `fetch-depth: 0`. To publish a board that counts only "
    "the fetched commits, marked as partial, set `plugins.folio.leaderboard.shallow: partial` in mkdocs.yml."
)


@dataclass
class History:
    repo: RepoState
    ledger: Ledger
    docs_prefix: str  # docs_dir relative to the repository top, "" or ending in "/"
    parsed: int  # commits read from git in this run (0 when the cache was current)
    pathspecs: list[str]  # the repository paths whose history was read


def content_pathspecs(top: Path, docs_dir: Path, settings: Settings) -> tuple[str, list[str]]:
    """Return the docs folder relative to `top` and the folders to read history for.

    With the general section on, that is the whole docs folder; otherwise the section folders.
    """
    relative = Path(docs_dir).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if relative == "." else relative + "/"
    if settings.general:
        return prefix, [relative]
    return prefix, sorted({f"{prefix}{folder}" for section in settings.sections for folder in section.folders})


def collect(repo_dir: Path, docs_dir: Path, settings: Settings) -> History:
    """Return the history of the content under `docs_dir`, using and refreshing the cache."""
    repo = inspect_repo(docs_dir)
    if repo.shallow and settings.shallow != "partial":
        raise ShallowHistory(SHALLOW_REFUSAL.format(top=repo.top))
    prefix, pathspecs = content_pathspecs(repo.top, docs_dir, settings)
    mailmap = Mailmap.from_repo(repo.top)
    path = cache.cache_file(repo_dir, pathspecs, mailmap.text, repo.boundary)
    ledger, parsed = _update(repo, pathspecs, mailmap, cache.load(path))
    if parsed or not path.exists():
        cache.save(path, ledger.to_state())
    log.debug("leaderboard: parsed %d new commit(s) up to %s", parsed, repo.head or "(no commits)")
    return History(repo, ledger, prefix, parsed, pathspecs)


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
    commits = stream_commits(repo.top, pathspecs, revisions)
    parsed = ledger.add_commits(commits, mailmap, repo.boundary)
    ledger.head = repo.head
    return ledger, parsed
