"""Plugins that read git see each public page's source in content/, not the untracked public tree:
git-revision-date-localized gives the source's dates, git-authors its authors, git-committers its
history (with its authors from its cache, so no network), and a strict build passes."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.sites import write_site

PAGES = {
    "index.md": "# Home\n\nWelcome to a small community of engineers.\n",
    "courses/c/index.md": "---\ntype: course\ntitle: C\nprice: 9 USD\nlevel: beginner\nauthors: [A]\n---\n\n# C\n\nA course.\n",
    "courses/c/01-a.md": "---\naccess: free\n---\n\n# A\n\nFree words of the first chapter.\n",
    "courses/c/02-b.md": "# B\n\nTeaser words.\n\n<!-- more -->\n\nPaid words of the second chapter.\n",
}
PLUGINS = [
    "search",
    {"git-revision-date-localized": {"type": "iso_date", "enable_creation_date": True, "strict": True,
                                     "enable_parallel_processing": False}},
    {"git-authors": {"strict": True}},
    {"git-committers": {"repository": "lambda/salon", "branch": "main", "token": "unused",
                        "cache_dir": ".cache/committers"}},
]
ANN = {"GIT_AUTHOR_NAME": "Ann Author", "GIT_AUTHOR_EMAIL": "ann@example.org",
       "GIT_AUTHOR_DATE": "2024-03-05T10:00:00Z", "GIT_COMMITTER_DATE": "2024-03-05T10:00:00Z"}
BO = {"GIT_AUTHOR_NAME": "Bo Writer", "GIT_AUTHOR_EMAIL": "bo@example.org",
      "GIT_AUTHOR_DATE": "2024-06-07T10:00:00Z", "GIT_COMMITTER_DATE": "2024-06-07T10:00:00Z"}
# What git-committers would ask GitHub for, already in its cache (the tests reach only 127.0.0.1).
COMMITTER = {"login": "ann-gh", "name": "Ann Author", "url": "https://github.com/ann-gh", "avatar": ""}


def git(root, *args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(GIT_COMMITTER_NAME="Folio Tests", GIT_COMMITTER_EMAIL="tests@example.org", **env)
    subprocess.run(["git", *args], cwd=root, env=base, check=True, capture_output=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from toolkit.plugin.staging import build_site

    root = tmp_path_factory.mktemp("git-site")
    config = write_site(root, PAGES, plugins=PLUGINS, folio={"gate_url": None})
    # The repository layout Folio's example uses: the public tree is ignored but for its placeholder.
    (root / ".gitignore").write_text(".folio/*\n!.folio/public/\n.folio/public/*\n!.folio/public/README.md\n"
                                     "site/\ngated/\n.folio-cache/\n.cache/\n")
    (root / ".folio/public/README.md").write_text("# Built with Folio\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", **ANN)
    chapter = root / "content/courses/c/01-a.md"
    chapter.write_text(chapter.read_text() + "\nMore words.\n")
    git(root, "commit", "-q", "-am", "second", **BO)
    seed = {f"content/{src}": {"authors": [COMMITTER], "last_commit_date": "2024-03-05"} for src in PAGES}
    (root / ".cache/committers").mkdir(parents=True)
    (root / ".cache/committers/page-authors.json").write_text(
        json.dumps({"cache_date": "2099-01-01", "page_authors": seed}))
    cwd = os.getcwd()
    os.chdir(root)  # git-committers reads its repository and cache from the working folder
    try:
        build_site(config, strict=True)  # no "not committed" / "no git logs" warning
    finally:
        os.chdir(cwd)
    return root


def facts(html: str) -> str:
    return " ".join(re.findall(r'<aside class="md-source-file">(.*?)</aside>', html, re.S))


def test_revision_dates_are_the_sources_dates(built):
    free = facts((built / "site/courses/c/01-a/index.html").read_text(encoding="utf-8"))
    assert re.search(r'git-revision-date-localized-plugin-iso_date" title="June 7, 2024[^"]*">2024-06-07<', free)
    assert re.search(r'title="March 5, 2024[^"]*">2024-03-05<', free)  # created


def test_authors_are_the_sources_authors(built):
    free = facts((built / "site/courses/c/01-a/index.html").read_text(encoding="utf-8"))
    assert '<a href="mailto:ann@example.org">Ann Author</a>' in free
    assert '<a href="mailto:bo@example.org">Bo Writer</a>' in free
    teaser = facts((built / "site/courses/c/02-b/index.html").read_text(encoding="utf-8"))
    assert "Ann Author" in teaser and "Bo Writer" not in teaser  # Bo edited only the first chapter


def test_committers_read_the_sources_history(built):
    free = facts((built / "site/courses/c/01-a/index.html").read_text(encoding="utf-8"))
    assert "https://github.com/ann-gh" in free


def test_the_public_pages_text_is_still_the_public_text(built):
    teaser = (built / "site/courses/c/02-b/index.html").read_text(encoding="utf-8")
    assert "Teaser words." in teaser and "Paid words" not in teaser
