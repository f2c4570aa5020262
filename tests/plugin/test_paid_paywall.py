"""The paywall box under a locked page, and the teaser rules (`toolkit.plugin.teaser.split` and built pages)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests import sites
from tests.sites import GATE
from toolkit.plugin.teaser import split
from toolkit.plugin.staging import build_site

PAGE = "courses/leaklab/02-locked/index.html"


def paywall(site: Path, page: str = PAGE) -> str:
    text = (site / "site" / page).read_text(encoding="utf-8")
    match = re.search(r'<aside class="folio-paywall".*?</aside>', text, re.S)
    assert match, f"no paywall box on {page}"
    return match.group(0)


def forms(box: str) -> list[dict[str, str]]:
    """Each offer form: its action, hidden fields and button label."""
    found = []
    for form in re.findall(r"<form\b.*?</form>", box, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        fields["action"] = re.search(r'action="([^"]*)"', form).group(1)
        fields["label"] = html.unescape(re.sub(r"<[^>]+>|\s+", " ", re.search(r"<button.*?>(.*?)</button>", form, re.S).group(1)).strip())
        found.append(fields)
    return found


@pytest.fixture(scope="module")
def with_gate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("paywall-gate")
    build_site(sites.adversarial_site(root, plugins=["search"]))
    return root


def test_paywall_offers_post_to_gate_checkout_with_product_plan_and_price(with_gate):
    offers = forms(paywall(with_gate))
    assert [(o["product"], o["plan"]) for o in offers] == [
        ("course:leaklab", "one_time"), ("membership", "monthly"), ("membership", "yearly")]
    assert [o["action"] for o in offers] == [f"{GATE}/checkout/course:leaklab", f"{GATE}/checkout/membership",
                                             f"{GATE}/checkout/membership"]
    assert {o["page"] for o in offers} == {"courses/leaklab/02-locked.md"}
    assert "49 USD" in offers[0]["label"] and "9 USD" in offers[1]["label"] and "90 USD" in offers[2]["label"]


def test_paywall_links_to_read_and_sign_in(with_gate):
    box = html.unescape(paywall(with_gate))
    assert f'href="{GATE}/read/course:leaklab/courses/leaklab/02-locked.md"' in box
    assert "Read it — I already bought" in box
    # Signing in from the paywall comes back to this page (the gate checks it is a page it knows).
    assert f'href="{GATE}/signin?next=courses/leaklab/02-locked.md"' in box and "Sign in by email" in box
    assert "no gate_url" not in box


def test_paywall_names_chapter_and_locked_reading_time(with_gate):
    box = html.unescape(paywall(with_gate))
    assert "The rest of “Locked chapter” is for buyers of this course" in box
    assert re.search(r"About (1 minute|\d+ minutes) of reading is locked", box)


def test_members_page_paywall_offers_membership_only(with_gate):
    offers = forms(paywall(with_gate, "articles/deep-dive/index.html"))
    assert [(o["product"], o["plan"]) for o in offers] == [("membership", "monthly"), ("membership", "yearly")]


def test_free_page_has_no_paywall(with_gate):
    text = (with_gate / "site/courses/leaklab/01-intro/index.html").read_text(encoding="utf-8")
    assert "folio-paywall" not in text.split("<article", 1)[1].split("</article>", 1)[0]


def test_without_gate_url_the_form_still_renders_with_author_note(tmp_path):
    build_site(sites.adversarial_site(tmp_path, plugins=["search"], folio={"gate_url": None}))
    box = html.unescape(paywall(tmp_path))
    offers = forms(box)
    assert len(offers) == 3 and "49 USD" in offers[0]["label"]
    assert "Author's note: no gate_url is set in mkdocs.yml" in box


def test_chinese_theme_shows_chinese_paywall(tmp_path):
    build_site(sites.adversarial_site(tmp_path, plugins=["search"], language="zh"))
    box = html.unescape(paywall(tmp_path))
    assert "《Locked chapter》的其余内容仅对本课程的购买者开放" in box
    assert "购买课程 — 49 USD" in box and "加入会员 — 9 USD / 月" in box
    assert "我已购买，继续阅读" in box and "通过邮箱登录" in box
    assert "Buy the course" not in box


# --- teaser rules: built pages --------------------------------------------------------------


def test_page_without_marker_shows_about_teaser_words_at_a_block_boundary(tmp_path):
    paragraphs = [f"Block {n} " + " ".join(f"word{n}x{i}" for i in range(30)) + "." for n in range(1, 8)]
    body = "\n\n".join(paragraphs)
    pages = {
        "index.md": "# Home\n",
        "articles/long.md": f"---\ntitle: Long\ndate: 2026-01-01\naccess: members\n---\n\n{body}\n",
    }
    build_site(sites.write_site(tmp_path, pages, folio={"teaser_words": 70}))
    text = (tmp_path / "site/articles/long/index.html").read_text(encoding="utf-8")
    assert "word1x29" in text and "word2x29" in text  # two whole blocks of 32 words; a third would pass 70
    assert "word3x0" not in text and "word7x29" not in text


# --- teaser rules: split --------------------------------------------------------------------


def words(n: int, tag: str = "w") -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


def test_split_at_more_marker():
    body = "Intro paragraph.\n\n<!-- more -->\n\nPaid paragraph.\n"
    parts = split(body, 5)
    assert parts.by_marker
    assert parts.teaser == "Intro paragraph.\n\n"
    assert parts.remainder == "\nPaid paragraph.\n"


def test_more_marker_inside_code_fence_is_not_a_marker():
    body = f"{words(10)}\n\n```html\n<!-- more -->\n```\n\n{words(10, 'p')}\n"
    parts = split(body, 12)
    assert not parts.by_marker
    assert parts.teaser == f"{words(10)}\n\n```html\n<!-- more -->\n```\n\n"
    assert parts.remainder == f"{words(10, 'p')}\n"


def test_split_without_marker_takes_whole_blocks_near_teaser_words():
    body = "\n\n".join(words(40, f"b{n}x") for n in range(5)) + "\n"
    parts = split(body, 100)
    assert not parts.by_marker
    assert parts.teaser.strip().split("\n\n") == [words(40, f"b{n}x") for n in range(2)]
    assert parts.teaser + parts.remainder == body


def test_split_never_cuts_inside_a_fenced_code_block():
    code = "\n".join(f"line_{i} = {i}  # some words here" for i in range(40))
    body = f"{words(50)}\n\n```python\n{code}\n```\n\n{words(50, 'after')}\n"
    parts = split(body, 80)
    assert parts.teaser == f"{words(50)}\n\n"  # the whole block would pass 80 words: it stays locked
    assert parts.remainder == body[len(parts.teaser):]


def test_split_never_cuts_inside_a_code_block_with_blank_lines():
    code = "\n\n".join(f"step_{i}()  # with several words in a comment" for i in range(30))
    body = f"{words(30)}\n\n~~~\n{code}\n~~~\n\n{words(30, 'after')}\n"
    parts = split(body, 60)
    assert parts.teaser == f"{words(30)}\n\n"
    assert parts.remainder.startswith("~~~\nstep_0()") and "step_29()" in parts.remainder


def test_split_never_cuts_inside_a_table():
    rows = "\n".join(f"| key{i} | value number {i} with words |" for i in range(30))
    body = f"{words(40)}\n\n| key | value |\n|---|---|\n{rows}\n\n{words(40, 'after')}\n"
    parts = split(body, 60)
    assert parts.teaser == f"{words(40)}\n\n"
    assert parts.remainder.startswith("| key | value |\n|---|---|\n| key0 |")


def test_split_does_not_end_teaser_on_a_heading():
    body = f"{words(50)}\n\n## Locked heading\n\n{words(50, 'paid')}\n"
    parts = split(body, 52)
    assert parts.teaser == f"{words(50)}\n\n"
    assert parts.remainder.startswith("## Locked heading")


def test_split_cuts_a_long_first_paragraph_after_a_sentence():
    sentences = " ".join(f"Sentence {n} has exactly six words." for n in range(40))
    parts = split(f"# Title\n\n{sentences}\n", 30)
    assert parts.teaser == "# Title\n\n" + " ".join(f"Sentence {n} has exactly six words." for n in range(4)) + "\n\n"
    assert parts.cut_inside and "Sentence 39 " in parts.remainder


def test_split_keeps_link_targets_but_not_titles_for_teaser_reference_links():
    body = "See [the guide][g] first.\n\n<!-- more -->\n\nPaid.\n\n[g]: https://example.com/guide \"Paid secret title\"\n"
    parts = split(body, 10)
    assert "[g]: https://example.com/guide" in parts.teaser
    assert "Paid secret title" not in parts.teaser


def test_split_counts_chinese_characters_as_words():
    body = "\n\n".join("这是一段用于测试的中文段落，每个汉字都算作一个词。" * 3 for _ in range(5)) + "\n"
    parts = split(body, 60)
    # 23 characters a sentence: two whole sentences (46 "words"); a third would pass 60.
    assert parts.teaser == "这是一段用于测试的中文段落，每个汉字都算作一个词。" * 2 + "\n\n"
    assert parts.cut_inside and parts.remainder.count("这是一段用于测试的中文段落") == 15
