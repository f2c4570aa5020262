"""The built example site in headless Chromium: chapter lists, the paywall box, teasers without paid text."""

from __future__ import annotations

import functools
import http.server
import shutil
from pathlib import Path

import pytest

from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)
from tests.loopback import serve_in_thread

PAID_CHAPTER = "courses/async-python/03-tasks-and-cancellation/"
TEASER = "A coroutine object does nothing until someone awaits it."
PAID_SENTENCES = ["the event loop holds only a", "Keep a reference"]  # from after `<!-- more -->`

pytestmark = NEEDS_CHROMIUM


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def base_url(example_site):
    """The built example site served over HTTP on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(example_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    loopback_only(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def test_course_page_shows_the_chapter_list_with_badges(page, base_url, tmp_path):
    page.goto(base_url + "courses/async-python/")
    rows = page.locator("ol.folio-chapters > li")
    assert rows.count() == 6
    for i in range(6):
        assert rows.nth(i).is_visible()
        assert rows.nth(i).locator(".folio-badge").is_visible()
    assert rows.nth(0).locator(".folio-badge").inner_text() == "Free"
    assert rows.nth(5).locator(".folio-badge").inner_text() == "Paid"
    screenshot(page, tmp_path / "course.png")


def test_paid_chapter_shows_teaser_and_paywall_but_no_paid_text(page, base_url, tmp_path):
    page.goto(base_url + PAID_CHAPTER)
    assert page.get_by_text(TEASER).is_visible()
    paywall = page.locator("#folio-paywall")
    assert paywall.is_visible()
    buttons = paywall.locator("button")
    assert [buttons.nth(i).inner_text() for i in range(buttons.count())] == [
        "Buy the course — 49 USD", "Join — 9 USD / month", "Join — 90 USD / year"]
    assert all(buttons.nth(i).is_visible() for i in range(buttons.count()))
    bought = paywall.get_by_role("link", name="Read it — I already bought")
    assert bought.is_visible()
    assert bought.get_attribute("href").endswith("/read/course:async-python/courses/async-python/"
                                                  "03-tasks-and-cancellation.md")
    dom = page.content()
    for sentence in PAID_SENTENCES:
        assert sentence not in dom
    screenshot(page, tmp_path / "paywall.png")
    shutil.copyfile(tmp_path / "paywall.png", "/tmp/folio-paywall.png")


def test_salons_index_shows_upcoming_and_past(page, base_url, tmp_path):
    page.goto(base_url + "salons/")
    assert page.locator("h2#upcoming").is_visible() and page.locator("h2#past").is_visible()
    assert page.get_by_role("link", name="Observability beyond dashboards").first.is_visible()
    assert page.locator("article .folio-listing li").count() == 3
    screenshot(page, tmp_path / "salons.png")
