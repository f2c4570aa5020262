"""The pages a refused reader meets, in headless Chromium at phone size, in English and Chinese.

Screenshots go to tests/artifacts/gate/ (look at them). The pages carry the gate's
Content-Security-Policy; the tests fail on any violation Chromium reports.
"""

from __future__ import annotations

import pytest

from tests.artifacts import artifact
from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)
from tests.gate.gatekit import COURSE, GateServer, published, selling  # noqa: F401
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401

pytestmark = NEEDS_CHROMIUM

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    loopback_only(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()


def gate_in(selling, language: str) -> GateServer:
    server = GateServer(selling.settings(language=language))
    selling.standin.webhook_url = f"{server.url}/webhook"
    return server


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("language, title", [("en", "This purchase was refunded"), ("zh", "这笔购买已退款")])
def test_a_refunded_purchase_says_why_on_a_phone(phone, selling, language, title):
    server = gate_in(selling, language)
    try:
        session_id = selling.open_session()
        selling.standin.complete_checkout(session_id, "paid", email="reader@example.com")
        selling.standin.refund(session_id)
        phone.goto(f"{server.url}/success?session_id={session_id}")
        assert phone.locator("h1").inner_text() == title
        assert phone.locator("a[href*='/read/']").count() == 0
        assert fits_the_phone(phone) and phone.csp_violations == []
        phone.screenshot(path=artifact(f"gate/refunded-{language}.png"), full_page=True)
    finally:
        selling.standin.webhook_url = None
        server.close()


@pytest.mark.parametrize("language, title, button", [("en", "Your bank transfer did not go through", "Try again"),
                                                     ("zh", "银行转账未成功", "重试")])
def test_a_failed_transfer_offers_to_try_again_on_a_phone(phone, selling, language, title, button):
    server = gate_in(selling, language)
    try:
        session_id = selling.open_session()
        selling.standin.complete_checkout(session_id, "async_failed", email="reader@example.com")
        phone.goto(f"{server.url}/success?session_id={session_id}")
        assert phone.locator("h1").inner_text() == title
        assert fits_the_phone(phone)
        phone.screenshot(path=artifact(f"gate/transfer-failed-{language}.png"), full_page=True)
        phone.get_by_role("button", name=button).click()
        phone.wait_for_url(f"{selling.standin.url}/pay/cs_*")  # a new Checkout, on Stripe's page
        assert phone.csp_violations == []
    finally:
        selling.standin.webhook_url = None
        server.close()
