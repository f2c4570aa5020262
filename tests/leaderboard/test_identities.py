"""Identities: suggested .mailmap lines for likely duplicates, and readable profile URLs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command
from toolkit.leaderboard.identities import profile_slugs

MAYA = ("Maya Ortiz", "maya@example.org")
MAYA_WORK = ("maya ortiz", "maya.ortiz@work.example")
MAYA_GITHUB = ("Maya", "1234567+mayaortiz@users.noreply.github.com")
ZOE = ("Zoë Ångström", "zoe@example.se")
ZOE_ASCII = ("Zoe  Angstrom", "zoe.a@laptop.local")
LIN = ("Lin Wei", "lin@example.org")
LIN_GITHUB = ("lin-w", "lin@users.noreply.github.com")  # login "lin" is Lin's email local part
OTHER = ("Ann Other", "ann@example.org")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


@pytest.fixture
def repo(tmp_path) -> ContentRepo:
    repo = ContentRepo(tmp_path / "site")
    people = [MAYA, MAYA, MAYA, MAYA_WORK, MAYA_GITHUB, ZOE, ZOE_ASCII, ZOE_ASCII, LIN, LIN_GITHUB, OTHER, BOT]
    for number, person in enumerate(people):
        repo.write_lines(f"articles/p{number:02d}.md", 3)
        repo.commit(person, f"2024-01-{number + 1:02d}")
    return repo


def suggest(repo: ContentRepo):
    return CliRunner().invoke(command, ["-f", str(repo.config_file), "--suggest-mailmap"])


def test_suggest_mailmap_prints_ready_to_paste_lines(repo):
    result = suggest(repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "# Likely duplicate identities (same name with different emails, or a GitHub noreply address).",
        "# Check each line, then add it to .mailmap at the top of the repository.",
        # Most commits first; the canonical identity is the one with most commits, a real address first.
        "Maya Ortiz <maya@example.org> <1234567+mayaortiz@users.noreply.github.com>",
        "Maya Ortiz <maya@example.org> <maya.ortiz@work.example>",
        "Zoe  Angstrom <zoe.a@laptop.local> <zoe@example.se>",
        "Lin Wei <lin@example.org> <lin@users.noreply.github.com>",
    ]


def test_pasting_the_suggestions_merges_the_people(repo):
    (repo.root / ".mailmap").write_text("\n".join(suggest(repo).stdout.splitlines()[2:]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["-f", str(repo.config_file), "--format", "json"])
    names = [row["name"] for row in json.loads(result.stdout)["contributors"]]
    assert sorted(names) == ["Ann Other", "Lin Wei", "Maya Ortiz", "Zoe  Angstrom"]
    assert suggest(repo).stdout == "# No likely duplicate identities found in the history of the content.\n"


def test_profile_urls_keep_accented_and_cjk_letters():
    slugs = profile_slugs({"a": "Zoë Ångström", "b": "李雷", "c": "Seán O'Brien", "d": "José  García-Núñez"})
    assert slugs == {"a": "zoë-ångström", "b": "李雷", "c": "seán-obrien", "d": "josé-garcía-núñez"}


def test_profile_urls_are_unique_and_never_empty():
    slugs = profile_slugs({"a@x": "Maya Ortiz", "b@x": "maya  ortiz", "c@x": "???", "d@x": "Index"})
    assert slugs["a@x"].startswith("maya-ortiz-") and slugs["b@x"].startswith("maya-ortiz-")
    assert slugs["a@x"] != slugs["b@x"]
    assert slugs["c@x"].startswith("contributor-") and slugs["d@x"].startswith("index-")
    assert len(set(slugs.values())) == 4
    # Stable: the suffix comes from the identity, so the same people get the same URLs on every build.
    assert profile_slugs({"c@x": "???", "a@x": "Maya Ortiz", "d@x": "Index", "b@x": "maya  ortiz"}) == slugs


def test_a_decomposed_accent_gives_the_same_url_as_a_composed_one():
    assert profile_slugs({"a": "Zoe\u0308"}) == profile_slugs({"a": "Zo\u00eb"}) == {"a": "zoë"}
