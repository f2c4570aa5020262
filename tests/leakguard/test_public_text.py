"""No false alarms: a paid sentence that is also public is not a leak, wherever it is public.

Each site below repeats one sentence of the locked chapter somewhere legitimately public
(a title, a nav label, a description, mkdocs.yml's copyright, an included file, tabbed
content, a glossary), and must build clean with that sentence in site/. The control at the
end shows the same sentence, public nowhere, fails the build. All builds run inline on
purpose (the forked path is exercised by test_leak_scan_paths and test_concurrency).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests import sites
from tests.sites import MARKDOWN_EXTENSIONS, site_texts
from toolkit.plugin.background import ENV
from toolkit.plugin.staging import build_site
from toolkit.leakguard.scan import LeakError

SHARED = "Every consumer must acknowledge a message within thirty seconds or the broker redelivers it"
SECRET = "The dead letter queue keeps each rejected message for fourteen days before anyone reviews it"
TEASER = "This chapter is about message brokers."

COURSE = {
    "index.md": "# Home\n\nWelcome.\n",
    "courses/mq/index.md": "---\ntype: course\ntitle: Queues\nprice: 19 USD\nlevel: beginner\nauthors: [Ann]\n---\n\n# Queues\n",
    "courses/mq/01-free.md": "---\ntitle: Basics\naccess: free\n---\n\n# Basics\n\nFree words about queues.\n",
    "courses/mq/02-paid.md": (f"---\ntitle: Redelivery\n---\n\n# Redelivery\n\n{TEASER}\n\n<!-- more -->\n\n"
                              f"## Details\n\n{SHARED}. {SECRET}.\n\nMore paid words follow here for the members.\n"),
}


@pytest.fixture(autouse=True)
def inline_helpers(monkeypatch):
    monkeypatch.setenv(ENV, "inline")


def build(root: Path, pages: dict[str, str] | None = None, **kwargs):
    config = sites.write_site(root, {**COURSE, **(pages or {})}, plugins=["search"], **kwargs)
    return build_site(config)


def in_site(root: Path, sentence: str) -> list[str]:
    return [name for name, text in site_texts(root / "site").items() if sentence.lower() in " ".join(text.lower().split())]


def test_copyright_and_site_description_from_mkdocs_yml(tmp_path):
    build(tmp_path, extra={"copyright": SHARED, "site_description": SHARED + " (always)"})
    assert in_site(tmp_path, SHARED)


def test_nav_label(tmp_path):
    nav = [{"Home": "index.md"}, {"Queues": ["courses/mq/index.md", {SHARED: "courses/mq/01-free.md"},
                                             "courses/mq/02-paid.md"]}]
    build(tmp_path, extra={"nav": nav})
    assert in_site(tmp_path, SHARED)


def test_title_and_description_of_a_free_page(tmp_path):
    page = f"---\ntitle: {SHARED}\ndescription: {SHARED} today\n---\n\nBody without the sentence.\n"
    build(tmp_path, {"about.md": page})
    assert in_site(tmp_path, SHARED)


def test_extra_printed_by_the_theme(tmp_path):
    config = sites.write_site(tmp_path, COURSE, plugins=["search"], extra={"extra": {"tagline": SHARED}})
    (tmp_path / "theme/partials/copyright.html").write_text(
        '<div class="md-copyright">{{ config.extra.tagline }}</div>\n', encoding="utf-8")
    build_site(config)
    assert in_site(tmp_path, SHARED)


def snippets(root: Path, **options) -> list:
    # Absolute: pymdownx.snippets resolves base_path against the working directory.
    return [*MARKDOWN_EXTENSIONS, {"pymdownx.snippets": {"base_path": [str(root / "includes")], **options}}]


def test_snippet_included_by_a_free_page(tmp_path):
    (tmp_path / "includes").mkdir(parents=True)
    (tmp_path / "includes/shared.md").write_text(f"{SHARED}.\n", encoding="utf-8")
    build(tmp_path, {"about.md": "# Note\n\n--8<-- \"shared.md\"\n"},
          extra={"markdown_extensions": snippets(tmp_path)})
    assert in_site(tmp_path, SHARED)


def test_glossary_appended_to_every_page(tmp_path):
    (tmp_path / "includes").mkdir(parents=True)
    (tmp_path / "includes/glossary.md").write_text(f"*[DLQ]: {SECRET}\n", encoding="utf-8")
    build(tmp_path, {"about.md": "# Note\n\nWe use a DLQ.\n"},
          extra={"markdown_extensions": snippets(tmp_path, auto_append=["glossary.md"])})
    assert in_site(tmp_path, SECRET)  # as the abbreviation's title


def test_tabbed_content_of_a_free_page(tmp_path):
    tabbed = f'# Note\n\n=== "Python"\n\n    {SHARED}.\n\n=== "Go"\n\n    {SECRET}.\n'
    build(tmp_path, {"about.md": tabbed},
          extra={"markdown_extensions": [*MARKDOWN_EXTENSIONS, {"pymdownx.tabbed": {"alternate_style": True}}]})
    assert in_site(tmp_path, SECRET)


def test_allow_list_phrase_lets_a_sentence_through_and_logs_it(tmp_path, caplog):
    hook = tmp_path / "hooks/print.py"
    hook.parent.mkdir(parents=True)
    hook.write_text(f'def on_post_page(output, page, config):\n    return output.replace("</body>", "<p>{SECRET}</p></body>")\n',
                    encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.folio"):
        build(tmp_path, folio={"leak_guard": {"allow": [SECRET]}}, extra={"hooks": ["hooks/print.py"]})
    assert in_site(tmp_path, SECRET)
    uses = [r.getMessage() for r in caplog.records if "allowed by" in r.getMessage()]
    assert uses and all(SECRET in use and "courses/mq/02-paid.md" in use for use in uses)


def test_allow_list_file_lets_one_output_file_through_and_logs_it(tmp_path, caplog):
    (tmp_path / "content").mkdir(parents=True)
    (tmp_path / "content/members-digest.txt").write_text(f"{SECRET}.\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.folio"):
        build(tmp_path, folio={"leak_guard": {"allow": [{"file": "members-*.txt"}]},
                               "public_files": ["/members-digest.txt"]})
    assert in_site(tmp_path, SECRET) == ["members-digest.txt"]
    assert any("members-digest.txt: paid text of courses/mq/02-paid.md allowed by `file: members-*.txt`"
               in r.getMessage() for r in caplog.records)


def test_control_the_same_sentence_public_nowhere_fails_the_build(tmp_path):
    (tmp_path / "content").mkdir(parents=True)
    (tmp_path / "content/notes.txt").write_text(f"{SECRET}.\n", encoding="utf-8")
    with pytest.raises(LeakError) as caught:
        build(tmp_path, folio={"public_files": ["/notes.txt"]})  # published although no page links it
    message = str(caught.value)
    assert "notes.txt: paid text of courses/mq/02-paid.md" in message
    assert "dead letter queue keeps" in message.lower()
    assert "What to do:" in message and "access: free" not in message
    assert not (tmp_path / "site").exists()


def test_files_named_by_include_directives_count_as_public_unless_paid(tmp_path):
    """include-markdown and macros' Jinja includes are resolved like snippets (whatever plugin renders them)."""
    from toolkit.plugin.guard_in_build import included_files, public_texts
    from toolkit.plugin.public_pages import make_public
    from toolkit.plugin.staging import load_mkdocs_config
    from toolkit.content.loading import load_site

    (tmp_path / "content/shared").mkdir(parents=True)
    (tmp_path / "content/shared/intro.txt").write_text(SHARED + ".\n", encoding="utf-8")
    page = ('# About\n\n{% include-markdown "shared/intro.txt" %}\n\n'
            "{% include 'courses/mq/02-paid.md' %}\n")  # names a paid page: never public text
    config_file = sites.write_site(tmp_path, {**COURSE, "about.md": page}, plugins=["search"])
    config = load_mkdocs_config(config_file)
    site = load_site(tmp_path / "content", {"monthly": "9 USD", "yearly": "90 USD"}, False, str(config_file))
    public = make_public(site, 120)
    included = [path.relative_to(tmp_path / "content").as_posix() for path, _ in included_files(site, public, config)]
    assert included == ["shared/intro.txt"]
    assert SHARED + ".\n" in public_texts(site, public, config)
    assert not any(SECRET in text for text in public_texts(site, public, config))
