"""Fail closed: MkDocs only ever sees the public tree Folio writes from content/.

One site is built once for the module; each test reads one class of the specification
off it with an independent scan of site/ (tests.sites.site_texts), in English and Chinese.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests import sites
from tests.sites import PAID_CHINESE, PAID_SENTENCE, find, site_texts, svg, write_site
from toolkit.plugin.staging import build_site
from toolkit.errors import FolioError

COURSE = """\
---
type: course
title: Queue Craft
price: 29 USD
level: beginner
authors: [Ada]
---

# Queue Craft

Learn to run queues.
"""

ANSWER_SECRET = "Answer three is the token bucket because it bounds the burst size exactly."
SUBFOLDER_SECRET = "The subfolder appendix reveals the backpressure formula nobody guesses."
NOTEBOOK_SECRET = "Notebook cell computes the hidden service level objective for members."
SOURCE_SECRET = "solution source prints the saffron kestrel settlement key"
README_SECRET = "The course readme hides the cobalt lantern migration trick."
ARTICLE_INDEX_SECRET = "The members index explains the ivory comet sampling method in full."
HEADING_SECRET = "Past the heading teaser the copper falcon retry schedule is revealed."

PAID_CHAPTER = f"""\
---
title: Backpressure
---

# Backpressure

The teaser shows ![teaser figure](<img/teaser fig (1).svg>) before anyone pays.

<!-- more -->

{PAID_SENTENCE}

{PAID_CHINESE}

![locked figure](img/locked-only.svg)

Download [the solution](solution.py) and [the answers](answers.pdf).
"""

HEADING_CHAPTER = f"""\
---
title: Tight heading
---
# Tight heading
## Setup
The first paragraph follows its heading directly and must stay in the teaser for readers.

## Deeper
{HEADING_SECRET} {" ".join(["filler"] * 150)}
"""

ANSWER_KEY = f"""\
---
title: Answer key
---

# Answer key

1. Answer one is a queue.

{ANSWER_SECRET}
"""

FREE_CHAPTER = """\
---
title: Welcome
access: free
---

# Welcome

<img src=img/unquoted.svg alt=x>
<img srcset="img/small.svg 1x, img/large.svg 2x" src="img/small.svg">
<div style="background: url('img/css-bg.svg')">styled</div>

See the [site-absolute figure](/courses/queues/img/absolute.svg).
"""


def pages() -> dict[str, str]:
    return {
        "index.md": "# Home\n\nWelcome home.\n",
        "courses/queues/index.md": COURSE,
        "courses/queues/README.md": f"# Readme\n\n{README_SECRET}\n",
        "courses/queues/01-welcome.md": FREE_CHAPTER,
        "courses/queues/02-backpressure.md": PAID_CHAPTER,
        "courses/queues/03-tight.md": HEADING_CHAPTER,
        "courses/queues/04-answers.md": ANSWER_KEY,
        "courses/queues/extra/appendix.md": f"# Appendix\n\n{SUBFOLDER_SECRET}\n",
        "articles/index.md": f"""\
            ---
            title: Articles
            access: members
            ---

            # Articles

            Members index teaser stays public for everyone.

            <!-- more -->

            {ARTICLE_INDEX_SECRET}
            """,
        "articles/free.md": "---\ntitle: Free\ndate: 2026-01-02\n---\n\n# Free\n\nA free article.\n",
    }


def assets() -> dict[str, bytes]:
    names = ["teaser fig (1).svg", "locked-only.svg", "unquoted.svg", "small.svg", "large.svg", "css-bg.svg",
             "absolute.svg", "unused.svg"]
    out = {f"courses/queues/img/{n}": svg(n) for n in names}
    out["courses/queues/solution.py"] = f'print("{SOURCE_SECRET}")\n'.encode()
    out["courses/queues/answers.pdf"] = f"%PDF-1.4 {ANSWER_SECRET}".encode()
    out["courses/queues/lab.ipynb"] = json.dumps({"cells": [{"cell_type": "markdown", "metadata": {},
                                                  "source": [NOTEBOOK_SECRET]}], "metadata": {},
                                                  "nbformat": 4, "nbformat_minor": 5}).encode()
    out["courses/queues/extra/data.csv"] = f"secret,{SUBFOLDER_SECRET}\n".encode()
    out["img/site-logo.svg"] = svg("logo")
    return out


SECRETS = [PAID_SENTENCE, PAID_CHINESE, ANSWER_SECRET, SUBFOLDER_SECRET, NOTEBOOK_SECRET, SOURCE_SECRET,
           README_SECRET, ARTICLE_INDEX_SECRET, HEADING_SECRET]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("failclosed")
    write_site(root, pages(), assets=assets(), plugins=sites.ecosystem_plugins(root),
               extra={"repo_url": "https://github.com/lab/queues", "extra_css": ["img/site-logo.svg"],
                      "theme": {"name": "material", "custom_dir": "theme", "features": ["content.action.edit"]}})
    build_site(root / "mkdocs.yml")
    return root


def test_no_locked_sentence_reaches_site(built):
    texts = site_texts(built / "site")
    for secret in SECRETS:
        assert find(texts, secret) == [], secret


def test_the_public_tree_holds_only_public_text(built):
    texts = site_texts(built / ".folio/public")
    for secret in SECRETS:
        assert find(texts, secret) == [], secret


def test_course_subfolders_notebooks_sources_and_attachments_stay_private(built):
    site = built / "site/courses/queues"
    assert "folio-paywall" in (site / "extra/appendix/index.html").read_text(encoding="utf-8")  # a teaser
    for name in ("extra/data.csv", "lab.ipynb", "solution.py", "answers.pdf", "img/locked-only.svg",
                 "img/unused.svg"):
        assert not list(site.glob(name + "*")), name


def test_assets_public_pages_refer_to_are_published_in_every_form(built):
    img = built / "site/courses/queues/img"
    for name in ("teaser fig (1).svg", "unquoted.svg", "small.svg", "large.svg", "css-bg.svg", "absolute.svg"):
        assert (img / name).read_bytes() == svg(name), name
    assert (built / "site/img/site-logo.svg").is_file()  # named by mkdocs.yml (extra_css)


def test_assets_in_the_tree_are_copies_never_the_sources_themselves(built):
    tree = built / ".folio/public/courses/queues/img/small.svg"
    source = built / "content/courses/queues/img/small.svg"
    assert not os.path.samefile(tree, source) and tree.read_bytes() == source.read_bytes()


def test_readme_beside_index_is_ignored_like_mkdocs_does(built):
    assert "Learn to run queues" in (built / "site/courses/queues/index.html").read_text(encoding="utf-8")


def test_heading_directly_followed_by_text_keeps_a_teaser(built):
    html = (built / "site/courses/queues/03-tight/index.html").read_text(encoding="utf-8")
    assert "must stay in the teaser for readers" in html


def test_short_answer_key_shows_first_block_and_no_reading_time_for_nothing(built):
    html = (built / "site/courses/queues/04-answers/index.html").read_text(encoding="utf-8")
    assert "Answer one is a queue" in html
    assert ANSWER_SECRET not in html
    assert "folio-paywall" in html and "of reading is locked" in html  # something is locked: time shown


def test_members_only_listing_page_keeps_its_teaser_and_listing(built):
    html = (built / "site/articles/index.html").read_text(encoding="utf-8")
    assert "Members index teaser stays public" in html
    assert "folio-listing" in html and "free/" in html
    assert ARTICLE_INDEX_SECRET not in html


def test_edit_links_point_at_the_source_in_content(built):
    html = (built / "site/courses/queues/01-welcome/index.html").read_text(encoding="utf-8")
    assert "https://github.com/lab/queues/edit/master/content/courses/queues/01-welcome.md" in html
    assert ".folio/public" not in html


def test_build_without_the_plugin_publishes_no_paid_text(built, tmp_path):
    """Plain MkDocs (or any tool reading mkdocs.yml) with folio removed sees only the public tree."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = yaml.safe_load((built / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "folio" in p)]
    plain = built / "mkdocs-plain.yml"
    plain.write_text(yaml.safe_dump(config), encoding="utf-8")
    build(load_config(str(plain), site_dir=str(tmp_path / "plain-site")))
    texts = site_texts(tmp_path / "plain-site")
    assert any("Welcome" in t for t in texts.values())
    for secret in SECRETS:
        assert find(texts, secret) == [], secret


def test_fresh_clone_without_the_plugin_shows_the_placeholder(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    write_site(tmp_path, pages(), assets=assets())
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search"]
    (tmp_path / "plain.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    repo_placeholder = Path(__file__).resolve().parents[2] / ".folio/public/README.md"
    shutil.copy(repo_placeholder, tmp_path / ".folio/public/README.md")
    build(load_config(str(tmp_path / "plain.yml"), site_dir=str(tmp_path / "site")))
    built_pages = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html"))
    assert built_pages == ["404.html", "index.html"]
    assert "built with Folio" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_rebuild_rewrites_only_what_changed(built):
    from mkdocs.config import load_config
    from mkdocs.commands.build import build

    config = load_config(str(built / "mkdocs.yml"), site_dir=str(built / "site-again"))
    build(config)
    assert config.plugins["folio"].tree.tree.written == 0
    page = built / "content/articles/free.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    config = load_config(str(built / "mkdocs.yml"), site_dir=str(built / "site-again"))
    build(config)
    # The article (a hard link: no write) and the articles listing, whose entry carries reading time.
    assert config.plugins["folio"].tree.tree.written <= 1


def test_a_page_turned_paid_replaces_its_copy_never_writes_through_it(tmp_path):
    write_site(tmp_path, {"index.md": "# Home\n", "articles/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\n\n# A\n\n"
                          "Free at first.\n"})
    build_site(tmp_path / "mkdocs.yml")
    source = tmp_path / "content/articles/a.md"
    assert not os.path.samefile(source, tmp_path / ".folio/public/articles/a.md")
    locked = ("---\ntitle: A\ndate: 2026-01-01\naccess: members\n---\n\n# A\n\nPublic opening line.\n\n"
              f"<!-- more -->\n\n{PAID_SENTENCE}\n")
    source.write_text(locked, encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml")
    assert source.read_text(encoding="utf-8") == locked
    assert PAID_SENTENCE not in (tmp_path / ".folio/public/articles/a.md").read_text(encoding="utf-8")


def test_a_file_folio_did_not_write_in_the_public_tree_stops_the_build(tmp_path):
    write_site(tmp_path, {"index.md": "# Home\n"})
    (tmp_path / ".folio/public/stray.md").write_text(PAID_SENTENCE, encoding="utf-8")
    with pytest.raises(FolioError, match=r"holds files Folio did not write \(stray\.md\)"):
        build_site(tmp_path / "mkdocs.yml")


def test_content_dir_overlapping_docs_dir_is_refused(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n"})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["docs_dir"] = "content"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(FolioError, match="overlap"):
        build_site(config)


def test_legacy_layout_is_refused_with_the_two_line_fix(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n", "courses/queues/index.md": COURSE,
                                   "courses/queues/01-paid.md": PAID_CHAPTER}, assets=assets())
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["docs_dir"] = "content"
    del data["plugins"][-1]["folio"]["content_dir"]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(FolioError, match=r"docs_dir: \.folio/public[\s\S]*content_dir: content"):
        build_site(config)
    assert not (tmp_path / "site").exists()
