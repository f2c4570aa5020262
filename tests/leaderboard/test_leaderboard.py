"""`folio leaderboard`: points, ranks, windows and sections from a real git history.

The community below is the specification in miniature. With the default
points (page 10, line 0.1, paid chapter 15, salon note 5, review 3, at most
300 lines per commit):

| when       | who                        | what                                             | points          |
|------------|----------------------------|--------------------------------------------------|-----------------|
| 2024-01-10 | Maya                       | course index (5 lines), free ch. (4), paid ch. (6)| 30 + 15 + 1.5   |
| 2024-02-05 | Lin + co-author 李雷       | article (10 lines), Reviewed-by Maya             | 11 each, Maya 3 |
| 2024-03-01 | dependabot[bot]            | 500 lines to the article                         | nothing (bot)   |
| 2024-03-02 | "maya" <maya@old.example>  | 400 lines to the paid chapter (.mailmap → Maya)  | 30 (capped)     |
| 2024-03-03 | Lin                        | moves the article (a rename is not a new page)   | 0               |
| 2024-03-04 | 李雷                       | salon note (8 lines) + a binary photo            | 10 + 5 + 0.8    |
| 2024-03-05 | Lin                        | article 'say "hi" now.md' (2 lines)              | 10.2            |

Totals: Maya 79.5, 李雷 26.8, Lin 21.2.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command
from toolkit.leaderboard.formats import display_width

MAYA = ("Maya Ortiz", "maya@example.org")
MAYA_OLD = ("maya", "maya@old.example")
LIN = ("Lin Wei", "lin@example.org")
LEI = ("李雷", "lei@example.cn")
DEPENDABOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def build_community(repo: ContentRepo) -> None:
    (repo.root / ".mailmap").write_text("Maya Ortiz <maya@example.org> <maya@old.example>\n", encoding="utf-8")
    repo.write_lines("courses/async/index.md", 5, "title: Async\nprice: 49 USD\n")
    repo.write_lines("courses/async/01-intro.md", 4, "access: free\n")
    repo.write_lines("courses/async/02-tasks.md", 6, "title: Tasks\n")
    repo.commit(MAYA, "2024-01-10", "Start the async course")
    repo.write_lines("articles/tracing.md", 10)
    repo.commit(LIN, "2024-02-05", "Article on tracing",
                ["Co-authored-by: 李雷 <lei@example.cn>", "Reviewed-by: Maya Ortiz <maya@example.org>"])
    repo.append_lines("articles/tracing.md", 500)
    repo.commit(DEPENDABOT, "2024-03-01", "Bump everything")
    repo.append_lines("courses/async/02-tasks.md", 400)
    repo.commit(MAYA_OLD, "2024-03-02", "Expand the tasks chapter")
    repo.move("articles/tracing.md", "articles/distributed-tracing.md")
    repo.commit(LIN, "2024-03-03", "Rename the tracing article")
    repo.write_lines("salons/2024-03-meetup.md", 8)
    (repo.docs / "salons" / "photo.png").write_bytes(b"\x89PNG\x00\x01\x02binary")
    repo.commit(LEI, "2024-03-04", "Salon notes")
    repo.write_lines('articles/say "hi" now.md', 2)
    repo.commit(LIN, "2024-03-05", "A short article")


@pytest.fixture(scope="module")
def community(tmp_path_factory) -> ContentRepo:
    repo = ContentRepo(tmp_path_factory.mktemp("community"))
    build_community(repo)
    return repo


def leaderboard(repo: ContentRepo, *args: str) -> dict:
    """Run `folio leaderboard --format json` on the repo and return the parsed JSON."""
    result = CliRunner().invoke(command, ["--config-file", str(repo.root / "mkdocs.yml"), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def points_by_name(document: dict) -> dict[str, float]:
    return {row["name"]: row["points"] for row in document["contributors"]}


def test_all_time_points_and_ranks(community):
    document = leaderboard(community)
    assert [(row["rank"], row["name"], row["points"]) for row in document["contributors"]] == [
        (1, "Maya Ortiz", 79.5), (2, "李雷", 26.8), (3, "Lin Wei", 21.2)]


def test_breakdown_and_counts_of_one_contributor(community):
    maya = leaderboard(community)["contributors"][0]
    assert maya["breakdown"] == {"pages": 30, "lines": 31.5, "paid_chapters": 15, "salon_notes": 0, "reviews": 3}
    assert maya["counts"] == {"commits": 2, "pages": 3, "pages_counted": 3, "lines_added": 415,
                              "lines_counted": 315, "paid_chapters": 1, "paid_chapters_counted": 1,
                              "salon_notes": 0, "salon_notes_counted": 0, "reviews": 1}


def test_json_document_describes_the_board(community):
    document = leaderboard(community)
    head = community.git("rev-parse", "HEAD").strip()
    assert {key: document[key] for key in ("schema", "head", "shallow", "partial_since", "section", "course",
                                           "read", "empty")} == {
        "schema": 2, "head": head, "shallow": False, "partial_since": None, "section": "all", "course": None,
        "read": ["content"], "empty": None}
    assert document["window"] == {"name": "all", "since": None, "until": None}
    assert set(document["contributors"][0]) == {"rank", "name", "email", "slug", "points", "breakdown",
                                                "counts", "level", "badges"}


def test_mailmap_merges_an_old_email_into_one_person(community):
    names = [(row["name"], row["email"]) for row in leaderboard(community)["contributors"]]
    assert ("Maya Ortiz", "maya@example.org") in names
    assert not any(email == "maya@old.example" for _name, email in names)


def test_bots_earn_nothing(community):
    assert not any("bot" in row["name"] for row in leaderboard(community)["contributors"])


def test_bot_patterns_are_configurable(tmp_path):
    repo = ContentRepo(tmp_path / "site", settings="{bots: ['@example.cn']}")
    build_community(repo)
    assert points_by_name(leaderboard(repo)) == {"Maya Ortiz": 79.5, "Lin Wei": 21.2,
                                                 "dependabot[bot]": 30.0}


def test_a_renamed_page_is_not_a_new_page(community):
    lin = next(row for row in leaderboard(community)["contributors"] if row["name"] == "Lin Wei")
    assert lin["counts"]["pages"] == 2
    assert lin["counts"]["commits"] == 3


def test_since_and_until_limit_the_window(community):
    document = leaderboard(community, "--since", "2024-03-02", "--until", "2024-03-04")
    assert document["window"] == {"name": "custom", "since": "2024-03-02", "until": "2024-03-04"}
    assert points_by_name(document) == {"Maya Ortiz": 30.0, "李雷": 15.8}


def test_section_boards_count_only_their_pages(community):
    assert points_by_name(leaderboard(community, "--section", "courses")) == {"Maya Ortiz": 76.5}
    assert points_by_name(leaderboard(community, "--section", "articles")) == {
        "Lin Wei": 21.2, "李雷": 11.0, "Maya Ortiz": 3.0}
    assert points_by_name(leaderboard(community, "--section", "salons")) == {"李雷": 15.8}


def test_levels_and_badges_come_from_all_time_counts(community):
    rows = {row["name"]: row for row in leaderboard(community, "--since", "2024-03-04")["contributors"]}
    assert (rows["李雷"]["level"], rows["李雷"]["badges"]) == ("Contributor", ["salon_host"])
    maya = leaderboard(community)["contributors"][0]
    assert (maya["level"], maya["badges"]) == ("Contributor", ["author", "course_author"])


def test_equal_points_share_a_rank(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    for number, person in enumerate([("Ann", "ann@x.org"), ("Bob", "bob@x.org"), ("Cy", "cy@x.org")]):
        repo.write_lines(f"articles/a{number}.md", 10 if number < 2 else 1)
        repo.commit(person, f"2024-01-0{number + 1}")
    ranks = [(row["rank"], row["name"]) for row in leaderboard(repo)["contributors"]]
    assert ranks == [(1, "Ann"), (1, "Bob"), (3, "Cy")]


def test_a_page_of_every_markdown_suffix_earns_credit(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/a.md", 10)
    repo.commit(("Ann", "ann@x.org"), "2024-01-01")
    repo.write_lines("articles/b.markdown", 10)
    repo.commit(("Bob", "bob@x.org"), "2024-01-02")
    points = {row["name"]: row["points"] for row in leaderboard(repo)["contributors"]}
    assert points["Bob"] == points["Ann"] > 0


def test_merge_commits_earn_nothing(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/a.md", 10)
    repo.commit(("Ann", "ann@x.org"), "2024-01-01")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write_lines("articles/b.md", 10)
    repo.commit(("Bob", "bob@x.org"), "2024-01-02")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic", name="Mergy", email="merge@x.org")
    assert points_by_name(leaderboard(repo)) == {"Ann": 11.0, "Bob": 11.0}


def test_an_empty_repository_has_an_empty_board(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    document = leaderboard(repo)
    assert (document["head"], document["contributors"]) == (None, [])


def test_table_format_aligns_cjk_names(community):
    result = CliRunner().invoke(command, ["--config-file", str(community.root / "mkdocs.yml")])
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rank", "name", "points", "commits", "pages", "lines", "paid", "salons",
                                "reviews", "level", "badges"]
    assert lines[2].split()[:3] == ["1", "Maya", "Ortiz"]
    # 李雷 takes four columns on a terminal, so the points column lines up with Maya's.
    maya_row, lei_row = lines[2], lines[3]
    assert display_width(maya_row[:maya_row.index("79.5")]) == display_width(lei_row[:lei_row.index("26.8")])


def test_csv_format_has_one_row_per_contributor(community):
    result = CliRunner().invoke(command, ["--config-file", str(community.root / "mkdocs.yml"), "--format", "csv"])
    lines = result.stdout_bytes.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("rank,name,email,slug,points,commits,pages,pages_counted,lines_added,lines_counted")
    assert lines[2].startswith("2,李雷,lei@example.cn,李雷,26.8,2,")


def test_bad_settings_are_all_reported_at_once(tmp_path, monkeypatch):
    repo = ContentRepo(tmp_path / "site", settings="{points: {review: lots, page: -1}, colour: red}")
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(command, ["--config-file", "mkdocs.yml"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: mkdocs.yml:5: plugins.folio.leaderboard.points.page: must be a number >= 0, got -1; "
        "write e.g. `page: 10`",
        "mkdocs.yml:5: plugins.folio.leaderboard.points.review: must be a number >= 0, got 'lots'; "
        "write e.g. `review: 3`",
        "mkdocs.yml:5: plugins.folio.leaderboard.colour: unknown setting; known: enabled, sections, general, "
        "points, line_cap, page_cap, shallow, bots, levels, badges, top, sparkline_weeks",
    ]


def test_a_folder_outside_git_is_a_clear_error(tmp_path):
    site = tmp_path / "plain"
    (site / "content").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: x\ndocs_dir: content\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["--config-file", str(site / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "not a git repository" in result.output
    assert "Traceback" not in result.output


def folio_executable() -> str:
    beside_python = Path(sys.executable).parent / "folio"
    return str(beside_python) if beside_python.exists() else shutil.which("folio")


def test_the_installed_command_prints_json(community):
    done = subprocess.run([folio_executable(), "leaderboard", "--format", "json", "--section", "salons"],
                          cwd=community.root, capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stderr
    assert points_by_name(json.loads(done.stdout)) == {"李雷": 15.8}
