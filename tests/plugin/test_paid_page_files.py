"""Locked pages are gated whatever Markdown suffix MkDocs accepts, and odd front matter never crashes."""

from __future__ import annotations

import pytest

from tests.sites import find, site_texts, write_site
from toolkit.errors import FolioError
from toolkit.plugin.staging import build_site

SECRET = "The quartz heron ledger reconciles every refund before the nightly settlement batch closes."

COURSE = """\
---
type: course
title: Suffix Course
price: 19 USD
level: beginner
authors: [Ana]
---
# Suffix Course
"""


def chapter(title: str, extra: str = "") -> str:
    return f"""\
---
title: {title}
{extra}---
# {title}

A free opening paragraph about reconciling ledgers.

<!-- more -->

{SECRET}
"""


@pytest.mark.parametrize("suffix", [".markdown", ".mkd", ".mdown"])
def test_a_paid_chapter_with_another_markdown_suffix_is_gated(tmp_path, suffix):
    config = write_site(tmp_path, {
        "index.md": "# Home\n",
        "courses/suffix/index.md": COURSE,
        f"courses/suffix/01-ledger{suffix}": chapter("Ledger"),
    })
    built, plugin = build_site(config)
    texts = site_texts(tmp_path / "site")
    assert find(texts, SECRET) == []
    assert find(texts, "free opening paragraph about reconciling ledgers")
    pages = [o.source for o in plugin.manifest.products["course:suffix"].pages]
    assert pages == [f"courses/suffix/01-ledger{suffix}"]


def test_a_date_key_on_a_chapter_is_a_warning_not_a_crash(tmp_path):
    config = write_site(tmp_path, {
        "index.md": "# Home\n",
        "courses/suffix/index.md": COURSE,
        "courses/suffix/01-ledger.md": chapter("Ledger", "date: 2026-01-05\n"),
    })
    built, plugin = build_site(config)
    assert (tmp_path / "site" / "courses" / "suffix" / "01-ledger" / "index.html").is_file()
    with pytest.raises(FolioError, match=r"01-ledger\.md:3: date: unknown key for a chapter page"):
        build_site(config, strict=True)


@pytest.mark.parametrize("gated_dir", ["content/private", "site/private", "."])
def test_a_gated_dir_that_overlaps_the_public_folders_is_refused(tmp_path, gated_dir):
    config = write_site(tmp_path, {
        "index.md": "# Home\n",
        "courses/suffix/index.md": COURSE,
        "courses/suffix/01-ledger.md": chapter("Ledger"),
    }, folio={"gated_dir": gated_dir})
    with pytest.raises(FolioError, match=r"plugins\.folio\.gated_dir: .* overlaps (docs_dir|site_dir|plugins\.folio\.content_dir)"):
        build_site(config)
    assert not (tmp_path / "site").exists()


def test_an_unwritable_gated_dir_is_a_clear_error_not_a_traceback(tmp_path):
    config = write_site(tmp_path, {
        "index.md": "# Home\n",
        "courses/suffix/index.md": COURSE,
        "courses/suffix/01-ledger.md": chapter("Ledger"),
    })
    (tmp_path / "gated").write_text("a file where the folder should be\n", encoding="utf-8")
    with pytest.raises(FolioError, match=r"cannot write the private output .*gated_dir") as caught:
        build_site(config)
    assert "Traceback" not in str(caught.value)
