"""`site_pages`: the leaderboard pages and course contributor lists the plugin adds to the site."""

from __future__ import annotations

import datetime

import pytest

from tests.leaderboard_repo import ContentRepo
# The community repository and its expected points are specified in test_leaderboard.
from tests.leaderboard.test_leaderboard import community  # noqa: F401  (pytest fixture)
from toolkit.errors import FolioError
from toolkit.leaderboard import LeaderboardPages, site_pages

TODAY = datetime.date(2024, 3, 20)


def pages_of(repo: ContentRepo, language: str = "en", settings: dict | None = None) -> LeaderboardPages:
    return site_pages(repo.root, repo.docs, settings or {}, language, TODAY)


def test_board_and_profile_pages_are_generated(community):
    site = pages_of(community)
    boards = ["leaderboard/index.md", "leaderboard/courses.md", "leaderboard/articles.md", "leaderboard/salons.md",
              "leaderboard/general.md"]
    people = sorted(path for path in site.pages if path.startswith("leaderboard/people/"))
    assert list(site.pages)[:5] == boards
    assert people == ["leaderboard/people/index.md", "leaderboard/people/lin-wei.md",
                      "leaderboard/people/maya-ortiz.md", "leaderboard/people/李雷.md"]
    assert site.not_in_nav == set(people) - {"leaderboard/people/index.md"}
    assert site.notice is None


def test_overall_board_lists_rank_name_points_and_breakdown(community):
    index = pages_of(community).pages["leaderboard/index.md"]
    assert index.startswith('---\ntitle: "Leaderboard"\n---\n\n# Leaderboard\n')
    all_time = index.split("## All time")[1].split("## Last 90 days")[0]
    rows = [line for line in all_time.splitlines() if line.startswith("| 1 ") or line.startswith("| 2 ")]
    # The breakdown shows the scored figures: 315 lines counted of the 415 added.
    assert rows[0].startswith("| 1 | [Maya Ortiz](people/maya-ortiz.md) | 79.5 | "
                              "3 pages · 315 lines · 1 paid chapter · 1 review | Contributor | <svg ")
    assert rows[1].startswith("| 2 | [李雷](people/李雷.md) | 26.8 | 2 pages · 18 lines · 1 salon note |")


def test_windows_on_the_board_end_today(community):
    index = pages_of(community).pages["leaderboard/index.md"]
    this_month = index.split("## This month")[1]
    assert "Maya Ortiz](people/maya-ortiz.md) | 30 |" in this_month
    assert "Lin Wei](people/lin-wei.md) | 10.2 |" in this_month


def test_each_person_has_an_inline_sparkline_and_no_outside_requests(community):
    site = pages_of(community)
    for text in site.pages.values():
        assert "http://" not in text and "https://" not in text
    assert '<svg class="folio-sparkline"' in site.pages["leaderboard/people/maya-ortiz.md"]


def test_profile_lists_badges_points_and_pages(community):
    profile = pages_of(community).pages["leaderboard/people/maya-ortiz.md"]
    assert "**Level:** Contributor · **Badges:** Author, Course author" in profile
    assert "**Points:** 79.5 (3 pages · 315 lines · 1 paid chapter · 1 review)" in profile
    assert "315 of 415 added lines count: at most 300 per commit in each section" in profile
    written = profile.split("## Pages written")[1].split("##")[0]
    assert "- [Async](../../courses/async/index.md)" in written
    assert "- [Tasks](../../courses/async/02-tasks.md)" in written


def test_a_renamed_page_links_to_its_new_path(community):
    profile = pages_of(community).pages["leaderboard/people/lin-wei.md"]
    assert "(../../articles/distributed-tracing.md)" in profile
    assert "(../../articles/tracing.md)" not in profile


def test_section_board_shows_only_that_section(community):
    salons = pages_of(community).pages["leaderboard/salons.md"]
    assert "李雷" in salons and "Maya Ortiz" not in salons


def test_course_pages_get_authors_and_contributors_as_two_labelled_lists(community):
    site = pages_of(community)
    assert site.course_contributors == {"async": [("Maya Ortiz", "leaderboard/people/maya-ortiz.md")]}
    block = site.course_block("async", ["Maya O.", "Guest <Author>"], lambda src: f"../../{src}")
    assert block == (
        '\n<section class="folio-course-people">\n'
        '<div class="folio-people folio-people--authors"><h3>Authors <small>(named by the course)</small></h3>\n'
        "<ul><li>Maya O.</li><li>Guest &lt;Author&gt;</li></ul></div>\n"
        '<div class="folio-people folio-people--contributors"><h3>Contributors <small>(from the git history)</small>'
        '</h3>\n<ul><li><a href="../../leaderboard/people/maya-ortiz.md">Maya Ortiz</a></li></ul></div>\n'
        "</section>\n")
    assert site.course_block("no-such-course", [], str) == ""


def test_chinese_strings(community):
    site = pages_of(community, language="zh")
    assert site.pages["leaderboard/index.md"].startswith('---\ntitle: "贡献榜"\n---\n\n# 贡献榜\n')
    assert "## 全部时间" in site.pages["leaderboard/index.md"]
    assert "<h3>贡献者 <small>(来自 git 历史)</small></h3>" in site.course_block("async", [], str)
    assert "新页面 3 篇 · 新增 315 行 · 付费章节 1 篇 · 审阅 1 次" in site.pages["leaderboard/index.md"]


def test_a_folder_outside_git_gets_one_page_with_a_notice_and_no_boards(tmp_path):
    docs = tmp_path / "content"
    docs.mkdir()
    site = site_pages(tmp_path, docs, {}, "en", TODAY)
    assert "`content` is not inside a git repository" in site.notice
    assert str(tmp_path) not in site.notice, "a public page must not show the server's paths"
    assert set(site.pages) == {"leaderboard/index.md"}  # boards appear with the history
    assert site.not_in_nav == {"leaderboard/index.md"}  # readers are not sent to a page without a board
    assert "!!! warning" in site.pages["leaderboard/index.md"]


def test_disabled_leaderboard_adds_nothing(community):
    site = pages_of(community, settings={"enabled": False})
    assert (site.pages, site.course_contributors, site.notice) == ({}, {}, None)
    assert site.course_block("async", ["Maya"], str) == ""  # the course facts already name the authors


def test_bad_settings_fail_the_build_with_the_key(community):
    with pytest.raises(FolioError, match=r"plugins\.folio\.leaderboard\.top: must be a whole number >= 1, got 0; write e\.g\. `top: 50`"):
        pages_of(community, settings={"top": 0})
