"""Counts read right: "1 warning", "2 warnings", "1 error … fix it", "1 minute", in English and Chinese."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.content.strings import TABLES, strings
from toolkit.errors import ContentError, Problem


@pytest.mark.parametrize("table", list(TABLES))
def test_every_counted_string_has_both_forms_in_every_table(table):
    keys = set(strings(table))
    for key in keys:
        if key.endswith(".one"):
            assert key.removesuffix(".one") + ".other" in keys, (table, key)
        if key.endswith(".other"):
            assert key.removesuffix(".other") + ".one" in keys, (table, key)
    assert {k for k in keys if k.endswith((".one", ".other"))} == \
        {k for k in strings("en") if k.endswith((".one", ".other"))}


@pytest.mark.parametrize("language, one, many", [
    ("en", ["1 minute", "1 hour", "1 day", "1 chapter", "1 point"],
     ["15 minutes", "2 hours", "7 days", "6 chapters", "79.5 points"]),
    ("zh", ["1 分钟", "1 小时", "1 天", "1 章", "1 分"], ["15 分钟", "2 小时", "7 天", "6 章", "79.5 分"]),
    ("zh-TW", ["1 分鐘", "1 小時", "1 天", "1 章", "1 分"], ["15 分鐘", "2 小時", "7 天", "6 章", "79.5 分"]),
])
def test_counts_take_the_right_form(language, one, many):
    t = strings(language)
    keys = ["n.minutes", "n.hours", "n.days", "chapter_count", "points"]
    assert [t.count(key, 1) for key in keys] == one
    assert [t.count(key, n) for key, n in zip(keys, [15, 2, 7, 6, 79.5])] == many


@pytest.mark.parametrize("language, sentence", [
    ("en", "this browser can read online for the next 1 hour."),
    ("zh", "接下来 1 小时内可在本浏览器在线阅读"),
])
def test_a_sentence_with_a_count_reads_right(language, sentence):
    t = strings(language)
    text = t["gate_links_expire"].format(minutes=t.count("n.minutes", 15), hours=t.count("n.hours", 1))
    assert sentence in text and "1 hours" not in text


def test_one_content_error_says_fix_it():
    one = ContentError([Problem("a.md", 3, "date", "not a date")])
    assert str(one).endswith("1 error in the content; fix it and build again.")
    two = ContentError([Problem("a.md", 3, "date", "not a date"), Problem("b.md", 1, "price", "bad")])
    assert str(two).endswith("2 errors in the content; fix them and build again.")


def test_folio_check_counts_one_warning_as_one(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    page = tiny_site / "content/courses/c/01-start.md"
    page.write_text(page.read_text(encoding="utf-8").replace("access: free", "access: free\ncolour: blue"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("checked: no errors, 1 warning.")
