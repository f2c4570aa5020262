"""The leaderboard cache: keyed by commit, so a new commit costs only that commit."""

from __future__ import annotations

import logging

import pytest

from tests.leaderboard_repo import ContentRepo
from toolkit.leaderboard import collect as collecting
from toolkit.leaderboard.report import build_report
from toolkit.leaderboard.settings import load_settings
from toolkit.leaderboard.windows import ALL_TIME

SETTINGS = load_settings({})
CACHE = (".folio", "cache", "leaderboard")


def collect(root, docs):
    return collecting.collect(root, docs, SETTINGS)

ANN = ("Ann", "ann@x.org")
BOB = ("Bob", "bob@x.org")


@pytest.fixture
def repo(tmp_path) -> ContentRepo:
    repo = ContentRepo(tmp_path / "site")
    for day in range(1, 6):
        repo.write_lines(f"articles/a{day}.md", 10)
        repo.commit(ANN, f"2024-01-0{day}")
    return repo


def points(repo: ContentRepo) -> dict[str, float]:
    report = build_report(repo.root, repo.docs, SETTINGS, ALL_TIME)
    return {row.person.name: row.points for row in report.standings}


def test_first_run_reads_every_commit_and_writes_the_cache(repo):
    assert collect(repo.root, repo.docs).parsed == 5
    assert list(repo.root.joinpath(*CACHE).glob("history-*.marshal"))


def test_the_cache_is_ignored_by_git_without_any_gitignore_of_ours(repo):
    assert not (repo.root / ".gitignore").exists()
    collect(repo.root, repo.docs)
    assert repo.root.joinpath(*CACHE).is_dir()
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_rerun_without_new_commits_reads_none(repo):
    collect(repo.root, repo.docs)
    assert collect(repo.root, repo.docs).parsed == 0


def test_one_new_commit_parses_only_that_commit(repo, caplog):
    before = points(repo)
    repo.write_lines("articles/b.md", 20)
    head = repo.commit(BOB, "2024-02-01")
    with caplog.at_level(logging.DEBUG, logger="toolkit.leaderboard.collect"):
        assert collect(repo.root, repo.docs).parsed == 1
    assert f"leaderboard: parsed 1 new commit(s) up to {head}" in caplog.messages
    assert points(repo) == {**before, "Bob": 12.0}


def test_cached_and_cold_runs_agree(repo):
    repo.write_lines("articles/a1.md", 30)
    repo.commit(BOB, "2024-02-01")
    warm = points(repo)
    for cached in repo.root.joinpath(*CACHE).rglob("*.marshal"):
        cached.unlink()
    assert points(repo) == warm == {"Ann": 55.0, "Bob": 2.0}


def test_rewritten_history_is_read_again_in_full(repo):
    collect(repo.root, repo.docs)
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.write_lines("articles/c.md", 10)
    repo.commit(BOB, "2024-02-01")
    assert collect(repo.root, repo.docs).parsed == 4
    assert points(repo) == {"Ann": 33.0, "Bob": 11.0}


def test_a_changed_mailmap_starts_a_fresh_cache(repo):
    collect(repo.root, repo.docs)
    (repo.root / ".mailmap").write_text("Annie <ann@x.org>\n", encoding="utf-8")
    assert collect(repo.root, repo.docs).parsed == 5
    assert points(repo) == {"Annie": 55.0}


def test_a_corrupt_cache_file_is_ignored(repo):
    collect(repo.root, repo.docs)
    for cached in repo.root.joinpath(*CACHE).rglob("*.marshal"):
        cached.write_bytes(b"\x00garbage")
    assert collect(repo.root, repo.docs).parsed == 5
