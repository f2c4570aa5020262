"""The whole purchase journey in headless Chromium, on the sandbox stack, in English, in Chinese and on a phone.

A reader opens a paid chapter (teaser and paywall, no paid text in the DOM), buys, pays on
the Stripe stand-in's page, comes back to the chapter unlocked in place, opens the gate's
success page from there, downloads the zip, reads the chapter online (a page of the site)
with its image and formula, signs out, signs in again with the link from
the mail the sandbox caught, sees the library, and loses access after a refund.

Screenshots of every step go to tests/artifacts/journey/<run>/ (git-ignored).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)
from tests.conftest import REPO, copy_example
from tests.journey.stack_fixtures import new_email, s3_env  # noqa: F401
from toolkit.sandbox.stack import SandboxStack

ARTIFACTS = REPO / "tests" / "artifacts" / "journey"
FORMULA = r"T_{total} = n \cdot t_{task}"

pytestmark = NEEDS_CHROMIUM


@dataclass(frozen=True)
class Journey:
    """What differs between the English and the Chinese walk."""

    language: str
    product: str
    chapter_url: str  # on the site
    chapter_source: str
    teaser: str
    paid_text: str
    course_title: str
    sign_out: str
    signin_sent: str
    revoked: str
    image_alt: str


ENGLISH = Journey("en", "course:async-python", "courses/async-python/03-tasks-and-cancellation/",
                  "courses/async-python/03-tasks-and-cancellation.md",
                  "A coroutine object does nothing until someone awaits it.", "Keep a reference",
                  "Async Python in Production", "Sign out", "Check your mail", "refunded",
                  "A task receiving CancelledError, running cleanup and ending cancelled")
CHINESE = Journey("zh", "course:rust-ownership-zh", "courses/rust-ownership-zh/02-borrowing/",
                  "courses/rust-ownership-zh/02-borrowing.md",
                  "把值传给函数会转移所有权", "引用分为两种", "Rust 所有权与借用实战", "退出登录", "请查收邮件", "已退款",
                  "共享借用与可变借用的关系示意图")


def journey_site(root: Path, language: str) -> Path:
    """The example site, with a formula in each paid chapter the journeys read."""
    copy_example(root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("language: en", f"language: {language}")
    config.write_text(text + "  - pymdownx.arithmatex:\n      generic: true\n", encoding="utf-8")
    for journey in (ENGLISH, CHINESE):
        chapter = root / "content" / journey.chapter_source
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n\nThe cost: \\({FORMULA}\\)\n", encoding="utf-8")
    return config


def stack_for(tmp_path_factory, language: str):
    config = journey_site(tmp_path_factory.mktemp(f"journey-{language}") / "site", language)
    return SandboxStack(config, site_addr="127.0.0.1:0", site_server=True, isolate_aws=False)


@pytest.fixture(scope="module")
def english_stack(tmp_path_factory, s3_env):  # noqa: F811
    with stack_for(tmp_path_factory, "en") as stack:
        yield stack


@pytest.fixture(scope="module")
def chinese_stack(tmp_path_factory, s3_env):  # noqa: F811
    with stack_for(tmp_path_factory, "zh") as stack:
        yield stack


class Walk:
    """One reader in one browser context, taking screenshots as they go."""

    def __init__(self, browser, stack: SandboxStack, journey: Journey, name: str, viewport: dict) -> None:
        self.stack, self.journey = stack, journey
        self.email = new_email()
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        loopback_only(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def shot(self, step: str) -> None:
        self.steps += 1
        path = self.folder / f"{self.steps:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def html(self) -> str:
        return self.page.content()

    def close(self) -> None:
        self.context.close()


def walk_the_journey(walk: Walk) -> None:
    page, stack, journey = walk.page, walk.stack, walk.journey

    # 1. A paid chapter: the teaser and the paywall, and not a word of the paid text in the DOM.
    page.goto(f"{stack.urls.site}/{journey.chapter_url}")
    assert page.locator(".folio-sandbox").first.is_visible()
    assert journey.teaser in page.inner_text("article")
    assert page.locator("#folio-paywall").is_visible()
    assert journey.paid_text not in walk.html()
    walk.shot("paywall")

    # 2. Buy: the paywall's first offer posts to the gate, which sends the reader to Stripe Checkout.
    page.locator("#folio-paywall form button").first.click()
    page.wait_for_url(re.compile(re.escape(stack.standin.url) + r"/pay/cs_"))
    assert "Sandbox" in walk.html()
    page.fill("input[name=email]", walk.email)
    walk.shot("checkout")
    page.click("button[value=pay]")

    # 3. Back on the chapter, unlocked in place: the paid text where the paywall was, and a way to the downloads.
    page.wait_for_url(f"{stack.urls.site}/{journey.chapter_url}")
    page.locator(".folio-locked").wait_for(state="visible")
    assert journey.paid_text in page.inner_text("article")
    assert page.locator("#folio-paywall").count() == 0
    walk.shot("back-unlocked")
    page.locator(".folio-thanks a").click()

    # The success page, with download and read-online links.
    page.wait_for_url(re.compile(re.escape(stack.urls.gate) + r"/success\?session_id=cs_"))
    session_id = parse_qs(urlsplit(page.url).query)["session_id"][0]
    assert page.locator("a.download").first.is_visible()
    assert page.locator(".sandbox-banner").is_visible()
    walk.shot("success")

    # 4. The zip holds the paid text.
    with page.expect_download() as download:
        page.locator("a.download").first.click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as bundle:
        assert any(journey.paid_text in bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist())

    # 5. Read the paid chapter online: its text, its image and its formula.
    page.locator(f"a.read-online[href*='{journey.chapter_source}']").click()
    page.wait_for_url(re.compile(re.escape(stack.urls.gate) + "/read/"))
    assert journey.paid_text in page.inner_text("body")
    assert page.locator(".folio-sandbox").is_visible()  # a page of the site, with the site's banner
    # The image comes with the page (a signed S3 URL or inlined by the gated build): it must load.
    image = page.locator(f"img[alt='{journey.image_alt}']")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    # The formula is typeset in the browser (KaTeX, served with the page): rendered, with its TeX kept.
    page.locator(".arithmatex .katex").first.wait_for(state="visible")
    assert page.locator(".arithmatex annotation").first.text_content().strip() == FORMULA
    walk.shot("read-online")

    # 6. Sign out; the chapter is locked again.
    page.goto(f"{stack.urls.gate}/signout")
    page.click("form button")
    walk.shot("signed-out")
    page.goto(f"{stack.urls.gate}/read/{journey.product}/{journey.chapter_source}")
    page.wait_for_url(re.compile(re.escape(stack.urls.site)))
    assert page.locator("#folio-paywall").is_visible()
    assert journey.paid_text not in walk.html()

    # 7. Sign in again with the link from the mail the sandbox caught.
    page.goto(f"{stack.urls.gate}/signin")
    page.fill("input[type=email]", walk.email)
    page.click("form button")
    assert journey.signin_sent in page.inner_text("body")
    walk.shot("signin-sent")
    stack.smtp.box.wait_for(lambda m: walk.email in m.recipients and "/signin/confirm" in m.text, timeout=10)
    page.goto(stack.urls.mail)
    receipts = stack.smtp.box.to(walk.email)
    assert len(receipts) == 2  # the receipt and the sign-in link
    page.locator("a.mail").first.click()  # newest first: the sign-in mail
    walk.shot("mail")
    page.locator("pre.mail-text a[href*='/signin/confirm']").first.click()
    page.wait_for_url(re.compile(re.escape(stack.urls.gate) + "/signin/confirm"))
    walk.shot("confirm")
    page.click("form button")

    # 8. The library: the course with fresh links.
    page.wait_for_url(stack.urls.gate + "/library")
    assert journey.course_title in page.inner_text("body")
    assert page.locator("a.read").count() > 0 and page.locator("a.download").count() > 0
    walk.shot("library")

    # 9. A refund in the stand-in: the next check revokes access.
    stack.standin.refund(session_id)
    page.reload()
    assert journey.revoked in page.inner_text("body")
    assert page.locator("a.read").count() == 0
    walk.shot("refunded")
    page.goto(f"{stack.urls.gate}/read/{journey.product}/{journey.chapter_source}")
    # The signed-in reader is told why (refunded, in their language), not sent to the paywall.
    from toolkit.content.strings import strings

    assert page.locator("h1").inner_text() == strings(journey.language)["gate_refunded_title"]
    assert journey.paid_text not in walk.html()
    walk.shot("locked-again")


def test_the_purchase_journey_in_english(browser, english_stack):
    walk = Walk(browser, english_stack, ENGLISH, "en-desktop", {"width": 1280, "height": 900})
    try:
        walk_the_journey(walk)
    finally:
        walk.close()


def test_the_purchase_journey_on_a_phone(browser, english_stack):
    walk = Walk(browser, english_stack, ENGLISH, "en-phone", {"width": 390, "height": 844})
    try:
        walk_the_journey(walk)
    finally:
        walk.close()


def test_the_purchase_journey_in_chinese(browser, chinese_stack):
    walk = Walk(browser, chinese_stack, CHINESE, "zh-desktop", {"width": 1280, "height": 900})
    try:
        walk_the_journey(walk)
    finally:
        walk.close()
