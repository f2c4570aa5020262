"""Fair credit: creation as git reports it, and a per-commit cap on new pages.

A page created inside a merge commit (which the leaderboard skips) is not
"created" by the next person who edits it. A bulk import cannot buy the top
spot: at most `page_cap` new pages per commit and section earn points, as at
most `line_cap` lines do. The breakdown shows the scored figures.
"""

from __future__ import annotations

import datetime
import json

from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command
from toolkit.leaderboard import site_pages

ANN = ("Ann", "ann@x.org")
BOB = ("Bob", "bob@x.org")
DEE = ("Dee", "dee@x.org")
MERGER = ("Mergy", "merge@x.org")


def rows(repo: ContentRepo, *args: str) -> dict[str, dict]:
    result = CliRunner().invoke(command, ["-f", str(repo.config_file), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)["contributors"]}


def test_a_page_created_in_a_merge_commit_is_not_credited_to_its_next_editor(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/a.md", 10)
    repo.commit(ANN, "2024-01-01")
    repo.git("checkout", "-q", "-b", "topic")
    repo.append_lines("articles/a.md", 2)
    repo.commit(BOB, "2024-01-02")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "topic")
    repo.write_lines("articles/born-in-a-merge.md", 40)  # added while resolving the merge
    repo.commit(MERGER, "2024-01-03", "Merge topic")
    repo.append_lines("articles/born-in-a-merge.md", 2)
    repo.commit(DEE, "2024-01-04")
    found = rows(repo)
    assert (found["Dee"]["points"], found["Dee"]["counts"]["pages"], found["Dee"]["counts"]["lines_added"]) == (
        0.2, 0, 2)
    assert "Mergy" not in found
    assert (found["Ann"]["points"], found["Bob"]["points"]) == (11.0, 0.2)


def test_a_deleted_page_added_again_is_new_again(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/a.md", 10)
    repo.commit(ANN, "2024-01-01")
    repo.git("rm", "-q", "content/articles/a.md")
    repo.commit(ANN, "2024-01-02")
    repo.write_lines("articles/a.md", 5)
    repo.commit(BOB, "2024-01-03")
    assert rows(repo)["Bob"]["counts"]["pages"] == 1


def test_a_bulk_import_earns_at_most_page_cap_pages_per_commit(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    for number in range(40):
        repo.write_lines(f"articles/imported-{number:02d}.md", 20)
    repo.commit(ANN, "2024-01-01", "Import the old wiki")
    for number in range(3):
        repo.write_lines(f"articles/written-{number}.md", 20)
        repo.commit(BOB, f"2024-01-0{number + 2}")
    found = rows(repo)
    ann = found["Ann"]
    assert (ann["counts"]["pages"], ann["counts"]["pages_counted"]) == (40, 5)
    assert (ann["counts"]["lines_added"], ann["counts"]["lines_counted"]) == (800, 300)
    assert ann["breakdown"] == {"pages": 50, "lines": 30, "paid_chapters": 0, "salon_notes": 0, "reviews": 0}
    assert found["Bob"]["points"] == 36.0  # three commits of one page and 20 lines each


def test_the_page_cap_is_a_setting_and_applies_to_bonuses_too(tmp_path):
    repo = ContentRepo(tmp_path / "site", settings="{page_cap: 2}")
    for number in range(4):
        repo.write_lines(f"salons/2024-01-0{number + 1}-meetup.md", 1)
        repo.write_lines(f"articles/n{number}.md", 1)
    repo.commit(ANN, "2024-01-10")
    ann = rows(repo)["Ann"]
    # Capped in each section: 2 salon notes + 2 articles = 4 pages, and 2 salon-note bonuses.
    assert (ann["counts"]["pages_counted"], ann["counts"]["salon_notes"], ann["counts"]["salon_notes_counted"]) == (
        4, 4, 2)
    assert ann["breakdown"] == {"pages": 40, "lines": 0.8, "paid_chapters": 0, "salon_notes": 10, "reviews": 0}
    assert rows(repo, "--section", "salons")["Ann"]["points"] == 30.4


def test_the_breakdown_uses_singular_and_plural_in_both_languages(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/one.md", 1)
    repo.commit(ANN, "2024-01-01", trailers=["Reviewed-by: Bob <bob@x.org>"])
    repo.write_lines("articles/two.md", 1)
    repo.write_lines("articles/three.md", 1)
    repo.commit(BOB, "2024-01-02", trailers=["Reviewed-by: Ann <ann@x.org>"])
    today = datetime.date(2024, 1, 5)
    english = site_pages(repo.root, repo.docs, {}, "en", today).pages["leaderboard/index.md"]
    assert "| 23.2 | 2 pages · 2 lines · 1 review |" in english
    assert "| 13.1 | 1 page · 1 line · 1 review |" in english
    chinese = site_pages(repo.root, repo.docs, {}, "zh", today).pages["leaderboard/index.md"]
    assert "| 23.2 | 新页面 2 篇 · 新增 2 行 · 审阅 1 次 |" in chinese
    assert "| 13.1 | 新页面 1 篇 · 新增 1 行 · 审阅 1 次 |" in chinese
