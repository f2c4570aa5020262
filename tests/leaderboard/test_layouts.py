"""Any docs layout: which folders count and how each is scored come from `sections:`.

The default keeps Folio's three sections and counts every other page in a
`general` section; a real documentation repository (pages under `docs/en/`,
translations under `docs/zh/`) is ranked by configuring its folders. An empty
board always says why.
"""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command
from toolkit.errors import FolioError
from toolkit.leaderboard import site_pages

ANN = ("Ann", "ann@x.org")
BOB = ("Bob", "bob@x.org")
CY = ("Cy", "cy@x.org")


def run(repo: ContentRepo, *args: str):
    return CliRunner().invoke(command, ["-f", str(repo.config_file), *args])


def points(repo: ContentRepo, *args: str) -> dict[str, float]:
    result = run(repo, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {row["name"]: row["points"] for row in json.loads(result.stdout)["contributors"]}


@pytest.fixture
def docs_repo(tmp_path) -> ContentRepo:
    """A documentation repository shaped like many real ones: docs/en/..., docs/zh/..., docs/index.md."""
    repo = ContentRepo(tmp_path / "site", docs_dir="docs")
    repo.write_lines("index.md", 10)
    repo.write_lines("en/tutorial/first-steps.md", 20)
    repo.commit(ANN, "2024-01-01")
    repo.write_lines("en/tutorial/next-steps.md", 10)
    repo.write_lines("en/tutorial/first-steps.md", 30)
    repo.commit(BOB, "2024-01-02")
    repo.write_lines("zh/tutorial/first-steps.md", 20)
    repo.write_lines("zh/tutorial/next-steps.md", 10)
    repo.commit(CY, "2024-01-03")
    return repo


def test_by_default_pages_outside_the_three_sections_count_in_general(docs_repo):
    # 5 pages, none under courses/, articles/ or salons/: all of them are "general" pages.
    assert points(docs_repo) == {"Ann": 23.0, "Bob": 12.0, "Cy": 23.0}
    assert points(docs_repo, "--section", "general") == {"Ann": 23.0, "Bob": 12.0, "Cy": 23.0}
    assert points(docs_repo, "--section", "courses") == {}


def test_configured_sections_score_their_own_folders_with_their_own_points(docs_repo):
    docs_repo.configure("{sections: {guide: {folders: [en]}, "
                        "translations: {folders: [zh], points: {page: 2, line: 0.02}}}, general: false}")
    assert points(docs_repo, "--section", "guide") == {"Ann": 12.0, "Bob": 12.0}
    assert points(docs_repo, "--section", "translations") == {"Cy": 4.6}
    # index.md is in no section and general is off: it earns nothing.
    assert points(docs_repo) == {"Ann": 12.0, "Bob": 12.0, "Cy": 4.6}


def test_a_nested_folder_belongs_to_the_deepest_section(docs_repo):
    docs_repo.configure("{sections: {english: {folders: [en]}, tutorial: {folders: [en/tutorial/]}}}")
    assert points(docs_repo, "--section", "tutorial") == {"Ann": 12.0, "Bob": 12.0}
    assert points(docs_repo, "--section", "english") == {}


def test_a_courses_section_can_live_in_any_folder(tmp_path):
    repo = ContentRepo(tmp_path / "site", settings="{sections: {tracks: {folders: [learn], kind: courses}}}")
    repo.write_lines("learn/python/index.md", 5, "price: 10 USD\n")
    repo.write_lines("learn/python/01-basics.md", 5)
    repo.commit(ANN, "2024-01-01")
    repo.write_lines("learn/go/index.md", 5)
    repo.commit(BOB, "2024-01-02")
    # Ann: 2 pages, 10 lines and a paid chapter (the course has a price).
    assert points(repo, "--course", "python") == {"Ann": 36.0}
    assert points(repo, "--course", "go") == {"Bob": 10.5}


def test_a_board_with_no_matching_pages_says_which_paths_were_read(docs_repo):
    docs_repo.configure("{general: false}")
    result = run(docs_repo)
    assert result.exit_code == 0
    assert result.stdout == (
        "No contributors on this board. No Markdown page was found in the git history of `docs/articles`, "
        "`docs/courses`, `docs/salons`; check that plugins.folio.content_dir (or docs_dir) names the folder "
        "your pages are in.\n")


def test_pages_outside_every_section_are_named_as_the_reason(docs_repo):
    docs_repo.configure("{general: false, sections: {guide: {folders: [guide]}, other: {folders: [en]}}}")
    docs_repo.write_lines("zh/extra.md", 3)
    docs_repo.commit(ANN, "2024-02-01")
    document = json.loads(run(docs_repo, "--format", "json", "--section", "guide").stdout)
    assert document["contributors"] == []
    assert document["empty"] == "No page in the history of `docs/en`, `docs/guide` belongs to `guide`."


def test_an_empty_window_says_which_days_it_covered(docs_repo):
    result = run(docs_repo, "--since", "2025-01-01", "--until", "2025-02-01")
    assert result.stdout == ("No contributors on this board. Nobody earned points between 2025-01-01 and "
                             "2025-02-01 (3 commits changed pages in all).\n")


def test_the_site_board_says_why_it_is_empty(docs_repo):
    site = site_pages(docs_repo.root, docs_repo.docs, {"general": False}, "en", datetime.date(2024, 1, 10))
    assert "No Markdown page was found in the git history of \\`docs/articles\\`" in site.pages["leaderboard/index.md"]


BAD_SECTIONS = """\
site_name: x
docs_dir: content
plugins:
  - folio:
      leaderboard:
        sections:
          all: {}
          docs: {kind: manual, folders: [../outside]}
          more: {folders: [docs], colour: red}
          other: {folders: [docs]}
          twin: {folders: [docs/]}
          priced: {points: {page: x}}
"""


def test_bad_sections_are_all_reported_at_their_line_with_what_to_write(tmp_path, monkeypatch):
    repo = ContentRepo(tmp_path / "site")
    repo.config_file.write_text(BAD_SECTIONS, encoding="utf-8")
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(command, [])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: mkdocs.yml:7: plugins.folio.leaderboard.sections.all: a section name must be letters, digits, "
        "'-' or '_' and not one of all, index, people, general",
        "mkdocs.yml:8: plugins.folio.leaderboard.sections.docs.folders: must be a list of folders inside the content "
        "folder "
        "(no '..', no leading '/'), got ['../outside']; write e.g. `folders: [docs, guides]`",
        "mkdocs.yml:8: plugins.folio.leaderboard.sections.docs.kind: must be one of pages, courses, salons, "
        "got 'manual'; write e.g. `kind: pages`",
        "mkdocs.yml:9: plugins.folio.leaderboard.sections.more.colour: unknown setting; known: folders, kind, "
        "title, points",
        "mkdocs.yml:11: plugins.folio.leaderboard.sections.twin.folders: `docs` is already a folder of section "
        "`other`",
        "mkdocs.yml:12: plugins.folio.leaderboard.sections.priced.points.page: must be a number >= 0, got 'x'; "
        "write e.g. `page: 2`",
    ]


def test_the_site_has_a_board_per_configured_section_with_its_title(docs_repo):
    settings = {"sections": {"guide": {"folders": ["en"], "title": "User guide"}}, "general": False}
    site = site_pages(docs_repo.root, docs_repo.docs, settings, "en", datetime.date(2024, 1, 10))
    assert [path for path in site.pages if not path.startswith("leaderboard/people/")] == [
        "leaderboard/index.md", "leaderboard/guide.md"]
    assert site.pages["leaderboard/guide.md"].startswith('---\ntitle: "Leaderboard: User guide"\n---')
    with pytest.raises(FolioError, match=r"^mkdocs.yml: plugins\.folio\.leaderboard\.sections\.guide\.kind: "
                                         r"must be one of pages, courses, salons, got 'x'"):
        site_pages(docs_repo.root, docs_repo.docs, {"sections": {"guide": {"kind": "x"}}}, "en",
                   datetime.date(2024, 1, 10))


def test_the_cli_reads_the_history_of_content_dir_not_the_generated_docs_dir(tmp_path):
    repo = ContentRepo(tmp_path / "site")
    repo.write_lines("articles/a.md", 10)
    repo.commit(ANN, "2024-01-01")
    repo.config_file.write_text("site_name: x\ndocs_dir: .folio/public\nplugins:\n  - folio:\n"
                                "      content_dir: content\n", encoding="utf-8")
    (repo.root / ".folio" / "public").mkdir(parents=True)  # the generated tree (a placeholder in real sites)
    document = json.loads(run(repo, "--format", "json").stdout)
    assert document["read"] == ["content"]
    assert [(row["name"], row["points"]) for row in document["contributors"]] == [("Ann", 11.0)]
