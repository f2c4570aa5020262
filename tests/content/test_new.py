"""`folio new`: stubs with valid front matter that build cleanly with --strict, and never overwrite."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.content.loading import load_site
from toolkit.content.frontmatter import read_front_matter


@pytest.fixture
def site(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    return tiny_site


def new(*args: str):
    return CliRunner().invoke(main, ["new", *args])


def build_strict(root) -> None:
    result = CliRunner().invoke(main, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    assert (root / "site/index.html").is_file()


def meta(path) -> dict:
    return read_front_matter(path.read_text(encoding="utf-8")).meta


def test_new_course_writes_an_index_and_a_free_first_chapter_that_build_strictly(site):
    result = new("course", "Rust for Pythonistas", "--price", "29 EUR", "--level", "advanced", "--author", "Li Na")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Wrote content/courses/rust-for-pythonistas/index.md",
        "Wrote content/courses/rust-for-pythonistas/01-introduction.md",
    ]
    folder = site / "content/courses/rust-for-pythonistas"
    assert meta(folder / "index.md") == {
        "type": "course", "title": "Rust for Pythonistas",
        "summary": "What Rust for Pythonistas teaches, in one sentence.",
        "price": "29 EUR", "level": "advanced", "authors": ["Li Na"],
    }
    assert meta(folder / "01-introduction.md")["access"] == "free"
    build_strict(site)
    assert (site / "site/courses/rust-for-pythonistas/01-introduction/index.html").is_file()


def test_new_chapter_takes_the_next_number_and_builds_strictly(site):
    result = new("chapter", "c", "Going further", "--paid")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Wrote content/courses/c/03-going-further.md"
    page = load_site(site / "content", {}, strict=True).pages["courses/c/03-going-further.md"]
    assert page.access == "paid" and page.title == "Going further"
    build_strict(site)
    landing = (site / "site/courses/c/index.html").read_text(encoding="utf-8")
    assert landing.index("Deeper") < landing.index("Going further")


@pytest.mark.parametrize("listing", ["chapters:\n  - 02-deeper.md\n  - 01-start.md", "chapters: [02-deeper.md, 01-start.md]"],
                         ids=["block-list", "flow-list"])
def test_new_chapter_is_added_to_an_explicit_chapters_list(site, listing):
    index = site / "content/courses/c/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("authors: [Ann]", f"authors: [Ann]\n{listing}"),
                     encoding="utf-8")
    assert new("chapter", "c", "Third").exit_code == 0
    assert meta(index)["chapters"] == ["02-deeper.md", "01-start.md", "03-third.md"]
    build_strict(site)


def test_new_article_builds_strictly(site):
    result = new("article", "Profiling asyncio", "--tag", "python", "--author", "Maya Ortiz", "--members")
    assert result.exit_code == 0, result.output
    path = site / "content/articles/profiling-asyncio.md"
    assert meta(path)["access"] == "members" and meta(path)["tags"] == ["python"]
    build_strict(site)
    assert (site / "site/articles/profiling-asyncio/index.html").is_file()


def test_new_article_is_dated_source_date_epoch_when_set(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15 (UTC)

    assert new("article", "Pinned", "--author", "Ann").exit_code == 0

    assert str(meta(site / "content/articles/pinned.md")["date"]) == "2027-01-15"


def test_new_salon_builds_strictly(site):
    result = new("salon", "Wasm components", "--date", "2027-01-16", "--location", "Shanghai",
                 "--speaker", "Sofia Ramirez", "--speaker", "周宁")
    assert result.exit_code == 0, result.output
    path = site / "content/salons/2027-01-16-wasm-components.md"
    assert meta(path)["speakers"] == ["Sofia Ramirez", "周宁"]
    build_strict(site)
    assert (site / "site/salons/2027-01-16-wasm-components/index.html").is_file()


def test_new_refuses_to_overwrite_an_existing_file(site):
    assert new("article", "Twice", "--author", "Ann").exit_code == 0
    path = site / "content/articles/twice.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy edits.\n", encoding="utf-8")
    result = new("article", "Twice", "--author", "Bob")
    assert result.exit_code == 1
    assert "already exists" in result.output and "nothing was written" in result.output
    assert path.read_text(encoding="utf-8").endswith("My edits.\n")


def test_new_course_refuses_an_existing_course_folder(site):
    result = new("course", "C", "--slug", "c", "--author", "Ann")
    assert result.exit_code == 1
    assert "a course with this slug exists already" in result.output
    assert meta(site / "content/courses/c/index.md")["title"] == "Tiny course"


def test_new_chapter_for_an_unknown_course_names_the_known_ones(site):
    result = new("chapter", "nope", "Intro")
    assert result.exit_code == 1
    assert "no such course" in result.output and "Known courses: c." in result.output


def test_new_course_rejects_a_bad_price_as_a_usage_error(site):
    result = new("course", "X", "--price", "free", "--author", "Ann")
    assert result.exit_code == 2
    assert "--price" in result.output and "is not a price" in result.output
    assert not (site / "content/courses/x").exists()


def test_new_with_an_unsluggable_title_asks_for_a_slug(site):
    result = new("article", "异步编程", "--author", "Ann")
    assert result.exit_code == 1
    assert "pass --slug" in result.output
    assert new("article", "异步编程", "--slug", "async-zh", "--author", "Ann").exit_code == 0
    assert meta(site / "content/articles/async-zh.md")["title"] == "异步编程"


def test_new_chapter_writes_block_style_front_matter_as_the_docs_show_it(site):
    assert new("chapter", "c", "Going further", "--paid").exit_code == 0
    text = (site / "content/courses/c/03-going-further.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Going further\naccess: paid\n---\n")  # never `{title: …}`


def test_new_course_lists_its_authors_in_block_style(site):
    assert new("course", "Rust", "--author", "Li Na", "--author", "Bo").exit_code == 0
    text = (site / "content/courses/rust/index.md").read_text(encoding="utf-8")
    assert "authors:\n  - Li Na\n  - Bo\n" in text and "{" not in text.split("---")[1]


def test_a_second_chapter_with_the_same_title_is_refused_and_nothing_is_written(site):
    assert new("chapter", "c", "Going further").exit_code == 0
    before = sorted(p.name for p in (site / "content/courses/c").iterdir())

    again = new("chapter", "c", "going  FURTHER", "--slug", "other-name")

    assert again.exit_code == 1
    assert "has a chapter titled `going  FURTHER` already" in again.output
    assert "03-going-further.md" in again.output and "nothing was written" in again.output
    assert "Traceback" not in again.output
    assert sorted(p.name for p in (site / "content/courses/c").iterdir()) == before
