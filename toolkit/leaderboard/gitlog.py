"""Stream a repository's history as small commit records from ONE `git log`.

Everything comes from a single process. `--raw` says what git did to each
file (A added, M modified, D deleted, R renamed), so a page is new exactly
when git says it was added: a page created inside a merge commit (which the
log skips) is not "created" by the next person who edits it. `--numstat`
gives the added lines of the same files, in the same order. With `-z` every
path is NUL-terminated and unquoted (spaces, quotes and CJK survive); renames
arrive as `:meta R086\\0old\\0new\\0` and `added\\tdeleted\\t\\0old\\0new\\0`,
binary files as `-`.
`%aN`/`%aE` apply .mailmap to the author; git's own trailer parser hands us
the `Co-authored-by:` and `Reviewed-by:` values.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from toolkit.errors import FolioError

# \x01 opens each commit so a stream can be cut at commit boundaries;
# \x1f separates several trailer values inside one field.
RECORD_START = "\x01"
TRAILER_SEPARATOR = "\x1f"
LOG_FORMAT = (
    "%x01%H%x00%aN%x00%aE%x00%as%x00"
    "%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1f)%x00"
    "%(trailers:key=Reviewed-by,valueonly,unfold,separator=%x1f)%x00"
)
HEADER_FIELDS = 6
CHUNK_BYTES = 1 << 20


class FileChange(NamedTuple):
    path: str
    old_path: str | None  # set when git saw a rename (or a copy)
    added: int | None  # None for a binary file
    status: str = "M"  # git's letter: A added, M modified, D deleted, R renamed, C copied, T type changed


class RawCommit(NamedTuple):
    sha: str
    author_name: str
    author_email: str
    date: str  # author date, YYYY-MM-DD in the author's time zone
    coauthors: tuple[str, ...]  # raw "Name <email>" trailer values
    reviewers: tuple[str, ...]
    changes: tuple[FileChange, ...]


class RepoState(NamedTuple):
    top: Path  # the work tree's top folder
    head: str | None  # None in a repository without commits
    shallow: bool
    boundary: frozenset[str] = frozenset()  # a shallow clone's oldest fetched commits (their parents are missing)


class NotAGitRepository(FolioError):
    """The folder is not inside a git work tree."""


def git_environment() -> dict[str, str]:
    """Return os.environ made safe for parsing: no pager, no prompts, C messages."""
    env = dict(os.environ)
    env.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_MESSAGES": "C", "GIT_LITERAL_PATHSPECS": "1"})
    return env


def run_git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run one short git command and return its result (never raises on exit status)."""
    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace",
            env=git_environment(),
        )
    except FileNotFoundError:
        raise FolioError("git is not installed or not on PATH; the leaderboard reads the git history") from None


def inspect_repo(folder: Path) -> RepoState:
    """Return the work tree holding `folder`, its HEAD and whether it is shallow."""
    if not Path(folder).is_dir():
        raise NotAGitRepository(f"{folder}: no such folder")
    found = run_git(["rev-parse", "--show-toplevel", "--is-shallow-repository"], folder)
    if found.returncode != 0 or not found.stdout.strip():
        raise NotAGitRepository(f"{folder}: not a git repository (the leaderboard needs its history)")
    top, shallow = found.stdout.splitlines()[:2]
    head = run_git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], folder).stdout.strip() or None
    is_shallow = shallow.strip() == "true"
    return RepoState(Path(top), head, is_shallow, shallow_boundary(Path(top)) if is_shallow else frozenset())


def shallow_boundary(top: Path) -> frozenset[str]:
    """Return the commits a shallow clone was cut at (git lists them in `.git/shallow`)."""
    listed = run_git(["rev-parse", "--git-path", "shallow"], top).stdout.strip()
    try:
        text = (Path(top) / listed).read_text(encoding="ascii", errors="replace") if listed else ""
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def is_ancestor(top: Path, old: str, new: str) -> bool:
    """Return True when commit `old` is in the history of `new`."""
    return run_git(["merge-base", "--is-ancestor", old, new], top).returncode == 0


def log_command(pathspecs: Iterable[str], revisions: str = "HEAD") -> list[str]:
    """Return the one `git log` command line that streams the history."""
    return [
        "git", "-c", "core.quotePath=false", "log", revisions, "--reverse",
        # --no-abbrev: full object names cost nothing, abbreviating them costs a lookup each.
        "--no-merges", "-M", "--raw", "--no-abbrev", "--numstat", "-z", "--no-textconv", "--no-ext-diff",
        "--no-color", f"--format={LOG_FORMAT}", "--", *pathspecs,
    ]


def stream_commits(top: Path, pathspecs: Iterable[str], revisions: str = "HEAD") -> Iterator[RawCommit]:
    """Yield the commits touching `pathspecs`, oldest first, while git is still writing.

    Oldest first lets the caller build its ledger while git computes the
    diffs: git only walks the commit list before it starts writing.
    """
    process = subprocess.Popen(
        log_command(pathspecs, revisions), cwd=top, env=git_environment(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    with process:
        yield from _parse_stream(process.stdout)
        error = process.stderr.read().decode("utf-8", "replace").strip()
    if process.wait() != 0:
        raise FolioError(f"{top}: git log failed: {error}")


def _parse_stream(stdout) -> Iterator[RawCommit]:
    pending = b""
    while chunk := stdout.read(CHUNK_BYTES):
        # Keep the last, possibly incomplete, commit for the next round.
        complete, start, rest = (pending + chunk).rpartition(RECORD_START.encode())
        pending = start + rest
        yield from _parse_records(complete)
    yield from _parse_records(pending)


def _parse_records(data: bytes) -> Iterator[RawCommit]:
    for record in data.decode("utf-8", "replace").split(RECORD_START):
        if record:
            yield parse_record(record)


def parse_record(record: str) -> RawCommit:
    """Return the commit described by one `LOG_FORMAT` record and its numstat."""
    fields = record.split("\0")
    sha, name, email, date, coauthors, reviewers = fields[:HEADER_FIELDS]
    return RawCommit(
        sha, name, email, date,
        _trailer_values(coauthors), _trailer_values(reviewers),
        tuple(_parse_changes(fields[HEADER_FIELDS:])),
    )


def _trailer_values(field: str) -> tuple[str, ...]:
    return tuple(value.strip() for value in field.split(TRAILER_SEPARATOR) if value.strip())


def _parse_changes(tokens: list[str]) -> Iterator[FileChange]:
    """Yield file changes from NUL-split `--raw` then `--numstat` tokens of one commit.

    git writes every raw entry first, then a numstat entry per file; both spell
    a rename (or copy) as two paths in two tokens. They are paired by path, so
    a file one of them lists differently (a type change) cannot shift the rest.
    """
    raw: list[tuple[str, str, str | None]] = []  # (status letter, path, old path)
    added_lines: dict[str, int | None] = {}
    items = iter(tokens)
    for token in items:
        token = token.lstrip("\n")
        if not token:
            continue
        if token[0] == ":":  # ":100644 100644 <old> <new> R086"
            status = token[token.rindex(" ") + 1:][:1]
            old_path = next(items) if status in "RC" else None
            raw.append((status, next(items), old_path))
            continue
        added, _deleted, path = token.split("\t", 2)
        if not path:  # a rename: the two paths follow
            next(items)
            path = next(items)
        added_lines.setdefault(path, None if added == "-" else int(added))
    for status, path, old_path in raw:
        yield FileChange(path, old_path, added_lines.get(path), status)
