"""The leak guard scans pages while MkDocs renders the next ones, and still judges the finished site.

A page scanned early counts only if its bytes are the ones scanned: a plugin that rewrites
pages after they were written (a minifier, a hook) gets them scanned again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import sites
from toolkit.plugin.background import ENV
from toolkit.leakguard.fingerprints import Fingerprints
from toolkit.leakguard.scan import SiteScan

FOLIO = Path(sys.executable).with_name("folio")
PAID = "The circuit breaker opens after three consecutive timeouts and stays open for ninety seconds."
PUBLIC = "<p>Circuit breakers, explained for everyone who reads the free pages.</p>"


def scanner() -> SiteScan:
    return SiteScan(Fingerprints.build({"courses/c/02.md": PAID}, ["Circuit breakers, explained."]))


def test_a_page_changed_after_its_early_scan_is_scanned_again(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(PUBLIC, encoding="utf-8")
    scan = scanner()
    scan.early(page, "a.html")
    page.write_text(PUBLIC + f"<p>{PAID}</p>", encoding="utf-8")
    scan.file(page, "a.html")
    assert [(leak.file, leak.page) for leak in scan.report.leaks] == [("a.html", "courses/c/02.md")]
    assert scan.report.scanned == 1


def test_a_leak_found_early_stands_when_the_page_is_unchanged(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(f"<p>{PAID}</p>", encoding="utf-8")
    scan = scanner()
    scan.early(page, "a.html")
    scan.file(page, "a.html")
    assert [leak.file for leak in scan.report.leaks] == ["a.html"]


def test_a_leak_found_early_is_dropped_when_the_page_was_cleaned_since(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(f"<p>{PAID}</p>", encoding="utf-8")
    scan = scanner()
    scan.early(page, "a.html")
    page.write_text(PUBLIC, encoding="utf-8")
    scan.file(page, "a.html")
    assert scan.report.leaks == [] and scan.report.scanned == 1


def test_a_page_removed_after_its_early_scan_is_not_counted(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(f"<p>{PAID}</p>", encoding="utf-8")
    scan = scanner()
    scan.early(page, "a.html")
    page.unlink()
    assert scan.report.leaks == [] and scan.report.scanned == 0


def build_with_hook(tmp_path: Path, hook: str) -> subprocess.CompletedProcess:
    """`folio build` of the adversarial site with `hook` as a MkDocs hook, the helper forked on purpose."""
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks/rewrite.py").write_text(hook, encoding="utf-8")
    sites.adversarial_site(tmp_path, plugins=["search"], extra={"hooks": ["hooks/rewrite.py"]})
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env[ENV] = "fork"
    return subprocess.run([str(FOLIO), "build"], cwd=tmp_path, capture_output=True, text=True, timeout=180, env=env)


REWRITE_EVERY_PAGE = '''
from pathlib import Path

def on_post_build(config):
    source = (Path(config.config_file_path).parent / "content" / "{src}").read_text(encoding="utf-8")
    paragraph = next(line for line in source.splitlines() if line.startswith("Paragraph "))
    for page in Path(config.site_dir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</body>", "<p>" + paragraph + "</p></body>"), encoding="utf-8")
'''


def test_pages_rewritten_after_the_helper_scanned_them_fail_the_build(tmp_path):
    """Forked helper on purpose: it scans each page as it is written; a hook then adds paid text to all."""
    result = build_with_hook(tmp_path, REWRITE_EVERY_PAGE.format(src="courses/leaklab/02-locked.md"))
    assert result.returncode == 1, result.stdout + result.stderr
    # index.html is the first page written, so the helper had scanned it (clean) long before the hook ran.
    assert "  index.html: paid text of courses/leaklab/02-locked.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


REWRITE_FILES_WRITTEN_BEFORE_PAGES = '''
from pathlib import Path

def on_post_build(config):
    source = (Path(config.config_file_path).parent / "content" / "{src}").read_text(encoding="utf-8")
    paragraph = next(line for line in source.splitlines() if line.startswith("Paragraph "))
    for name in ("404.html", "sitemap.xml", "courses/leaklab/img/shared.svg"):
        path = Path(config.site_dir) / name
        text = path.read_text(encoding="utf-8")
        text = text.replace("</title>", " " + paragraph + "</title>")
        path.write_text(text.replace("</urlset>", "<note>" + paragraph + "</note></urlset>"), encoding="utf-8")
'''


def test_static_files_and_theme_templates_rewritten_after_their_early_scan_fail_the_build(tmp_path):
    """MkDocs writes static files and the theme's templates before any page, and the helper scans them
    then; a hook that later adds paid text to them must still fail the build, naming each."""
    result = build_with_hook(tmp_path, REWRITE_FILES_WRITTEN_BEFORE_PAGES.format(src="courses/leaklab/02-locked.md"))
    assert result.returncode == 1, result.stdout + result.stderr
    for name in ("404.html", "sitemap.xml", "courses/leaklab/img/shared.svg"):  # a template, a static file
        assert f"  {name}: paid text of courses/leaklab/02-locked.md" in result.stderr, name
    assert not (tmp_path / "site").exists()


# -- the search index: its entries scanned before it is written ------------------------------------

SEARCH_INDEX = '{{"config":{{"lang":["en"]}},"docs":[{{"location":"a/","title":"A","text":{text}}}]}}'


def write_index(tmp_path: Path, text: str) -> Path:
    import json

    index = tmp_path / "search_index.json"
    index.write_text(SEARCH_INDEX.format(text=json.dumps(text)), encoding="utf-8")
    return index


def test_search_entries_scanned_clean_early_are_not_read_again(tmp_path):
    """The proof that they are skipped: after the early scan, the fingerprints change (as if the page
    became paid); the very same string is not looked at again, so the file reports no leak."""
    scan = scanner()
    scan.strings_early(["location", "a/", "title", "A", "text", PUBLIC])
    scan.fingerprints = Fingerprints.build({"courses/c/02.md": PUBLIC}, [])
    scan.file(write_index(tmp_path, PUBLIC), "search/search_index.json")
    assert scan.report.leaks == [] and scan.report.scanned == 1


def test_a_search_index_holding_other_text_than_its_early_entries_is_scanned(tmp_path):
    scan = scanner()
    scan.strings_early(["location", "a/", "title", "A", "text", PUBLIC])
    scan.file(write_index(tmp_path, PUBLIC + " " + PAID), "search/search_index.json")
    assert [(leak.file, leak.page) for leak in scan.report.leaks] == [("search/search_index.json", "courses/c/02.md")]


def test_paid_search_entries_scanned_early_are_still_a_leak_in_the_file(tmp_path):
    scan = scanner()
    scan.strings_early(["text", PAID, PUBLIC])
    scan.file(write_index(tmp_path, PAID), "search/search_index.json")
    assert [leak.page for leak in scan.report.leaks] == ["courses/c/02.md"]


def test_a_string_scanned_early_cannot_hide_the_start_of_the_next_one(tmp_path):
    """Strings are scanned joined: an open tag or entity at the end of one must not swallow the next."""
    scan = scanner()
    scan.strings_early(["see <a", f"{PAID} >", "&am"])
    scan.file(write_index(tmp_path, f"{PAID} >"), "search/search_index.json")
    assert [leak.page for leak in scan.report.leaks] == ["courses/c/02.md"]


def test_a_json_file_that_does_not_parse_is_scanned_as_text(tmp_path):
    scan = scanner()
    scan.strings_early([PUBLIC])
    broken = tmp_path / "data.json"
    broken.write_text('{"text": "' + PAID + '", oops', encoding="utf-8")
    scan.file(broken, "data.json")
    assert [leak.page for leak in scan.report.leaks] == ["courses/c/02.md"]


REWRITE_SEARCH_INDEX = '''
import json
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-50)  # after the search plugin wrote the index, before Folio's leak guard
def on_post_build(config):
    source = (Path(config.config_file_path).parent / "content" / "{src}").read_text(encoding="utf-8")
    paragraph = next(line for line in source.splitlines() if line.startswith("Paragraph "))
    index = Path(config.site_dir) / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["docs"][0]["text"] += " " + paragraph
    index.write_text(json.dumps(data), encoding="utf-8")
'''


def test_a_search_index_rewritten_after_its_entries_were_scanned_fails_the_build(tmp_path):
    """The helper scans each page's search entries while MkDocs renders; a hook that adds paid text to
    the written index afterwards must still fail the build."""
    result = build_with_hook(tmp_path, REWRITE_SEARCH_INDEX.format(src="courses/leaklab/02-locked.md"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  search/search_index.json: paid text of courses/leaklab/02-locked.md" in result.stderr
    assert not (tmp_path / "site").exists()
