"""Teasers cut where the renderer sees blocks (`toolkit.plugin.teaser.split` with the site's extensions)."""

from __future__ import annotations

import pytest

from tests.sites import MARKDOWN_EXTENSIONS
from toolkit.plugin.teaser import Renderer, count_visible, split


@pytest.fixture(scope="module")
def site():
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS] + ["pymdownx.tabbed"]
    configs = {next(iter(e)): e[next(iter(e))] for e in MARKDOWN_EXTENSIONS if isinstance(e, dict)}
    return Renderer(names, {**configs, "pymdownx.tabbed": {"alternate_style": True}})


def words(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


def shown(renderer: Renderer, teaser: str) -> str:
    return renderer.render(teaser, full=True).visible


@pytest.mark.parametrize("block", [
    "- item one with words\n\n- item two with words\n\n- item three lockedlist1x\n",
    '!!! note "Careful"\n    First paragraph of the note.\n\n    Second paragraph lockednote1x.\n',
    '=== "One"\n\n    Tab one text.\n\n=== "Two"\n\n    Tab two lockedtab1x.\n',
    "<details>\n<summary>More</summary>\n\nInside the details.\n\nStill inside lockedhtml1x.\n\n</details>\n",
    "```\ncode line one\n\ncode line two lockedcode1x\n```\n",
    "    indented code one\n\n    indented code two lockedindent1x\n",
])
def test_no_cut_falls_inside_a_block_whatever_its_syntax(site, block):
    body = f"# Title\n\n{words(30, 'intro')}.\n\n{block}\n{words(60, 'after')}.\n"
    parts = split(body, 35, site)  # the block crosses the limit: it is locked, whole
    locked = [w for w in body.split() if w.startswith("locked")][0]
    assert locked not in parts.teaser  # the block is whole on one side of the cut...
    assert parts.teaser.startswith("# Title") and "intro29" in parts.teaser
    assert block.strip() in parts.remainder  # ...and that side is the locked one


@pytest.mark.parametrize("inside", [
    "```\n<!-- more -->\n```",
    "- item\n\n    <!-- more -->\n\n- item",
    '!!! note\n    Body.\n\n    <!-- more -->\n\n    More body.',
])
def test_more_inside_a_block_is_not_a_marker(site, inside):
    body = f"{words(10, 'a')}.\n\n{inside}\n\n{words(10, 'b')}.\n"
    assert not split(body, 100, site).by_marker


def test_more_at_top_level_is_the_marker(site):
    parts = split(f"{words(10, 'a')}.\n\n<!-- more -->\n\n{words(10, 'b')}.\n", 100, site)
    assert parts.by_marker and "b0" in parts.remainder and "b0" not in parts.teaser


def test_comments_are_removed_from_the_teaser_but_a_comment_shown_as_code_stays(site):
    body = (f"Opening words here. <!-- inline secret1x -->\n\n<!-- block secret2x -->\n\n"
            f"```html\n<!-- shown as code -->\n```\n\n<!-- more -->\n\n{words(30, 'paid')}.\n")
    teaser = split(body, 100, site).teaser
    assert "secret1x" not in teaser and "secret2x" not in teaser
    assert "<!-- shown as code -->" in teaser and "Opening words here." in shown(site, teaser)


def test_words_are_counted_in_rendered_text_so_angle_brackets_do_not_hide_code(site):
    code = "\n".join(f"if item{i} < bound: total += item{i}  # add word{i} here" for i in range(60)) + "\nassert total >= 0"
    body = f"{words(20, 'intro')}.\n\n```python\n{code}\n```\n\n{words(40, 'later')}.\n"
    parts = split(body, 60, site)
    assert parts.teaser.strip() == f"{words(20, 'intro')}."


def test_a_long_first_paragraph_gives_its_first_sentences_and_says_it_was_cut(site):
    sentences = " ".join(f"这是第{n}句很长的中文内容。" for n in range(100))
    parts = split(f"\n# 标题\n\n{sentences}\n\n## 下一节\n\n更多。\n", 50, site)
    text = shown(site, parts.teaser)
    assert parts.cut_inside and text.startswith("标题 这是第0句")
    assert 1 <= count_visible(text) <= 50 + 2


def test_a_teaser_of_whole_blocks_shows_text_not_only_an_image(site):
    parts = split(f"![diagram](a.svg)\n\n{words(100, 'p')}.\n", 20, site)
    assert count_visible(shown(site, parts.teaser)) >= 1 and parts.cut_inside


def test_a_page_without_text_has_an_empty_teaser_and_says_so(site):
    parts = split("![diagram](a.svg)\n\n![another](b.svg)\n", 50, site)
    assert parts.no_text and not count_visible(shown(site, parts.teaser))


def test_an_empty_marker_teaser_falls_back_to_a_teaser_by_words(site):
    parts = split(f"<!-- more -->\n\n{words(10, 'p')}.\n\n{words(80, 'q')}.\n", 20, site)
    assert "p0" in parts.teaser and "q0" not in parts.teaser
