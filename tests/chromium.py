"""Debian's Chromium for the browser tests: where it is, how it starts, and a module-scoped `browser` fixture.

Never a downloaded browser build. The flags keep it quiet on a machine whose network reaches only
127.0.0.1 (no background connections to Google's hosts) and let it run as root.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

# `pytestmark = NEEDS_CHROMIUM` in a module of browser tests.
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def loopback_only(context) -> None:
    """Let pages in `context` reach 127.0.0.1 only (Material asks Google for fonts; tests stay offline)."""
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                  else route.abort())
