"""The content model: front matter validated per page kind, every problem named by file, key and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from toolkit.content.loading import load_site
from toolkit.errors import ContentError

COURSE = """\
---
type: course
title: Async Python
price: 49 USD
level: intermediate
authors: [Maya Ortiz]
---

# Async Python
"""
CHAPTER = "---\ntitle: {title}\n---\n\n# {title}\n\nSome words.\n"
ARTICLE = """\
---
title: Flame graphs
date: 2026-06-18
tags: [python]
---

# Flame graphs
"""
SALON = """\
---
title: Tracing
date: 2026-09-12
location: Beijing
speakers: [Chen Xiao]
---

# Tracing
"""


@pytest.fixture
def docs(tmp_path, monkeypatch) -> Path:
    """An empty docs folder `content/`, with the working folder set so messages say `content/...`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path / "content"


def write(docs: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def course(docs: Path, index: str = COURSE, chapters=("01-intro.md", "02-next.md")) -> None:
    write(docs, {"courses/c/index.md": index})
    write(docs, {f"courses/c/{name}": CHAPTER.format(title=name) for name in chapters})


def problems_of(docs: Path, membership=None, strict=False, config="mkdocs.yml") -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(docs, membership or {}, strict, config)
    return str(caught.value.message).splitlines()


# -- valid content ----------------------------------------------------------------------------


def test_valid_course_orders_chapters_by_filename_prefix_and_defaults_them_to_paid(docs):
    course(docs, chapters=("02-b.md", "10-c.md", "01-a.md"))
    site = load_site(docs, {})
    chapters = site.courses["c"].chapters
    assert [c.src for c in chapters] == ["courses/c/01-a.md", "courses/c/02-b.md", "courses/c/10-c.md"]
    assert {c.access for c in chapters} == {"paid"}
    assert site.courses["c"].price.amount == 4900 and site.courses["c"].price.currency == "USD"


def test_chapters_list_in_the_index_sets_the_order(docs):
    course(docs, COURSE.replace("authors:", "chapters: [02-next.md, 01-intro.md]\nauthors:"))
    site = load_site(docs, {})
    assert [c.src for c in site.courses["c"].chapters] == ["courses/c/02-next.md", "courses/c/01-intro.md"]


def test_course_without_price_has_free_chapters(docs):
    course(docs, COURSE.replace("price: 49 USD\n", ""))
    assert {c.access for c in load_site(docs, {}).courses["c"].chapters} == {"free"}


def test_articles_and_salons_default_to_free_and_sort_newest_first(docs):
    write(docs, {"articles/old.md": ARTICLE, "articles/new.md": ARTICLE.replace("2026-06-18", "2026-10-02")})
    site = load_site(docs, {})
    assert [p.src for p in site.articles] == ["articles/new.md", "articles/old.md"]
    assert {p.access for p in site.articles} == {"free"}


def test_membership_prices_are_parsed_into_minor_units(docs):
    write(docs, {"index.md": "# Home\n"})
    site = load_site(docs, {"monthly": "9 USD", "yearly": "299 CNY"})
    assert site.membership["monthly"].amount == 900
    assert site.membership["yearly"].currency == "CNY"


# -- each error names file, key and line ---------------------------------------------------------


def test_price_free_is_an_error_at_its_line(docs):
    course(docs, COURSE.replace("price: 49 USD", "price: free"))
    assert problems_of(docs)[0].startswith("content/courses/c/index.md:4: price: `free` is not a price")


def test_negative_price_is_an_error(docs):
    course(docs, COURSE.replace("price: 49 USD", "price: -5 USD"))
    assert problems_of(docs)[0] == "content/courses/c/index.md:4: price: must be more than zero, got -5"


def test_unknown_currency_is_an_error(docs):
    course(docs, COURSE.replace("price: 49 USD", "price: 49 XYZ"))
    assert problems_of(docs)[0].startswith("content/courses/c/index.md:4: price: `XYZ` is not an ISO 4217 currency")


def test_impossible_date_is_an_error(docs):
    write(docs, {"articles/x.md": ARTICLE.replace("2026-06-18", "2026-13-01")})
    assert problems_of(docs)[0].startswith("content/articles/x.md:3: date: `2026-13-01` is not a date")


def test_unknown_level_is_an_error(docs):
    course(docs, COURSE.replace("level: intermediate", "level: expert"))
    assert problems_of(docs)[0] == (
        "content/courses/c/index.md:5: level: `expert` is not one of: beginner, intermediate, advanced"
    )


def test_missing_required_keys_are_each_reported_at_the_front_matter(docs):
    write(docs, {"salons/s.md": "---\ntitle: Tracing\ndate: 2026-09-12\n---\n\n# Tracing\n"})
    assert problems_of(docs)[:2] == [
        "content/salons/s.md:1: location: is required for a salon page",
        "content/salons/s.md:1: speakers: is required for a salon page",
    ]


def test_duplicate_chapter_number_is_an_error_naming_both_files(docs):
    course(docs, chapters=("01-a.md", "01-b.md"))
    first = problems_of(docs)[0]
    assert first.startswith("content/courses/c/01-b.md:1: chapter number 01 is also used by 01-a.md")


def test_course_without_chapters_is_an_error(docs):
    course(docs, chapters=())
    assert problems_of(docs)[0].startswith("content/courses/c/index.md:1: chapters: a course needs at least one chapter")


def test_chapters_list_naming_a_missing_file_is_an_error_at_that_key(docs):
    course(docs, COURSE.replace("authors:", "chapters: [01-intro.md, 02-next.md, 03-gone.md]\nauthors:"))
    assert problems_of(docs)[0] == (
        "content/courses/c/index.md:6: chapters: lists `03-gone.md`, which is not a file in this course folder"
    )


def test_broken_yaml_is_an_error_at_the_broken_line(docs):
    write(docs, {"articles/x.md": "---\ntitle: X\ndate: 2026-06-18\ntags: [a, b\nauthors: [Li Na]\n---\n\nBody\n"})
    (line,) = [p for p in problems_of(docs) if "x.md" in p]
    assert line.startswith("content/articles/x.md:5: front matter is not valid YAML")


def test_wrong_type_is_an_error(docs):
    write(docs, {"articles/x.md": ARTICLE.replace("tags: [python]", "authors: 5")})
    assert problems_of(docs)[0].startswith("content/articles/x.md:4: authors: must be a name or a list of names")


def test_unknown_key_is_a_warning_by_default(docs):
    write(docs, {"articles/x.md": ARTICLE.replace("tags: [python]", "tags: [python]\nsumary: typo")})
    site = load_site(docs, {})
    assert [str(w) for w in site.warnings] == ["content/articles/x.md:5: sumary: unknown key for a article page (warning)"]


def test_unknown_key_is_an_error_when_strict(docs):
    write(docs, {"articles/x.md": ARTICLE.replace("tags: [python]", "tags: [python]\nsumary: typo")})
    assert problems_of(docs, strict=True) == [
        "content/articles/x.md:5: sumary: unknown key for a article page",
        "1 error in the content; fix it and build again.",
    ]


def test_bad_membership_price_names_mkdocs_yml_line_and_key(docs):
    config = docs.parent / "mkdocs.yml"
    config.write_text(
        "site_name: T\ndocs_dir: content\nplugins:\n  - search\n  - folio:\n"
        "      membership:\n        monthly: nine USD\n        yearly: 90 USD\n",
        encoding="utf-8",
    )
    write(docs, {"index.md": "# Home\n"})
    assert problems_of(docs, {"monthly": "nine USD", "yearly": "90 USD"}, config=str(config))[0].startswith(
        "mkdocs.yml:7: plugins.folio.membership.monthly: `nine USD` is not a price"
    )


def test_problems_in_several_files_are_reported_together(docs):
    course(docs, COURSE.replace("price: 49 USD", "price: free"))
    write(docs, {
        "articles/x.md": ARTICLE.replace("2026-06-18", "2026-13-01"),
        "salons/s.md": SALON.replace("speakers: [Chen Xiao]", "speakers: 5"),
    })
    lines = problems_of(docs)
    assert lines == [
        "content/articles/x.md:3: date: `2026-13-01` is not a date: write YYYY-MM-DD, e.g. 2026-11-23",
        lines[1],
        "content/salons/s.md:5: speakers: must be a name or a list of names, e.g. `[Maya Ortiz, Lin Wei]`",
        "3 errors in the content; fix them and build again.",
    ]
    assert lines[1].startswith("content/courses/c/index.md:4: price: `free` is not a price")
