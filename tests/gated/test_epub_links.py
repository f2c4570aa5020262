"""A link between chapters points at the chapter inside the EPUB, whatever Markdown suffix the file has."""

from __future__ import annotations

import re
import zipfile

import pytest

from tests.sites import write_site
from toolkit.plugin.staging import build_site
from tests.downloads import assembled

COURSE = "---\ntype: course\ntitle: Links\nprice: 9 USD\nlevel: beginner\nauthors: [Ann]\n---\n\n# Links\n"


@pytest.mark.parametrize("suffix", [".md", ".markdown", ".mkd"])
def test_a_link_to_another_chapter_points_inside_the_epub(tmp_path, suffix):
    write_site(tmp_path, {
        "index.md": "# Home\n",
        "courses/links/index.md": COURSE,
        "courses/links/01-one.md": f"# One\n\nTeaser.\n\n<!-- more -->\n\nGo on to [chapter two](02-two{suffix}).\n",
        f"courses/links/02-two{suffix}": "# Two\n\nTeaser.\n\n<!-- more -->\n\nThe second chapter.\n",
    })
    build_site(tmp_path / "mkdocs.yml")
    epub_file = assembled(next((tmp_path / "gated").rglob("*.epub.pack")))

    with zipfile.ZipFile(epub_file) as epub:
        names = set(epub.namelist())
        one = next(epub.read(n).decode() for n in sorted(names) if n.endswith(".xhtml") and b"Go on to" in epub.read(n))

    href = re.search(r'<a href="([^"]+)">chapter two</a>', one).group(1)
    assert f"OEBPS/{href}" in names
