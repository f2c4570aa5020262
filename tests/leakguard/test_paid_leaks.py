"""Paid text never reaches site/: adversarial content with search, tags, RSS and sitemaps on,
paid-only assets, planted leaks that must fail the build, and `folio check --leaks`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import sites
from tests.sites import (MEMBERS_CHINESE, MEMBERS_TEASER, PAID_CHINESE, PAID_MARKERS, PAID_SENTENCE, TEASER,
                         find, site_texts)
from toolkit.errors import FolioError
from toolkit.leakguard.scan import LeakError
from toolkit.plugin.staging import build_site
from tests.downloads import assembled

FOLIO = Path(sys.executable).with_name("folio")
LOCKED_SRC = "courses/leaklab/02-locked.md"
# A paragraph of the locked part, long enough for any fingerprint, copied verbatim when planting leaks.
PLANTED = f"Paragraph {PAID_MARKERS['paragraph']} continues. {PAID_SENTENCE}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The adversarial site built once with search + tags + rss + folio; tests only read it."""
    root = tmp_path_factory.mktemp("adversarial")
    config = sites.adversarial_site(root)
    build_site(config)
    return root


@pytest.fixture(scope="module")
def texts(built):
    return site_texts(built / "site")


# --- adversarial content --------------------------------------------------------------------


def test_ecosystem_outputs_exist(built):
    site = built / "site"
    for name in ("search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "feed_rss_created.xml",
                 "feed_json_created.json", "tags/index.html"):
        assert (site / name).is_file(), name


@pytest.mark.parametrize("construct", sorted(PAID_MARKERS))
def test_paid_marker_is_nowhere_in_site(texts, construct):
    assert find(texts, PAID_MARKERS[construct]) == []


def test_paid_plain_sentence_is_nowhere_in_site(texts):
    assert find(texts, PAID_SENTENCE) == []
    # Any 8-word run of it, too.
    run = " ".join(PAID_SENTENCE.split()[4:12])
    assert find(texts, run) == []


def test_paid_chinese_sentences_are_nowhere_in_site(texts):
    for sentence in (PAID_CHINESE, MEMBERS_CHINESE):
        for start in range(0, len(sentence) - 20, 10):
            assert find(texts, sentence[start:start + 20]) == [], sentence[start:start + 20]


def test_teasers_are_on_their_pages(texts):
    assert "courses/leaklab/02-locked/index.html" in find(texts, TEASER)
    assert "articles/deep-dive/index.html" in find(texts, MEMBERS_TEASER)


def test_meta_description_of_locked_page_comes_from_teaser(built):
    page = (built / "site/courses/leaklab/02-locked/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Teaser lark-violet-3301' in page


def test_independent_scan_sees_paid_text_where_it_belongs(built):
    """Positive control: the same scan finds every marker in gated/ (so empty results above mean something)."""
    texts = site_texts(built / "gated")
    for construct in ("heading", "paragraph", "code", "table", "admonition", "footnote", "image-alt",
                      "image-title", "link-title", "abbr", "html-block", "members", "members-heading"):
        assert find(texts, PAID_MARKERS[construct]), construct
    assert find(texts, PAID_SENTENCE)
    assert find(texts, PAID_CHINESE[:20])


# --- assets ---------------------------------------------------------------------------------


def test_paid_only_image_is_not_in_site_but_in_gated_zip(built):
    assert not (built / "site/courses/leaklab/img/paid-only.svg").exists()
    assert [p for p in (built / "site").rglob("paid-only*")] == []
    packs = list((built / "gated/course/leaklab").glob("leaklab.*.zip.pack"))
    assert len(packs) == 1
    with zipfile.ZipFile(assembled(packs[0])) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("leaklab/assets/")]
        assert sites.svg("paid only image") in images


def test_shared_image_used_by_free_page_is_in_site(built):
    assert (built / "site/courses/leaklab/img/shared.svg").read_bytes() == sites.svg("shared image")


# --- planted leaks --------------------------------------------------------------------------


def small_site(root: Path, **kwargs) -> Path:
    """The adversarial pages with only search on (faster), for the planted-leak builds."""
    return sites.adversarial_site(root, plugins=["search"], **kwargs)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_leak_named(exc: BaseException, file: str, page: str = LOCKED_SRC) -> None:
    message = str(exc)
    assert isinstance(exc, FolioError)
    assert file in message, message
    assert page in message, message


def test_extra_file_with_paid_text_fails_build_names_it_and_keeps_last_good_site(tmp_path):
    # Published although no page links it (public_files), so the leak guard must catch it.
    config = small_site(tmp_path, folio={"public_files": ["/notes.txt"]})
    build_site(config)
    before = snapshot(tmp_path / "site")
    (tmp_path / "content/notes.txt").write_text(f"My notes.\n\n{PLANTED}\n", encoding="utf-8")
    with pytest.raises(LeakError) as caught:
        build_site(config)
    assert_leak_named(caught.value, "notes.txt")
    assert snapshot(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_extra_javascript_with_paid_text_fails_build(tmp_path):
    config = small_site(tmp_path, extra={"extra_javascript": ["js/extra.js"]})
    (tmp_path / "content/js").mkdir()
    (tmp_path / "content/js/extra.js").write_text(f'const tip = "{PLANTED}";\n', encoding="utf-8")
    with pytest.raises(LeakError) as caught:
        build_site(config)
    assert_leak_named(caught.value, "js/extra.js")


HOOK = '''\
from pathlib import Path

def on_post_page(output, page, config):
    if page.file.src_uri != "{src}":
        return output
    source = (Path(config.config_file_path).parent / "content" / "{src}").read_text(encoding="utf-8")
    paragraph = next(line for line in source.splitlines() if line.startswith("Paragraph "))
    return output.replace("</body>", {wrap} + "</body>")
'''


@pytest.mark.parametrize("how, wrap", [
    ("visible", '"<p>" + paragraph + "</p>"'),
    ("comment", '"<!-- " + paragraph + " -->"'),
    ("data-attribute", '"<div data-note=\\"" + paragraph + "\\"></div>"'),
    ("script", '"<script>var s = " + repr(paragraph) + ";</script>"'),
])
def test_template_hook_printing_paid_markdown_fails_build(tmp_path, how, wrap):
    """A theme hook that prints the page's original Markdown into its HTML, in any form, is caught."""
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks/leak.py").write_text(HOOK.format(src=LOCKED_SRC, wrap=wrap), encoding="utf-8")
    config = small_site(tmp_path, extra={"hooks": ["hooks/leak.py"]})
    with pytest.raises(LeakError) as caught:
        build_site(config)
    assert_leak_named(caught.value, "courses/leaklab/02-locked/index.html")
    assert not (tmp_path / "site").exists()


def test_theme_override_printing_paid_text_fails_build(tmp_path):
    config = small_site(tmp_path)
    (tmp_path / "theme/partials/copyright.html").write_text(
        f'<div class="md-copyright">{PLANTED}</div>\n', encoding="utf-8")
    with pytest.raises(LeakError) as caught:
        build_site(config)
    assert_leak_named(caught.value, "index.html")


SOURCES_HOOK = '''\
from pathlib import Path

def on_post_build(config):
    copy = Path(config.site_dir) / "_sources" / "{src}"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text("---\\ntitle: Locked chapter\\n---\\n\\nplaceholder\\n", encoding="utf-8")
'''


def test_deployed_markdown_source_of_paid_page_is_reported(tmp_path):
    """A plugin that ships pages' .md sources (like Sphinx's _sources/) is named even when the copy has no paid text."""
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks/sources.py").write_text(SOURCES_HOOK.format(src=LOCKED_SRC), encoding="utf-8")
    config = small_site(tmp_path, extra={"hooks": ["hooks/sources.py"]})
    with pytest.raises(LeakError) as caught:
        build_site(config)
    message = str(caught.value)
    assert f"_sources/{LOCKED_SRC}" in message and "must not be deployed" in message, message


def test_paid_source_copied_under_another_extension_is_never_published(tmp_path):
    """Fail closed: a file no public page refers to is not copied into the public tree at all."""
    config = small_site(tmp_path)
    shutil.copy(tmp_path / "content" / LOCKED_SRC, tmp_path / "content/courses/leaklab/02-locked.md.txt")
    build_site(config)
    assert not (tmp_path / "site/courses/leaklab/02-locked.md.txt").exists()
    assert find(site_texts(tmp_path / "site"), PAID_SENTENCE) == []


def test_paid_source_published_under_another_extension_is_refused_naming_it(tmp_path):
    config = small_site(tmp_path, folio={"public_files": ["*.md.txt"]})
    shutil.copy(tmp_path / "content" / LOCKED_SRC, tmp_path / "content/courses/leaklab/02-locked.md.txt")
    with pytest.raises(FolioError, match=r"public_files matches files of a priced course[\s\S]*courses/leaklab/02-locked\.md\.txt"):
        build_site(config)


def run_folio(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(FOLIO), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_cli_build_with_planted_leak_exits_1_without_traceback_and_keeps_site(tmp_path):
    small_site(tmp_path, folio={"public_files": ["/notes.txt"]})
    first = run_folio("build", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "leak guard: clean" in first.stdout
    before = snapshot(tmp_path / "site")
    (tmp_path / "content/notes.txt").write_text(PLANTED + "\n", encoding="utf-8")
    second = run_folio("build", cwd=tmp_path)
    assert second.returncode == 1
    assert "Traceback" not in second.stderr + second.stdout
    assert "notes.txt" in second.stderr and LOCKED_SRC in second.stderr, second.stderr
    assert snapshot(tmp_path / "site") == before


# --- folio check --leaks --------------------------------------------------------------------


def test_check_leaks_on_clean_build_exits_0(built):
    result = run_folio("check", "--leaks", "site", cwd=built)
    assert result.returncode == 0, result.stderr
    assert "no paid text found" in result.stdout


def test_check_leaks_on_site_with_planted_sentence_exits_1_naming_it(built, tmp_path):
    copy = tmp_path / "public"
    shutil.copytree(built / "site", copy)
    page = copy / "courses/leaklab/01-intro/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"<p>{PLANTED}</p></article>"),
                    encoding="utf-8")
    result = run_folio("check", "--leaks", str(copy), cwd=built)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "courses/leaklab/01-intro/index.html" in result.stderr and LOCKED_SRC in result.stderr, result.stderr
    assert "retry budget must be reset" in result.stderr


def test_untitled_chapter_never_takes_its_title_from_the_locked_part(tmp_path):
    """Without `title:`, a heading or a `# comment` in locked code must not become the public title."""
    pages = {
        "index.md": "# Home\n",
        "courses/c/index.md": "---\ntype: course\ntitle: C\nprice: 5 USD\nlevel: beginner\nauthors: [X]\n---\n\n# C\n",
        "courses/c/01-heading.md": "Free teaser for everyone.\n\n<!-- more -->\n\n# Secret kiwi-granite-5521\n\nPaid body.\n",
        "courses/c/02-code.md": "Another free teaser.\n\n<!-- more -->\n\n```bash\n# install plum-cedar-7730 first\n```\n",
    }
    build_site(sites.write_site(tmp_path, pages))
    texts = site_texts(tmp_path / "site")
    assert find(texts, "kiwi-granite-5521") == []
    assert find(texts, "plum-cedar-7730") == []
    assert "<title>Heading - Leak Lab</title>" in (tmp_path / "site/courses/c/01-heading/index.html").read_text()
