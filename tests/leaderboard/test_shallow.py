"""Shallow clones never publish wrong numbers.

In a clone made with `--depth N` the oldest fetched commit looks like it
created the whole tree. By default the leaderboard refuses (CLI and site
build alike) and says how to fetch the full history; `shallow: partial`
counts only the commits after the cut and marks the board as partial.
"""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command
from toolkit.leaderboard import site_pages
from toolkit.leaderboard.collect import ShallowHistory

ANN = ("Ann", "ann@x.org")
BOB = ("Bob", "bob@x.org")
CY = ("Cy", "cy@x.org")
TODAY = datetime.date(2024, 3, 1)


@pytest.fixture
def origin(tmp_path) -> ContentRepo:
    """Ann writes ten pages, Bob edits one, Cy adds one page."""
    repo = ContentRepo(tmp_path / "origin")
    for number in range(10):
        repo.write_lines(f"articles/a{number}.md", 10)
    repo.commit(ANN, "2024-01-01")
    repo.append_lines("articles/a0.md", 5)
    repo.commit(BOB, "2024-02-01")
    repo.write_lines("articles/new.md", 4)
    repo.commit(CY, "2024-02-02")
    return repo


def shallow_clone(origin: ContentRepo, folder, depth: int, settings: str | None = None) -> ContentRepo:
    subprocess.run(["git", "clone", "-q", "--depth", str(depth), f"file://{origin.root}", str(folder)], check=True)
    clone = ContentRepo.__new__(ContentRepo)
    clone.root, clone.docs, clone.docs_dir = folder, folder / "content", "content"
    if settings is not None:
        clone.configure(settings)
    return clone


def board(repo: ContentRepo):
    return CliRunner().invoke(command, ["-f", str(repo.config_file), "--format", "json"])


def test_the_cli_refuses_a_shallow_clone_and_says_how_to_fix_it(origin, tmp_path):
    clone = shallow_clone(origin, tmp_path / "clone", depth=2)
    result = board(clone)
    assert result.exit_code == 1
    assert "this is a shallow clone" in result.output
    assert "`fetch-depth: 0`" in result.output and "git fetch --unshallow" in result.output
    assert "shallow: partial" in result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_the_site_build_refuses_a_shallow_clone(origin, tmp_path):
    clone = shallow_clone(origin, tmp_path / "clone", depth=2)
    with pytest.raises(ShallowHistory, match="fetch-depth: 0"):
        site_pages(clone.root, clone.docs, {}, "en", TODAY)


def test_partial_counts_only_commits_after_the_cut(origin, tmp_path):
    clone = shallow_clone(origin, tmp_path / "clone", depth=2, settings="{shallow: partial}")
    result = board(clone)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # The cut is Bob's commit: it would look like he wrote all eleven pages. Only Cy's commit is complete.
    assert {row["name"]: row["points"] for row in document["contributors"]} == {"Cy": 10.4}
    assert (document["shallow"], document["partial_since"]) == (True, "2024-02-01")
    assert "warning: Partial board: this site was built from a shallow clone whose history starts on 2024-02-01" \
        in result.stderr


def test_an_edit_after_the_cut_is_not_a_new_page(origin, tmp_path):
    origin.append_lines("articles/a1.md", 3)
    origin.commit(BOB, "2024-02-03")
    clone = shallow_clone(origin, tmp_path / "clone", depth=3, settings="{shallow: partial}")
    bob = next(row for row in json.loads(board(clone).stdout)["contributors"] if row["name"] == "Bob")
    assert (bob["counts"]["pages"], bob["counts"]["lines_added"], bob["points"]) == (0, 3, 0.3)


def test_a_partial_site_board_says_so_on_every_page(origin, tmp_path):
    clone = shallow_clone(origin, tmp_path / "clone", depth=2)
    site = site_pages(clone.root, clone.docs, {"shallow": "partial"}, "en", TODAY)
    assert site.notice.startswith("Partial board: this site was built from a shallow clone whose history "
                                  "starts on 2024-02-01, so work before that day is not counted.")
    for path, text in site.pages.items():
        assert "!!! warning\n\n    Partial board:" in text, path


def test_fetching_the_full_history_replaces_the_partial_numbers(origin, tmp_path):
    clone = shallow_clone(origin, tmp_path / "clone", depth=2, settings="{shallow: partial}")
    assert board(clone).exit_code == 0  # a partial ledger is now cached
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=clone.root, check=True)
    document = json.loads(board(clone).stdout)
    assert {row["name"]: row["points"] for row in document["contributors"]} == {
        "Ann": 60.0, "Cy": 10.4, "Bob": 0.5}  # ten pages in one commit: five count
    assert (document["shallow"], document["partial_since"]) == (False, None)
