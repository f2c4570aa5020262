"""Failures the property tests and `make fuzz` found, each kept as a plain test of one small site.

Each was a falsifying example Hypothesis shrank; it is written here as data (a SiteSpec) so it
runs on every suite run, whatever the strategies later generate.
"""

from __future__ import annotations

from tests.properties.checks import check_site
from tests.properties.sitegen import Block, PageSpec, SiteSpec

WORDS = ("queue", "worker", "async", "await", "task", "loop", "event", "buffer", "retry", "budget")


def test_a_generator_hook_copying_a_private_file_fails_while_teasers_stay_in_the_public_tree(tmp_path):
    # Found by the first run: when the build fails as it should, the locked pages' teasers are
    # still in the public tree; they are public (what the page shows), not a leak.
    spec = SiteSpec(pages=(PageSpec("courses/c/01-free.md", False, (Block("para", WORDS),)),
                           PageSpec("courses/c/02-ch.md", True, (Block("para", WORDS * 3), Block("code", WORDS),
                                                                 Block("para", WORDS * 2)))),
                    private=("answers.txt",), teaser_words=20, copy_route="answers.txt")
    check_site(tmp_path / "site-root", spec)


def test_a_locked_page_opening_with_an_image_then_a_long_paragraph_shows_words(tmp_path):
    # Found while making cuts faster: the block renderer (no inline processing) read an image's
    # Markdown as words, so a teaser of the image alone passed for one with text (P2's lower bound).
    long_paragraph = Block("para", WORDS * 12)
    spec = SiteSpec(pages=(PageSpec("courses/c/01-free.md", False, (Block("para", WORDS),)),
                           PageSpec("courses/c/02-ch.md", True, (Block("image", WORDS[:2]), long_paragraph,
                                                                 Block("para", WORDS * 2)))),
                    teaser_words=20)
    check_site(tmp_path / "site-root", spec)


def test_a_short_chinese_teaser_repeated_in_the_pages_description_is_no_false_alarm(tmp_path):
    # Found by a fuzz run (run 2, example 220): the built page reads the description (three times in
    # the head) and then the teaser as one stream of CJK characters; a paid shingle that ran from the
    # teaser's last paragraph into a footnote repeating its characters matched that stream.
    spec = SiteSpec(pages=(PageSpec("courses/c/01-free.md", False, (Block("para", WORDS),)),
                           PageSpec("courses/c/02-ch.md", True, (
                               Block("para", ("index", "task", "cache", "replica")),
                               Block("footnote", ("方", "很", "走", "支"), cjk=True),
                               Block("code", ("parser", "rollback", "cache", "latency")),
                               Block("para", WORDS * 3)), leading_blank=False)),
                    teaser_words=20)
    check_site(tmp_path / "site-root", spec)
