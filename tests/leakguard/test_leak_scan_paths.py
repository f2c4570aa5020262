"""The leak guard catches paid text however the build runs, each path chosen on purpose: its
helper forked (`folio build` on Linux) or inline (FOLIO_BACKGROUND=inline, and always under
`folio serve`), whether the paid text was written while a page rendered or after every page
was written (another plugin's on_post_build)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import sites
from tests.sites import PAID_MARKERS, PAID_SENTENCE
from toolkit.plugin.background import ENV
from toolkit.plugin.staging import build_site
from toolkit.leakguard.scan import LeakError

FOLIO = Path(sys.executable).with_name("folio")
LOCKED_SRC = "courses/leaklab/02-locked.md"
LOCKED_PAGE = "courses/leaklab/02-locked/index.html"
PLANTED = f"Paragraph {PAID_MARKERS['paragraph']} continues. {PAID_SENTENCE}"

# Leaks while the page renders: the scanner sees this output.
WHILE_RENDERING = f'''
def on_post_page(output, page, config):
    if page.file.src_uri == "{LOCKED_SRC}":
        return output.replace("</body>", "<p>{PLANTED}</p></body>")
    return output
'''

# Leaks after every page was written, from a plugin that itself asks to run "last" and later:
# the guard still runs after it.
AFTER_WRITING = f'''
from pathlib import Path
from mkdocs.plugins import event_priority

@event_priority(-10000)
def on_post_build(config):
    page = Path(config.site_dir) / "{LOCKED_PAGE}"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>{PLANTED}</p></body>"), encoding="utf-8")
'''


def site_with_hook(root: Path, hook: str) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "hooks/leak.py").write_text(hook, encoding="utf-8")
    return sites.adversarial_site(root, plugins=["search"], extra={"hooks": ["hooks/leak.py"]})


HELPER_PATHS = {"fork": "in a helper process", "inline": "in the build process"}


def folio_build(root: Path, method: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env[ENV] = method
    return subprocess.run([str(FOLIO), "build"], cwd=root, capture_output=True, text=True, timeout=180, env=env)


@pytest.mark.parametrize("method", sorted(HELPER_PATHS))
@pytest.mark.parametrize("hook", [WHILE_RENDERING, AFTER_WRITING], ids=["while-rendering", "after-writing"])
def test_folio_build_names_a_page_leak(tmp_path, hook, method):
    site_with_hook(tmp_path, hook)
    result = folio_build(tmp_path, method)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert LOCKED_PAGE in result.stderr and LOCKED_SRC in result.stderr, result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("hook", [WHILE_RENDERING, AFTER_WRITING], ids=["while-rendering", "after-writing"])
def test_in_process_build_names_a_page_leak(tmp_path, hook, monkeypatch):
    monkeypatch.setenv(ENV, "inline")  # pytest's own threads would make forking unsafe anyway
    config = site_with_hook(tmp_path, hook)
    with pytest.raises(LeakError) as caught:
        build_site(config)
    assert LOCKED_PAGE in str(caught.value) and LOCKED_SRC in str(caught.value)


@pytest.mark.parametrize("method", sorted(HELPER_PATHS))
def test_folio_build_of_a_clean_site_passes_and_says_where_it_scanned(tmp_path, method):
    sites.adversarial_site(tmp_path, plugins=["search"], folio={"public_files": ["/downloads/*"]})
    downloads = tmp_path / "content/downloads"
    downloads.mkdir()
    (downloads / "handout.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")
    (downloads / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    result = folio_build(tmp_path, method)
    assert result.returncode == 0, result.stderr
    assert "leak guard: clean (" in result.stdout
    assert f"files scanned {HELPER_PATHS[method]}; 1 image, font or media file not read)." in result.stdout
    # A binary the guard cannot fully read is named in the summary, never silently passed.
    assert "leak guard: 1 file it could not fully read:" in result.stdout
    assert "downloads/handout.pdf: PDF: only the plain text in its bytes was checked" in result.stdout
