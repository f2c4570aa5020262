"""What Folio cannot classify stops the build with a message naming the file: it is never published."""

from __future__ import annotations

import os

import pytest

from tests.sites import PAID_SENTENCE, write_site
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
"""

PAID = f"""\
---
title: Paid
---

# Paid

Opening words for everyone.

<!-- more -->

## Hidden section

{PAID_SENTENCE}
"""


def site(tmp_path, extra_pages: dict[str, str], **kwargs):
    pages = {"index.md": "# Home\n", "courses/queues/index.md": COURSE, "courses/queues/01-paid.md": PAID}
    pages.update(extra_pages)
    return write_site(tmp_path, pages, **kwargs)


@pytest.mark.parametrize("key", ["Access", "ACCESS", "acess", "accesss", "Price", "prise", "Type"])
def test_a_security_key_misspelt_or_in_another_case_is_an_error(tmp_path, key):
    config = site(tmp_path, {"courses/queues/02-x.md": f"---\ntitle: X\n{key}: free\n---\n\n# X\n\nText.\n"})
    with pytest.raises(FolioError) as caught:
        build_site(config)
    message = str(caught.value)
    assert "content/courses/queues/02-x.md:3" in message and key in message and "misspelt" in message


def test_a_price_on_a_plain_page_is_an_error_not_a_warning(tmp_path):
    config = site(tmp_path, {"guide.md": "---\ntitle: Guide\nprice: 9 USD\n---\n\n# Guide\n"})
    with pytest.raises(FolioError, match=r"guide\.md:3: price: does not apply to a page page"):
        build_site(config)


def test_multimarkdown_metadata_setting_access_is_refused(tmp_path):
    config = site(tmp_path, {"notes.md": f"Title: Notes\nAccess: members\n\n{PAID_SENTENCE}\n"})
    with pytest.raises(FolioError, match=r"notes\.md:1: access: MultiMarkdown-style metadata is not read"):
        build_site(config)


def test_multimarkdown_metadata_without_access_builds(tmp_path):
    config = site(tmp_path, {"notes.md": "Title: Notes\nAuthor: Ada\n\nPlain free notes.\n"})
    build_site(config)
    assert "Plain free notes" in (tmp_path / "site/notes/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["access", "Access", "price"])
def test_meta_yml_setting_access_is_refused_with_a_clear_error(tmp_path, key):
    config = site(tmp_path, {"articles/free.md": "---\ntitle: F\ndate: 2026-01-01\n---\n\n# F\n"})
    (tmp_path / "content/articles/.meta.yml").write_text(f"{key}: members\n", encoding="utf-8")
    with pytest.raises(FolioError, match=r"articles/\.meta\.yml: `" + key + "`: Folio does not read"):
        build_site(config)


def test_meta_yml_without_access_is_copied_for_materials_meta_plugin(tmp_path):
    config = site(tmp_path, {"articles/free.md": "---\ntitle: F\ndate: 2026-01-01\n---\n\n# F\n\nBody.\n"},
                  plugins=["search", "meta"])
    (tmp_path / "content/articles/.meta.yml").write_text("tags: [meta-tag-applied]\n", encoding="utf-8")
    build_site(config)
    assert (tmp_path / ".folio/public/articles/.meta.yml").is_file()


def test_i18n_layouts_stop_the_build_saying_what_is_supported(tmp_path):
    config = site(tmp_path, {"courses/queues/01-paid.zh.md": PAID},
                  plugins=["search", {"i18n": {"docs_structure": "suffix", "languages": [
                      {"locale": "en", "default": True, "name": "English"}, {"locale": "zh", "name": "中文"}]}}])
    with pytest.raises(FolioError, match=r"plugins: i18n: .*Build one site per language"):
        build_site(config)
    assert not (tmp_path / "site").exists()


def test_a_symbolic_link_to_a_paid_page_is_refused(tmp_path):
    config = site(tmp_path, {})
    os.symlink(tmp_path / "content/courses/queues/01-paid.md", tmp_path / "content/free-copy.md")
    with pytest.raises(FolioError, match=r"free-copy\.md: is a link to the paid page content/courses/queues/01-paid\.md"):
        build_site(config)


def test_readme_without_index_is_the_course_index(tmp_path):
    config = write_site(tmp_path, {"index.md": "# Home\n", "courses/queues/README.md": COURSE,
                                   "courses/queues/01-paid.md": PAID})
    build_site(config)
    assert "Queue Craft" in (tmp_path / "site/courses/queues/index.html").read_text(encoding="utf-8")
    assert PAID_SENTENCE not in (tmp_path / "site/courses/queues/01-paid/index.html").read_text(encoding="utf-8")


# --- include directives ----------------------------------------------------------------------

SNIPPETS = {"pymdownx.snippets": {"base_path": ["content"]}}  # relative to the working folder


def snippets_at(root) -> dict:
    return {"pymdownx.snippets": {"base_path": [str(root / "content")]}}


@pytest.mark.parametrize("directive", [
    '--8<-- "courses/queues/01-paid.md"',
    '--8<-- "courses/queues/01-paid.md:hidden"',
    '--8<-- "courses/queues/01-paid.md:10:12"',
    '--8<--\ncourses/queues/01-paid.md\n--8<--',
])
def test_snippets_including_a_paid_page_is_an_error_naming_both_files(tmp_path, directive):
    from tests.sites import MARKDOWN_EXTENSIONS

    config = site(tmp_path, {"guide.md": f"# Guide\n\n{directive}\n"},
                  extra={"markdown_extensions": MARKDOWN_EXTENSIONS + [SNIPPETS]})
    with pytest.raises(FolioError) as caught:
        build_site(config)
    message = str(caught.value)
    # The directive's line (for the block form, the line naming the file).
    assert ("content/guide.md:3" in message or "content/guide.md:4:" in message) and \
        "content/courses/queues/01-paid.md" in message, message
    assert "paid" in message and "access: free" not in message


def test_snippets_including_a_free_file_builds(tmp_path):
    from tests.sites import MARKDOWN_EXTENSIONS

    config = site(tmp_path, {"guide.md": '# Guide\n\n--8<-- "shared/setup.md"\n',
                             "shared/setup.md": "Install the free toolkit first.\n"},
                  extra={"markdown_extensions": MARKDOWN_EXTENSIONS + [snippets_at(tmp_path)]})
    build_site(config)
    assert "Install the free toolkit first" in (tmp_path / "site/guide/index.html").read_text(encoding="utf-8")


def test_include_markdown_of_a_paid_page_is_an_error(tmp_path):
    config = site(tmp_path, {"articles/post.md": '---\ntitle: P\ndate: 2026-01-01\n---\n\n# P\n\n'
                             '{% include-markdown "../courses/queues/01-paid.md" start="<!-- more -->" %}\n'},
                  plugins=["search", "include-markdown"])
    with pytest.raises(FolioError, match=r"content/articles/post\.md:8: includes content/courses/queues/01-paid\.md"):
        build_site(config)


def test_include_markdown_of_a_free_page_builds_and_reads_only_the_public_tree(tmp_path):
    config = site(tmp_path, {"articles/post.md": '---\ntitle: P\ndate: 2026-01-01\n---\n\n# P\n\n'
                             '{% include-markdown "../shared.md" %}\n', "shared.md": "Shared free words here.\n"},
                  plugins=["search", "include-markdown"])
    build_site(config)
    assert "Shared free words here" in (tmp_path / "site/articles/post/index.html").read_text(encoding="utf-8")


def test_macros_include_of_a_paid_page_is_an_error(tmp_path):
    config = site(tmp_path, {"guide.md": "# Guide\n\n{% include 'courses/queues/01-paid.md' %}\n"},
                  plugins=["search", {"macros": {"include_dir": "content"}}])
    with pytest.raises(FolioError, match=r"content/guide\.md:3: includes content/courses/queues/01-paid\.md"):
        build_site(config)


def test_snippets_auto_append_of_a_paid_file_is_an_error(tmp_path):
    from tests.sites import MARKDOWN_EXTENSIONS

    config = site(tmp_path, {}, extra={"markdown_extensions": MARKDOWN_EXTENSIONS + [
        {"pymdownx.snippets": {"base_path": ["content"], "auto_append": ["courses/queues/01-paid.md"]}}]})
    with pytest.raises(FolioError, match=r"auto_append names content/courses/queues/01-paid\.md"):
        build_site(config)
