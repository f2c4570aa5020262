"""A real MkDocs build of a site with 150 contributors: boards stay readable, the nav stays short.

Profile pages are built and linked from the boards and from one alphabetical
list of everyone, but are not listed in the site navigation. The course page
shows its front-matter authors and its git contributors as two labelled lists.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from tests.conftest import TINY_PAGES
from tests.leaderboard_repo import ISOLATED_GIT, import_commits
from tests.sites import write_site

PEOPLE = 150


@pytest.fixture(scope="module")
def built(tmp_path_factory, monkeypatch_module) -> Path:
    from toolkit.plugin.staging import build_site

    root = tmp_path_factory.mktemp("crowd")
    write_site(root, TINY_PAGES, folio={"gate_url": None, "membership": {"monthly": "9 USD"},
                                        "leaderboard": {"top": 20}})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    written = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
               for path in (root / "content").rglob("*.md")}
    commits = [(("Ann", "ann@x.org"), "2026-01-01", written)]
    chapter = "content/courses/c/01-start.md"
    commits.append((("Zoë Ångström", "zoe@x.org"), "2026-01-02", {chapter: written[chapter] + "More.\n"}))
    for number in range(PEOPLE):
        page = f"---\ntitle: Note {number}\ndate: 2026-02-{number % 28 + 1:02d}\n---\n\n# Note {number}\n\nText.\n"
        commits.append(((f"Person {number:03d}", f"p{number}@x.org"), "2026-02-01",
                         {f"content/articles/note-{number:03d}.md": page}))
    commits.append((("李雷", "lei@x.cn"), "2026-03-01", {"content/articles/lei.md":
                    "---\ntitle: Lei\ndate: 2026-03-01\n---\n\n# Lei\n\n" + "Line.\n" * 50}))
    import_commits(root, commits)
    build_site(root / "mkdocs.yml")
    return root / "site"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ISOLATED_GIT.items():
            patch.setenv(name, value)
        yield patch


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def nav_links(page: str) -> list[str]:
    nav = page.split('<nav class="md-nav md-nav--primary"', 1)[1].split('class="md-sidebar md-sidebar--secondary"', 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_every_contributor_has_a_profile_page(built):
    profiles = [path.parent.name for path in (built / "leaderboard" / "people").glob("*/index.html")]
    assert len(profiles) == PEOPLE + 3  # the 150, Ann, Zoë and 李雷
    assert {"ann", "zoë-ångström", "李雷", "person-042"} <= set(profiles)


def test_profile_pages_are_not_in_the_navigation(built):
    links = nav_links(html(built, ""))
    assert not [link for link in links if "people/" in link and not link.rstrip("/").endswith("people")]
    assert any(link.rstrip("/").endswith("leaderboard/people") for link in links), links  # the list of everyone
    # Overall, four section boards and the list of everyone; the 153 profiles are not there.
    assert len([link for link in links if link.startswith("leaderboard/")]) == 6


def test_a_board_shows_the_top_rows_then_links_to_everyone(built):
    board = html(built, "leaderboard")
    all_time = board.split('id="all-time"', 1)[1].split('id="last-90-days"', 1)[0]
    assert all_time.count('class="folio-sparkline"') == 20
    assert "… and 133 more: see" in all_time
    everyone = html(built, "leaderboard/people")
    assert everyone.count("<li>") >= PEOPLE + 3 and "153 contributors, by name." in everyone


def test_links_to_non_ascii_profiles_resolve(built):
    board = html(built, "leaderboard")
    href = re.search(r'<a href="([^"]+)">李雷</a>', board).group(1)
    target = unquote(urljoin("https://example.org/leaderboard/", href))
    assert target == "https://example.org/leaderboard/people/李雷/"
    assert (built / "leaderboard" / "people" / "李雷" / "index.html").is_file()


def test_the_course_page_lists_authors_and_git_contributors_separately(built):
    course = html(built, "courses/c")
    block = course.split('<section class="folio-course-people">', 1)[1].split("</section>", 1)[0]
    authors, contributors = block.split('folio-people--contributors', 1)
    assert "Authors <small>(named by the course)</small>" in authors and "<li>Ann</li>" in authors
    assert "Contributors <small>(from the git history)</small>" in contributors
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', contributors)
    assert [name for _href, name in links] == ["Ann", "Zoë Ångström"]
    for href, _name in links:
        target = unquote(urljoin("courses/c/", href)).rstrip("/")
        assert (built / target / "index.html").is_file(), href
