"""Members read in the site, in headless Chromium on the sandbox stack: English, Chinese, a phone.

A buyer signing in by email in a fresh browser comes back to the chapter they signed in from,
whose paywall unlocks in place (the table of contents and anchors included); the header knows
them; the course page offers Read and Download instead of Buy and the last chapter read; a yearly
member's library lists every course; the reading page has the site's font; no request leaves for
a third party; a signed-out page asks the gate once; axe finds nothing serious on the gate's pages;
the fetched HTML of a locked page and every file of site/ hold no locked text.

Screenshots go to tests/artifacts/members/<run>/ (git-ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.chromium import NEEDS_CHROMIUM, browser  # noqa: F401  (fixture)
from tests.conftest import REPO
from tests.journey.stack_fixtures import Reader, s3_env  # noqa: F401
from tests.journey.test_purchase_journey import CHINESE, ENGLISH, Journey, stack_for

ARTIFACTS = REPO / "tests" / "artifacts" / "members"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = NEEDS_CHROMIUM


@dataclass(frozen=True)
class Words:
    sign_in: str
    library: str
    read: str
    download: str
    course_url: str
    courses: tuple[str, ...]


WORDS = {
    "en": Words("Sign in", "Library", "Read", "Download", "courses/async-python/",
                ("Async Python in Production", "Rust 所有权与借用实战")),
    "zh": Words("登录", "书架", "阅读", "下载", "courses/rust-ownership-zh/",
                ("Async Python in Production", "Rust 所有权与借用实战")),
}


@pytest.fixture(scope="module")
def english(tmp_path_factory, s3_env):  # noqa: F811
    with stack_for(tmp_path_factory, "en") as stack:
        yield stack


@pytest.fixture(scope="module")
def chinese(tmp_path_factory, s3_env):  # noqa: F811
    with stack_for(tmp_path_factory, "zh") as stack:
        yield stack


class Browser:
    """One fresh browser context; every request it tries is noted (third parties are refused)."""

    def __init__(self, browser, stack, name: str, viewport: dict) -> None:
        self.stack = stack
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0
        self.context = browser.new_context(viewport=viewport)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith("http://127.0.0.1") else route.abort())
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def shot(self, step: str) -> Path:
        self.steps += 1
        path = self.folder / f"{self.steps:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def to_gate(self) -> list[str]:
        return [u for u in self.requests if u.startswith(self.stack.urls.gate)]

    def third_parties(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")]

    def close(self) -> None:
        self.context.close()


def font_of(page, selector: str = ".md-typeset") -> str:
    return page.evaluate("s => getComputedStyle(document.querySelector(s)).fontFamily", selector)


def sign_in_by_mail(b: Browser, email: str) -> None:
    """On the gate's sign-in page: ask for a link, open it from the sandbox's mail, press the button."""
    page, stack = b.page, b.stack
    before = len(stack.smtp.messages)
    page.fill("input[type=email]", email)
    page.click("form button")
    mail = stack.smtp.box.wait_for(lambda m: email in m.recipients and "/signin/confirm" in m.text, timeout=10,
                                   after=before)
    page.goto([link for link in mail.links() if "/signin/confirm" in link][0])
    b.shot("confirm")
    page.click("form button")


def walk_sign_in_and_unlock(b: Browser, journey: Journey, words: Words) -> None:
    page, stack = b.page, b.stack
    reader = Reader(stack)
    reader.buy(journey.product)

    # A fresh browser: the teaser, the paywall, "Sign in" in the header, and one request to the gate.
    page.goto(f"{stack.urls.site}/{journey.chapter_url}")
    account = page.locator(".folio-account")
    account.wait_for(state="visible")
    assert account.inner_text().strip() == words.sign_in
    assert page.locator("#folio-paywall").is_visible() and journey.paid_text not in page.content()
    page.wait_for_load_state("networkidle")
    assert len(b.to_gate()) == 1, b.to_gate()
    b.shot("signed-out")

    # Sign in from the paywall: the mailed link brings the reader back to this chapter, unlocked in place.
    page.locator(".folio-paywall__login").click()
    page.wait_for_url(re.compile(re.escape(stack.urls.gate) + "/signin"))
    b.shot("signin")
    sign_in_by_mail(b, reader.email)
    page.wait_for_url(f"{stack.urls.site}/{journey.chapter_url}")
    page.locator(".folio-locked").wait_for(state="visible")
    assert journey.paid_text in page.inner_text("article")
    assert page.locator("#folio-paywall").count() == 0
    assert page.locator(".folio-account").inner_text().startswith(words.library)
    # The figure of the locked part loads (a signed URL); the table of contents names the locked headings.
    image = page.locator(f"img[alt='{journey.image_alt}']")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    # Its formula is typeset in place (KaTeX from the gate, signed, as the site has none of its own).
    page.locator(".folio-locked .arithmatex .katex").first.wait_for(state="attached")
    heading = page.locator(".folio-locked h2[id]").first.get_attribute("id")
    if page.viewport_size["width"] > 1000:
        assert page.locator(f".md-sidebar--secondary a[href='#{heading}']").count() == 1
    b.shot("unlocked-in-place")
    # An anchor into the locked part works once it is in place.
    page.goto(f"{stack.urls.site}/{journey.chapter_url}#{heading}")
    page.locator(".folio-locked").wait_for(state="visible")
    page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                           " return r.top >= -2 && r.top < window.innerHeight; }", arg=heading)
    site_font = font_of(page)

    # The course page: Read and Download instead of Buy, and the chapter read last.
    page.goto(f"{stack.urls.site}/{words.course_url}")
    page.locator(".folio-owned").first.wait_for(state="visible")
    assert page.locator(".folio-owned a").first.inner_text().strip() == words.read
    assert page.locator(".folio-continue a").first.is_visible()
    b.shot("course-owned")

    # The reading page on the gate is a page of the site: same font, same header.
    page.goto(f"{stack.urls.gate}/read/{journey.product}/{journey.chapter_source}")
    assert journey.paid_text in page.inner_text("article")
    assert font_of(page) == site_font
    assert "system-ui" in site_font  # the site's own stack (folio.css), not the browser's default serif
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    b.shot("read-on-the-gate")
    assert b.third_parties() == []


@pytest.mark.parametrize("name, viewport", [("en-desktop", DESKTOP), ("en-phone", PHONE)])
def test_signing_in_in_a_fresh_browser_unlocks_paywalls_in_place_in_english(browser, english, name, viewport):
    b = Browser(browser, english, name, viewport)
    try:
        walk_sign_in_and_unlock(b, ENGLISH, WORDS["en"])
    finally:
        b.close()


def test_signing_in_in_a_fresh_browser_unlocks_paywalls_in_place_in_chinese(browser, chinese):
    b = Browser(browser, chinese, "zh-phone", PHONE)
    try:
        walk_sign_in_and_unlock(b, CHINESE, WORDS["zh"])
    finally:
        b.close()


def test_buying_from_a_chapter_in_chinese_on_a_phone_comes_back_to_it_unlocked(browser, chinese):
    b = Browser(browser, chinese, "zh-phone-buy", PHONE)
    page, stack = b.page, chinese
    try:
        page.goto(f"{stack.urls.site}/{CHINESE.chapter_url}")
        page.locator(".folio-account").wait_for(state="visible")
        page.locator("#folio-paywall form button").first.click()
        page.wait_for_url(re.compile(re.escape(stack.standin.url) + r"/pay/cs_"))
        page.fill("input[name=email]", Reader(stack).email)
        page.click("button[value=pay]")
        page.wait_for_url(f"{stack.urls.site}/{CHINESE.chapter_url}")
        page.locator(".folio-locked").wait_for(state="visible")
        assert CHINESE.paid_text in page.inner_text("article")
        assert page.locator(".folio-thanks a").is_visible()
        # No sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        b.shot("back-unlocked")
        assert b.third_parties() == []
    finally:
        b.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_yearly_members_library_lists_every_course(browser, english, chinese, language):
    stack = english if language == "en" else chinese
    reader = Reader(stack)
    reader.buy("membership", plan="yearly")
    b = Browser(browser, stack, f"{language}-library", PHONE)
    try:
        b.page.goto(f"{stack.urls.gate}/signin")
        sign_in_by_mail(b, reader.email)
        b.page.wait_for_url(f"{stack.urls.gate}/library")
        shelves = b.page.locator("section.product")
        titles = [shelves.nth(i).locator("h2").inner_text() for i in range(shelves.count())]
        for course in WORDS[language].courses:
            assert course in titles, titles
        # The membership's own shelf: its members pages, the zip and an EPUB.
        assert b.page.locator("section.product[data-product='membership'] a.download").count() == 2
        for course in ("course:async-python", "course:rust-ownership-zh"):
            shelf = b.page.locator(f"section.product[data-product='{course}']")
            assert shelf.locator("a.read").count() > 0 and shelf.locator("a.download").count() == 2
        assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        b.shot("library")
    finally:
        b.close()


GATE_PAGES = ["/signin", "/signin/confirm?token=bad", "/library-nope", "/success?session_id=cs_nope"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_gates_pages_pass_an_accessibility_check(browser, english, chinese, language):
    from axe_playwright_python.sync_playwright import Axe

    stack = english if language == "en" else chinese
    reader = Reader(stack)
    session_id = reader.buy("course:async-python")
    b = Browser(browser, stack, f"{language}-axe", PHONE)
    try:
        pages = [stack.urls.gate + path for path in [*GATE_PAGES, f"/success?session_id={session_id}"]]
        b.page.goto(f"{stack.urls.gate}/signin")
        sign_in_by_mail(b, reader.email)
        pages += [f"{stack.urls.gate}/library", f"{stack.urls.gate}/signout"]
        for url in pages:
            b.page.goto(url)
            results = Axe().run(b.page, options={"resultTypes": ["violations"]})
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert not serious, url + "\n" + "\n".join(f"{v['id']}: {v['help']}" for v in serious)
            assert b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
        b.shot("signout")
    finally:
        b.close()


def test_a_locked_page_fetched_without_script_and_every_file_of_site_hold_no_locked_text(english):
    html = requests.get(f"{english.urls.site}/{ENGLISH.chapter_url}", timeout=30).text
    assert ENGLISH.teaser in html and 'id="folio-paywall"' in html
    assert ENGLISH.paid_text not in html
    site = english.work / "site"
    leaks = [p for p in site.rglob("*") if p.is_file() and ENGLISH.paid_text.encode() in p.read_bytes()]
    assert leaks == [] and any(site.rglob("*.html"))


def test_after_a_refund_the_chapter_locks_again_once_the_gate_knows(browser, english):
    """The gate learns of the refund at its next check with Stripe (here: the library, which always
    asks); from then on the site's script hears "nothing to read" and the paywall stays."""
    stack = english
    reader = Reader(stack)
    session_id = reader.buy(ENGLISH.product)
    b = Browser(browser, stack, "en-refund", DESKTOP)
    page = b.page
    try:
        page.goto(f"{stack.urls.gate}/signin?next={ENGLISH.chapter_source}")
        sign_in_by_mail(b, reader.email)
        page.wait_for_url(f"{stack.urls.site}/{ENGLISH.chapter_url}")
        page.locator(".folio-locked").wait_for(state="visible")

        stack.standin.refund(session_id)
        page.goto(f"{stack.urls.gate}/library")
        assert ENGLISH.revoked in page.inner_text("body")
        page.goto(f"{stack.urls.site}/{ENGLISH.chapter_url}")
        page.locator(".folio-account").wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        assert page.locator("#folio-paywall").is_visible() and page.locator(".folio-locked").count() == 0
        assert ENGLISH.paid_text not in page.content()
        b.shot("locked-again")
    finally:
        b.close()
