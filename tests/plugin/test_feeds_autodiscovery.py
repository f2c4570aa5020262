"""Feed autodiscovery that readers find and Material does not take for a translation of the page."""

from __future__ import annotations

import functools
import http.server
import re
import threading

import pytest

from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)


def test_pages_link_their_feeds_with_the_alternate_token(example_site):
    html = example_site.page("articles/")
    links = re.findall(r'<link rel="([^"]+)" type="application/(rss|atom)\+xml"[^>]*href="([^"]+)"', html)
    assert {kind for _, kind, _ in links} == {"rss", "atom"}
    for rel, _, href in links:
        assert "alternate" in rel.split() and rel != "alternate"  # found by readers; no exact match
        assert href.startswith("../feeds/")


@pytest.fixture(scope="module")
def base_url(example_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(example_site.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@NEEDS_CHROMIUM[0]
@NEEDS_CHROMIUM[1]
@pytest.mark.parametrize("url", ["", "articles/", "articles/rust-error-handling/"])
def test_no_page_asks_for_a_sitemap_next_to_the_feeds(browser, base_url, url):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    loopback_only(context)
    missing = []
    context.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(base_url + url)
    page.wait_for_load_state("networkidle")
    context.close()
    assert not [u for u in requested if "feeds/sitemap.xml" in u]
    assert missing == []
