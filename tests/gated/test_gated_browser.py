"""A buyer opens the unpacked bundle with no network: the formulas render (headless Chromium)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM
from tests.gated.figures import figures_site
from toolkit.plugin.staging import build_site
from tests.downloads import assembled


pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("offline")
    build_site(figures_site(root))
    (pack,) = (root / "gated/course/optics").glob("optics.*.zip.pack")
    bundle = assembled(pack)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "unpacked")
    return root / "unpacked/optics"


def test_math_renders_in_a_page_opened_from_the_unpacked_zip_with_no_network(unpacked, tmp_path):
    from playwright.sync_api import sync_playwright

    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 900})

        def only_files(route):
            requested.append(route.request.url)
            return route.continue_() if route.request.url.startswith("file://") else route.abort()

        context.route("**/*", only_files)
        page = context.new_page()
        page.goto((unpacked / "01-lenses.html").as_uri())
        page.wait_for_selector(".arithmatex .katex", timeout=10_000)
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(tmp_path / "math.png"), full_page=True)
        rendered = page.locator(".arithmatex .katex").count()
        raw_tex = page.evaluate("[...document.querySelectorAll('.arithmatex')].map(e => e.innerText).join(' ')")
        katex_font = page.evaluate("document.fonts.check('16px KaTeX_Main')")
        images_loaded = page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        browser.close()

    assert rendered == 2  # the inline formula and the display formula
    assert "\\frac" not in raw_tex and "\\int" not in raw_tex
    assert katex_font and images_loaded
    assert requested and all(url.startswith("file://") for url in requested)
    assert (tmp_path / "math.png").stat().st_size > 5_000
