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


# The site a fuzz run (run 3) shrank nothing of (it ran without shrinking), as it was generated.
RUN3_SITE = SiteSpec(pages=(PageSpec(name='courses/c/01-free.md', locked=False, blocks=(Block(kind='code', words=('span',
    'async', 'parser', 'schema', 'metric', 'index', 'task', 'span', 'cache', 'socket', 'socket', 'latency',
    'trace', 'sample', 'quota', 'lock', 'leader', 'lock', 'task', 'index', 'index', 'trace', 'cache',
    'leader', 'latency'), cjk=False, more_inside=True), Block(kind='para', words=('受', '类', '头', '制', '就',
    '万', '圆', '半'), cjk=True, more_inside=False), Block(kind='footnote', words=('socket', 'replica', 'vacuum',
    'sample', 'quota', 'cache'), cjk=False, more_inside=False)), more_at=None, leading_blank=False,
    custom_key=False), PageSpec(name='courses/c/02-ch.md', locked=True, blocks=(Block(kind='para',
    words=('loop', 'lock', 'rollback', 'quota', 'cache', 'alert', 'retry', 'vacuum'), cjk=False,
    more_inside=False), Block(kind='list', words=('follower', 'task'), cjk=False, more_inside=True),
    Block(kind='math', words=('leader', 'async', 'alert', 'schema', 'leader', 'quota', 'quota', 'stream',
    'cache', 'await'), cjk=False, more_inside=False)), more_at=None, leading_blank=True, custom_key=True),
    PageSpec(name='courses/c/03-ch.md', locked=True, blocks=(Block(kind='para', words=('行', '断', '计', '新',
    '红', '打', '包', '收', '条', '位', '界', '去'), cjk=True, more_inside=False),), more_at=None, leading_blank=True,
    custom_key=True), PageSpec(name='articles/members-notes.md', locked=True, blocks=(Block(kind='para',
    words=('span', 'leader', 'metric'), cjk=False, more_inside=False), Block(kind='list', words=('lock',
    'retry', 'column', 'span', 'tenant', 'leader', 'leader', 'latency'), cjk=False, more_inside=False),
    Block(kind='code', words=('loop', 'migration', 'alert', 'commit', 'stream', 'backpressure', 'trace',
    'stream', 'latency', 'trace', 'event', 'quota', 'table', 'lock', 'parser', 'index', 'async', 'quota',
    'backpressure', 'trace', 'backpressure', 'span', 'table', 'queue'), cjk=False, more_inside=False),
    Block(kind='footnote', words=('者', '们', '及', '果', '身', '复', '队', '工', '队', '年'), cjk=True,
    more_inside=False), Block(kind='admonition', words=('table', 'column', 'worker', 'tenant', 'rollback',
    'socket'), cjk=False, more_inside=False), Block(kind='math', words=('stream',), cjk=False,
    more_inside=False), Block(kind='reflink', words=('worker', 'event', 'span', 'metric', 'buffer', 'tenant',
    'span', 'backpressure', 'sample', 'queue', 'backpressure'), cjk=False, more_inside=False),
    Block(kind='tabs', words=('cache', 'table', 'lock', 'table', 'column', 'quota', 'await', 'replica',
    'worker'), cjk=False, more_inside=False)), more_at=7, leading_blank=False, custom_key=False)), private=(),
    teaser_words=60, copy_route=None, shared=())


def test_footnotes_shown_under_a_marker_teaser_count_toward_its_size(tmp_path):
    # Found by a fuzz run (run 3): the footnote list under a teaser is shown too, but was not
    # counted, so a teaser before `<!-- more -->` passed teaser_words plus one block (P2).
    check_site(tmp_path / "site-root", RUN3_SITE)
