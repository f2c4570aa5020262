"""Formulas on public pages render with the KaTeX Folio ships, loaded from the site itself."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from tests.artifacts import artifact
from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)
from tests.sites import MARKDOWN_EXTENSIONS, write_site

MATH = MARKDOWN_EXTENSIONS + [{"pymdownx.arithmatex": {"generic": True}}]

PAGES = {
    "en": {
        "index.md": "# Home\n\nWelcome.\n",
        "courses/m/index.md": "---\ntype: course\ntitle: Math\nprice: 9 USD\nlevel: beginner\nauthors: [Ann]\n---\n\n# Math\n",
        "courses/m/01-free.md": ("---\ntitle: Free\naccess: free\n---\n\n# Free\n\nEuler: $e^{i\\pi} + 1 = 0$.\n\n"
                                 "$$\n\\begin{aligned} a &= b + c \\\\ d &= e \\end{aligned}\n$$\n"),
        "courses/m/02-paid.md": "---\ntitle: Paid\n---\n\n# Paid\n\nTeaser.\n\n<!-- more -->\n\nPaid $x^2$ words.\n",
    },
    "zh": {
        "index.md": "# 首页\n\n欢迎。\n",
        "courses/m/index.md": "---\ntype: course\ntitle: 数学\nprice: 9 USD\nlevel: beginner\nauthors: [Ann]\nlanguage: zh\n---\n\n# 数学\n",
        "courses/m/01-free.md": ("---\ntitle: 免费\naccess: free\n---\n\n# 免费\n\n欧拉公式：$e^{i\\pi} + 1 = 0$。\n\n"
                                 "$$\n\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}\n$$\n"),
        "courses/m/02-paid.md": "---\ntitle: 付费\n---\n\n# 付费\n\n预告。\n\n<!-- more -->\n\n付费 $x^2$ 内容。\n",
    },
}


def build(root, language: str):
    from toolkit.plugin.staging import build_site

    config = write_site(root, PAGES[language], language=language, folio={"gate_url": None},
                        extra={"markdown_extensions": MATH})
    build_site(config)
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    return {lang: build(tmp_path_factory.mktemp(f"math-{lang}"), lang) for lang in PAGES}


def test_katex_is_copied_into_the_site_and_named_on_every_page(sites):
    site = sites["en"]
    for name in ("katex.min.css", "katex.min.js", "auto-render.min.js", "folio-math.js",
                 "fonts/KaTeX_Main-Regular.woff2"):
        assert (site / "assets/folio-katex" / name).is_file(), name
    html = (site / "courses/m/01-free/index.html").read_text(encoding="utf-8")
    assert 'href="../../../assets/folio-katex/katex.min.css"' in html
    assert 'src="../../../assets/folio-katex/katex.min.js" defer' in html or \
        'defer src="../../../assets/folio-katex/katex.min.js"' in html
    assert "cdn" not in html.lower().replace("cdnjs", "")  # no third-party script


def test_katex_is_in_the_public_tree_for_builders_without_folio(sites):
    tree = sites["en"].parent / ".folio/public/assets/folio-katex/katex.min.js"
    assert tree.is_file()


def test_a_site_without_arithmatex_gets_no_katex(tmp_path):
    from toolkit.plugin.staging import build_site

    config = write_site(tmp_path / "plain", PAGES["en"], folio={"gate_url": None})
    build_site(config)
    assert not (tmp_path / "plain/site/assets/folio-katex").exists()
    assert "katex" not in (tmp_path / "plain/site/courses/m/01-free/index.html").read_text(encoding="utf-8")


def _serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@NEEDS_CHROMIUM[0]
@NEEDS_CHROMIUM[1]
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_free_chapter_formula_renders_offline_in_chromium(sites, browser, language, viewport):  # noqa: F811
    server = _serve(sites[language])
    try:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        loopback_only(context)
        blocked = []
        context.on("requestfailed", lambda request: blocked.append(request.url))
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/courses/m/01-free/")
        page.wait_for_selector(".arithmatex .katex", timeout=10_000)
        assert page.locator(".arithmatex .katex").count() >= 2
        assert page.locator(".katex-display").count() == 1
        # The fonts came from the site: KaTeX's own font is in use, not a fallback.
        assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
        page.screenshot(path=str(artifact(f"math-public-{language}-{viewport[0]}.png")), full_page=True)
        assert not [url for url in blocked if "katex" in url]
        context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_arithmatex_without_generic_is_a_warning_in_build_and_check(tmp_path, caplog):
    import logging

    from click.testing import CliRunner

    from toolkit.commands.check import command as check
    from toolkit.plugin.staging import build_site

    config = write_site(tmp_path / "ng", PAGES["en"], folio={"gate_url": None},
                        extra={"markdown_extensions": MARKDOWN_EXTENSIONS + ["pymdownx.arithmatex"]})
    with caplog.at_level(logging.WARNING):
        build_site(config)
    assert "pymdownx.arithmatex: set `generic: true`" in caplog.text
    result = CliRunner().invoke(check, ["--config-file", str(config), "--strict"])
    assert result.exit_code == 1


@NEEDS_CHROMIUM[0]
@NEEDS_CHROMIUM[1]
def test_formulas_render_after_material_instant_navigation(tmp_path, browser):  # noqa: F811
    from toolkit.plugin.staging import build_site

    server = _serve(tmp_path / "instant/site")  # Material navigates in place only within site_url
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = {**PAGES["en"], "index.md": "# Home\n\nRead [the free chapter](courses/m/01-free.md).\n"}
    config = write_site(tmp_path / "instant", pages, folio={"gate_url": None},
                        extra={"markdown_extensions": MATH, "site_url": base})
    text = config.read_text(encoding="utf-8").replace("  language: en\n", "  language: en\n  features:\n  - navigation.instant\n")
    config.write_text(text, encoding="utf-8")
    build_site(config)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        loopback_only(context)
        page = context.new_page()
        page.goto(base)
        page.evaluate("() => { window.folioFirstLoad = 'yes'; }")
        page.locator("article a", has_text="the free chapter").click()
        page.wait_for_selector(".arithmatex .katex", timeout=10_000)
        # Material swapped the page in place (no new load): folio-math.js typeset it on document$.
        assert page.evaluate("() => window.folioFirstLoad") == "yes"
        context.close()
    finally:
        server.shutdown()
        server.server_close()
