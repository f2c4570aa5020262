"""A full build of the repository's example site: generated pages, nav, headers, languages, and `mkdocs build`."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path


COURSE = "courses/async-python/"
CHAPTERS = [
    ("Why async?", "free"),
    ("The event loop", "free"),
    ("Tasks and cancellation", "paid"),
    ("Structured concurrency", "paid"),
    ("Backpressure and queues", "paid"),
    ("Testing and debugging", "paid"),
]


def article(page_html: str) -> str:
    """The page body: the `<article>` MkDocs renders the Markdown into."""
    match = re.search(r"<article class=\"md-content__inner[^\"]*\">.*?</article>", page_html, re.S)
    assert match, "page has no <article>"
    return match.group(0)


def text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def nav_titles(page_html: str) -> list[str]:
    """The titles in the primary (left) nav, in document order."""
    nav = page_html[page_html.index("md-nav--primary"):page_html.index("md-nav--secondary")]
    return [text(t) for t in re.findall(r'<span class="md-ellipsis">(.*?)</span>', nav, re.S)]


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_site_has_course_chapter_article_salon_and_index_pages(example_site):
    pages = html_pages(example_site.site)
    assert {
        "index.html",
        "courses/async-python/index.html",
        "courses/async-python/03-tasks-and-cancellation/index.html",
        "courses/rust-ownership-zh/index.html",
        "articles/index.html",
        "articles/reading-flame-graphs/index.html",
        "salons/index.html",
        "salons/2027-01-16-webassembly-components/index.html",
    } <= pages


def test_course_page_lists_all_chapters_in_order_with_badges_and_reading_time(example_site):
    body = article(example_site.page(COURSE))
    rows = re.findall(r'<li class="folio-chapter folio-chapter--(\w+)">(.*?)</li>', body, re.S)
    assert [(text(re.search(r"<a [^>]*>(.*?)</a>", row).group(1)), access) for access, row in rows] == CHAPTERS
    for access, row in rows:
        assert f'folio-badge--{access}">{access.capitalize()}</span>' in row
        assert re.search(r'folio-chapter__time">\d+ min</span>', row)


def test_course_page_shows_level_price_and_total_reading_time(example_site):
    facts = text(re.search(r'<dl class="folio-course-facts">.*?</dl>', example_site.page(COURSE), re.S).group(0))
    assert "Level Intermediate" in facts
    assert "Price 49 USD" in facts
    assert "Chapters 6" in facts
    assert re.search(r"Reading time \d+ min", facts)


def test_course_chapter_links_resolve_to_built_pages(example_site):
    links = re.findall(r'<li class="folio-chapter[^"]*">.*?<a href="([^"]+)"', example_site.page(COURSE), re.S)
    assert len(links) == 6
    for href in links:
        assert (example_site.site / COURSE / href / "index.html").is_file(), href


def test_salons_index_splits_upcoming_and_past_by_date(example_site):
    # Built on EXAMPLE_TODAY (2026-12-01, pinned by SOURCE_DATE_EPOCH), whatever the real date is.
    body = article(example_site.page("salons/"))
    upcoming, past = body.split('id="past"')
    assert "2027-01-16-webassembly-components" in upcoming
    assert "2027-01-16-webassembly-components" not in past
    for stem in ("2026-10-17-observability-beyond-dashboards", "2026-09-12-distributed-tracing"):
        assert stem in past and stem not in upcoming, stem
    assert past.index("2026-10-17") < past.index("2026-09-12"), "past salons are latest first"


def test_articles_index_lists_newest_first(example_site):
    body = article(example_site.page("articles/"))
    by_date = body[body.index('id="by-date"'):body.index('id="by-tag"')]
    assert re.findall(r'<time datetime="([\d-]+)"', by_date) == ["2026-10-02", "2026-08-20", "2026-07-09", "2026-06-18"]


def test_articles_index_groups_by_tag(example_site):
    body = article(example_site.page("articles/"))
    by_tag = body[body.index('id="by-tag"'):]
    performance = by_tag[by_tag.index('id="tag-performance"'):by_tag.index('id="tag-postgres"')]
    assert "ebpf-production-latency/" in performance and "reading-flame-graphs/" in performance
    assert "rust-error-handling/" not in performance
    tags = re.findall(r'<h3 id="tag-[^"]+">(.*?)</h3>', by_tag)
    assert tags == sorted(tags, key=str.casefold) and "python" in tags


def test_nav_has_courses_articles_salons_with_course_titles_and_chapters_in_order(example_site):
    titles = nav_titles(example_site.page("courses/async-python/03-tasks-and-cancellation/"))
    assert titles.index("Courses") < titles.index("Articles") < titles.index("Salons")
    course = titles.index("Async Python in Production")
    assert titles.index("Courses") < course < titles.index("Articles")
    assert titles[course + 1:course + 7] == [title for title, _ in CHAPTERS]
    assert "Rust 所有权与借用实战" in titles[course + 7:titles.index("Articles")]


def test_nav_lists_salons_newest_first(example_site):
    titles = nav_titles(example_site.page("salons/"))
    salons = titles[titles.index("Salons") + 1:]
    assert salons.index("Upcoming: WebAssembly components in practice") < salons.index(
        "Observability beyond dashboards") < salons.index("分布式追踪落地实践：从埋点到采样")


def test_chapter_header_shows_course_position_and_badge(example_site):
    page = example_site.page("courses/async-python/03-tasks-and-cancellation/")
    header = re.search(r'<nav class="folio-header folio-header--chapter".*?</nav>', page, re.S).group(0)
    assert "Chapter 3 of 6" in text(header)
    assert 'folio-badge--paid">Paid<' in header
    link = re.search(r'class="folio-header__course" href="([^"]+)">Async Python in Production</a>', header)
    assert link, header
    target = (example_site.site / "courses/async-python/03-tasks-and-cancellation" / link.group(1)).resolve()
    assert (target / "index.html").is_file() and target == (example_site.site / COURSE).resolve()


def test_salon_header_shows_date_place_speakers_and_slides(example_site):
    page = example_site.page("salons/2026-10-17-observability-beyond-dashboards/")
    header = re.search(r'<dl class="folio-header folio-header--salon">.*?</dl>', page, re.S).group(0)
    assert '<time datetime="2026-10-17">2026-10-17</time>' in header
    assert "Where Shanghai · Lambda Space, 3F" in text(header)
    assert "Speakers Marcus Webb" in text(header)
    assert '<a href="https://example.com/slides/2026-10-17-observability">Slides</a>' in header


def test_chinese_course_page_builds(example_site):
    page = example_site.page("courses/rust-ownership-zh/")
    assert "Rust 所有权与借用实战" in page
    assert [text(t) for t in re.findall(r'<li class="folio-chapter[^"]*">.*?<a [^>]*>(.*?)</a>', page, re.S)] == [
        "所有权基础", "引用与借用", "生命周期"]


def test_theme_language_zh_gives_chinese_ui_strings(example_copy):
    from toolkit.plugin.staging import build_site

    root = example_copy
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    build_site(config)
    chapter = (root / "site/courses/rust-ownership-zh/02-borrowing/index.html").read_text(encoding="utf-8")
    assert "第 2 章，共 3 章" in chapter and 'folio-badge--paid">付费<' in chapter
    assert "我已购买，继续阅读" in chapter
    # A course whose text is English keeps an English paywall on a Chinese site (its language is inferred).
    english = (root / "site/courses/async-python/03-tasks-and-cancellation/index.html").read_text(encoding="utf-8")
    assert "Chapter 3 of 6" in english
    salons = (root / "site/salons/index.html").read_text(encoding="utf-8")
    assert "即将举行" in salons and "往期" in salons
    assert "课程" in nav_titles(chapter) and "沙龙" in nav_titles(chapter)


def test_mkdocs_build_gives_the_same_public_pages_as_folio_build(example_site, example_copy, folio_env, venv_bin):
    root = example_copy
    result = subprocess.run([str(venv_bin / "mkdocs"), "build", "-q", "-f", str(root / "mkdocs.yml")], cwd=root,
                            env=folio_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    folio_pages, mkdocs_pages = html_pages(example_site.site), html_pages(root / "site")
    assert mkdocs_pages == folio_pages
    for name in sorted(folio_pages):
        # Pages may name their own folder (the leaderboard says where it looked for git history).
        mine = article((example_site.site / name).read_text(encoding="utf-8")).replace(str(example_site.root), "<root>")
        theirs = article((root / "site" / name).read_text(encoding="utf-8")).replace(str(root), "<root>")
        assert theirs == mine, name
