"""The storefront in headless Chromium: what a reader sees, with no request leaving the machine, accessibly."""

from __future__ import annotations

import pytest

from tests.artifacts import artifact
from tests.plugin.test_browser import base_url, screenshot  # noqa: F401  (fixture)
from tests.chromium import NEEDS_CHROMIUM, browser  # noqa: F401  (fixture)

pytestmark = NEEDS_CHROMIUM

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def watched(browser):
    """A page whose every request is recorded; anything not on 127.0.0.1 is blocked and listed."""
    context = browser.new_context(viewport=DESKTOP)
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            return r.continue_()
        outside.append(url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.outside = outside
    yield page
    context.close()


def _pages(example_site) -> list[str]:
    return sorted(str(p.relative_to(example_site.site).parent) + "/" for p in example_site.site.rglob("index.html"))


def test_no_page_of_the_example_site_requests_anything_outside_the_machine(watched, base_url, example_site):
    pages = _pages(example_site)
    assert len(pages) > 15
    for path in pages:
        watched.goto(base_url + ("" if path == "./" else path), wait_until="networkidle")
    assert watched.outside == []


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_storefront_home_shows_course_cards_with_buy_buttons(browser, base_url, viewport_name):
    context = browser.new_context(viewport=DESKTOP if viewport_name == "desktop" else PHONE)
    page = context.new_page()
    page.goto(base_url)
    cards = page.locator(".folio-block--courses .folio-card")
    assert cards.count() == 2
    for i in range(2):
        card = cards.nth(i)
        assert card.get_by_role("link", name="Start reading").is_visible()
        assert card.get_by_role("button", name="Buy").is_visible()
    box = cards.nth(0).bounding_box()
    assert box["width"] <= page.viewport_size["width"]  # no sideways scrolling on a phone
    assert page.locator(".folio-block--salons .folio-card").count() == 1
    screenshot(page, artifact(f"storefront/home-{viewport_name}.png"))
    page.goto(base_url + "courses/async-python/")
    buy = page.get_by_role("button", name="Buy the course — 49 USD")
    assert buy.is_visible()
    # The buy action is on the first screen, before the author's long text.
    assert buy.bounding_box()["y"] < page.get_by_text("Most asyncio tutorials end").bounding_box()["y"]
    screenshot(page, artifact(f"storefront/course-{viewport_name}.png"))
    context.close()


@pytest.mark.parametrize("path, region", [
    ("", ".folio-block--courses"),
    ("courses/async-python/", ".folio-course-actions"),
    ("courses/async-python/03-tasks-and-cancellation/", "#folio-paywall"),
])
def test_cards_buy_buttons_and_paywall_pass_an_accessibility_check(browser, base_url, path, region):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + path)
    results = Axe().run(page, context=region, options={"resultTypes": ["violations"]})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert page.locator(region).count() == 1
    assert not serious, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in serious)
    page.close()
