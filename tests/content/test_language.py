"""A page without `language:` takes it from its text, or the build warns naming the page."""

from __future__ import annotations

import logging

from toolkit.content.language import infer_language
from toolkit.content.loading import load_site
from tests.sites import write_site

ZH = "所有权是 Rust 最独特的概念。很多人读完官方教程后仍然会被借用检查器教育，不知道报错背后的真正原因。" * 2
EN = "Ownership is the idea that makes Rust different. Many readers still fight the borrow checker after the book. "
MIXED = ("所有权是 Rust 最独特的概念 " + "the borrow checker rejects code that aliases mutable state in these cases ") * 3
CODE = "\n```python\n" + "value = compute(value) + other_value\n" * 40 + "```\n"


def test_mostly_chinese_text_is_zh_even_with_code_and_latin_names():
    assert infer_language(ZH + CODE + "用 `asyncio.TaskGroup` 管理 API 任务。") == "zh"


def test_mostly_latin_text_is_en():
    assert infer_language(EN * 3 + "作者：陈晓") == "en"


def test_too_little_or_too_mixed_text_gives_no_guess():
    assert infer_language("# Hi") is None
    assert infer_language(MIXED) is None


def test_a_course_article_and_page_take_their_language_from_their_text(tmp_path):
    config = write_site(tmp_path / "s", {
        "index.md": f"# 首页\n\n{ZH}\n",
        "courses/c/index.md": f"---\ntype: course\ntitle: 课程\nprice: 9 USD\nlevel: beginner\nauthors: [A]\n---\n\n{ZH}\n",
        "courses/c/01-a.md": f"# 第一章\n\n{ZH}\n",
        "articles/a.md": f"---\ntitle: A\ndate: 2026-01-02\n---\n\n{EN * 3}\n",
        "articles/b.md": f"---\ntitle: B\ndate: 2026-01-02\nlanguage: en\n---\n\n{ZH}\n",  # said beats guessed
    })
    site = load_site(config.parent / "content", {})
    assert site.pages["index.md"].meta["language"] == "zh"
    assert site.pages["courses/c/index.md"].meta["language"] == "zh"
    assert site.pages["articles/a.md"].meta["language"] == "en"
    assert site.pages["articles/b.md"].meta["language"] == "en"
    assert site.warnings == []


def test_a_page_too_mixed_to_tell_is_a_warning_naming_it(tmp_path, caplog):
    config = write_site(tmp_path / "s", {"articles/m.md": f"---\ntitle: M\ndate: 2026-01-02\n---\n\n{MIXED}\n"})
    with caplog.at_level(logging.WARNING):
        site = load_site(config.parent / "content", {})
    assert "language" not in site.pages["articles/m.md"].meta
    [warning] = site.warnings
    assert str(warning).startswith("content/articles/m.md:1: language: its text mixes Chinese and English") or \
        "articles/m.md:1: language:" in str(warning)
    assert "add `language: zh` or `language: en`" in caplog.text


def test_a_chinese_course_without_language_gets_a_chinese_paywall_and_epub(tmp_path):
    from toolkit.plugin.staging import build_site

    config = write_site(tmp_path / "s", {
        "index.md": "# Home\n\nWelcome to the site of a small community of engineers who write things down.\n",
        "courses/c/index.md": f"---\ntype: course\ntitle: 课程\nprice: 9 USD\nlevel: beginner\nauthors: [A]\n---\n\n{ZH}\n",
        "courses/c/01-a.md": f"---\naccess: free\n---\n\n# 第一章\n\n{ZH}\n",
        "courses/c/02-b.md": f"# 第二章\n\n{ZH}\n\n<!-- more -->\n\n{ZH}\n",
    }, folio={"gate_url": None})
    build_site(config)
    html = (tmp_path / "s/site/courses/c/02-b/index.html").read_text(encoding="utf-8")
    assert "购买" in html or "解锁" in html  # the paywall speaks Chinese on an English site
    [epub] = (tmp_path / "s/gated").rglob("*.epub.pack")
    assert '<dc:language>zh</dc:language>' in epub.read_text(encoding="utf-8")


def test_the_example_sets_its_chinese_pages_language():
    from pathlib import Path

    content = Path(__file__).resolve().parents[2] / "content"
    for src in ("courses/rust-ownership-zh/index.md", "articles/ebpf-production-latency.md",
                "salons/2026-09-12-distributed-tracing.md"):
        assert "\nlanguage: zh\n" in (content / src).read_text(encoding="utf-8"), src


