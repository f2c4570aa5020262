"""One home for each fact: page suffixes, chapter numbers, CJK characters, UI strings, and "today"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from toolkit.content import CJK, MARKDOWN_SUFFIXES, chapter_number, is_markdown
from toolkit.content.dates import today
from toolkit.content.strings import EN, TABLES, ZH, ZH_HANT, language_of, strings, table_of
from toolkit.errors import FolioError


@pytest.mark.parametrize("name", ["a.md", "a.markdown", "a.mdown", "a.mkdn", "a.mkd", "A.MD"])
def test_every_suffix_mkdocs_renders_is_a_page(name):
    assert is_markdown(name)


def test_the_suffixes_are_those_mkdocs_renders():
    from mkdocs.utils import markdown_extensions

    assert set(MARKDOWN_SUFFIXES) == set(markdown_extensions)


@pytest.mark.parametrize("name, number", [("03-tasks.md", "03"), ("10_x.md", "10"), ("7 intro.md", "7"),
                                          ("01.md", "01"), ("intro.md", None), ("v2-intro.md", None)])
def test_a_chapter_is_numbered_by_its_leading_digits(name, number):
    assert chapter_number(name) == number


@pytest.mark.parametrize("char", ["中", "文", "か", "カ", "한", "ᄀ", "ㄱ", "豈"])
def test_cjk_covers_han_kana_and_hangul(char):
    assert re.fullmatch(f"[{CJK}]", char)


@pytest.mark.parametrize("theme_language, table, language", [
    ("en", "en", "en"), (None, "en", "en"), ("fr", "en", "en"),
    ("zh", "zh", "zh"), ("zh-CN", "zh", "zh"), ("zh-Hans", "zh", "zh"),
    ("zh-Hant", "zh-Hant", "zh"), ("zh-TW", "zh-Hant", "zh"), ("zh_TW", "zh-Hant", "zh"), ("zh-HK", "zh-Hant", "zh"),
])
def test_theme_languages_map_to_a_table_and_a_language(theme_language, table, language):
    assert table_of(theme_language) == table
    assert language_of(theme_language) == language
    assert strings(theme_language).language == language


def test_traditional_chinese_readers_get_traditional_strings():
    t = strings("zh-TW")

    assert (t["courses"], t["members"], t["leaderboard.title"]) == ("課程", "會員", "貢獻榜")
    assert t.tag == "zh-Hant"


def test_every_table_has_every_key_with_the_same_placeholders():
    placeholders = re.compile(r"\{[^}]*\}")
    for name, (table, _, _) in TABLES.items():
        assert set(table) == set(EN), name
        for key, text in EN.items():
            assert sorted(placeholders.findall(table[key])) == sorted(placeholders.findall(text)), (name, key)


def test_no_two_languages_share_a_table():
    assert len({id(EN), id(ZH), id(ZH_HANT)}) == 3


def test_today_is_pinned_by_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15T08:00:00Z

    assert today() == dt.date(2027, 1, 15)


def test_today_without_source_date_epoch_is_the_local_date(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    assert today() == dt.date.today()


def test_a_bad_source_date_epoch_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")

    with pytest.raises(FolioError, match="SOURCE_DATE_EPOCH='yesterday' is not a number of seconds"):
        today()


# Characters that only Simplified Chinese writes this way (their Traditional forms differ).
SIMPLIFIED_ONLY = set("这们为载览确购买录订阅链码页费邮务证错问题时间发给经过还会员于与来对么开关没"
                      "设单从网线处结账删户数复记项")


def test_the_traditional_table_holds_no_simplified_characters():
    leftovers = {key: sorted(SIMPLIFIED_ONLY & set(text)) for key, text in ZH_HANT.items()
                 if SIMPLIFIED_ONLY & set(text)}

    assert leftovers == {}


def test_the_simplified_table_is_simplified():
    """The check above means something: the same characters do occur in the Simplified table."""
    assert SIMPLIFIED_ONLY & set("".join(ZH.values()))


def test_mail_and_member_strings_live_in_every_table():
    for name, (table, _, _) in TABLES.items():
        assert {"mail.signin_subject", "mail.receipt_subject", "member.sandbox", "member.signin_title"} <= set(table), name
