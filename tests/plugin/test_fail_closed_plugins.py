"""The plugins authors install see only the public tree: one shared site built with all of them.

Material's blog, tags, meta and privacy plugins, mkdocs-rss-plugin, mkdocs-llmstxt and
mkdocs-jupyter. Every locked sentence (English and Chinese) is searched for in site/
with an independent scan; the legitimate pages must be there.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests import sites
from tests.sites import MEMBERS_CHINESE, PAID_CHINESE, PAID_SENTENCE, find, site_texts, write_site
from toolkit.plugin.staging import build_site

pytest.importorskip("mkdocs_jupyter")
pytest.importorskip("mkdocs_llmstxt")

NOTEBOOK_SECRET = "The paid notebook derives the amber harbor capacity estimate."
FREE_NOTEBOOK = "The free notebook plots the lilac meadow arrivals."
POST_SECRET = "Members learn the obsidian kite rollout checklist in this post."


def notebook(text: str) -> bytes:
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": [text]}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


PAGES = {
    "index.md": "# Home\n\nWelcome.\n",
    "courses/queues/index.md": "---\ntype: course\ntitle: Queues\nprice: 29 USD\nlevel: beginner\n"
                               "authors: [Ada]\n---\n\n# Queues\n",
    "courses/queues/01-paid.md": f"---\ntitle: Paid chapter\ntags: [queues]\n---\n\n# Paid chapter\n\n"
                                 f"Open teaser text.\n\n<!-- more -->\n\n{PAID_SENTENCE}\n\n{PAID_CHINESE}\n\n"
                                 "Open [the lab](lab.ipynb).\n",
    "blog/index.md": "# Blog\n",
    "blog/posts/members.md": f"---\ntitle: Members post\ndate: 2026-02-03\naccess: members\ntags: [queues]\n"
                             f"description: A post for members.\n---\n\n# Members post\n\nBlog teaser for all.\n\n"
                             f"<!-- more -->\n\n{POST_SECRET}\n\n{MEMBERS_CHINESE}\n",
    "blog/posts/free.md": "---\ntitle: Free post\ndate: 2026-02-01\n---\n\n# Free post\n\nFree blog words.\n",
    "tags.md": "# Tags\n\n<!-- material/tags -->\n",
}
ASSETS = {"courses/queues/lab.ipynb": notebook(NOTEBOOK_SECRET), "notebooks/free.ipynb": notebook(FREE_NOTEBOOK)}
SECRETS = [PAID_SENTENCE, PAID_CHINESE, NOTEBOOK_SECRET, POST_SECRET, MEMBERS_CHINESE]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugins")
    plugins = sites.ecosystem_plugins(root) + [
        "blog", "meta", {"privacy": {"assets": False}},
        {"llmstxt": {"full_output": "llms-full.txt", "sections": {"All": ["*.md", "**/*.md"]}}},
        {"mkdocs-jupyter": {"include": ["*.ipynb"], "execute": False}},
    ]
    write_site(root, PAGES, assets=ASSETS, plugins=plugins,
               extra={"theme": {"name": "material", "custom_dir": "theme", "font": False}})
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("mkdocs.plugins.folio").addHandler(handler)
    try:
        build_site(root / "mkdocs.yml")
    finally:
        logging.getLogger("mkdocs.plugins.folio").removeHandler(handler)
    return root, [r.getMessage() for r in records]


def test_no_locked_sentence_in_any_plugin_output(built):
    root, _ = built
    texts = site_texts(root / "site")
    assert "llms-full.txt" in texts and "feed_rss_created.xml" in texts
    for secret in SECRETS:
        assert find(texts, secret) == [], secret


def test_the_legitimate_pages_are_published(built):
    root, _ = built
    texts = site_texts(root / "site")
    assert find(texts, "Blog teaser for all")
    assert find(texts, "Free blog words")
    assert find(texts, FREE_NOTEBOOK), "a notebook outside priced courses is rendered by mkdocs-jupyter"
    assert find(texts, "Open teaser text")


def test_a_notebook_in_a_priced_course_is_withheld_with_a_warning_naming_it(built):
    root, messages = built
    assert not list((root / "site/courses/queues").glob("lab*"))
    assert any("content/courses/queues/lab.ipynb: kept private" in m for m in messages), messages
