"""The stand-in's hosted checkout and portal pages in headless Chromium, as a buyer uses them."""

from __future__ import annotations


import pytest

from tests.chromium import NEEDS_CHROMIUM, browser, loopback_only  # noqa: F401  (fixture)
from tests.sandbox.stripe_fixtures import (  # noqa: F401
    events_received, make_price, stripe_client, stripe_standin, webhook_receiver)


pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser):
    context = browser.new_context()
    loopback_only(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def session_for(client, standin, price, mode="payment"):
    # The stand-in's own front page stands in for the gate's /success and the site.
    return client.v1.checkout.sessions.create(params={
        "mode": mode, "line_items": [{"price": price.id, "quantity": 1}],
        "success_url": f"{standin.url}/?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{standin.url}/?cancelled=1",
    })


def test_a_buyer_pays_and_lands_on_the_success_url(page, stripe_standin, stripe_client, webhook_receiver):
    session = session_for(stripe_client, stripe_standin, make_price(stripe_client, 4900))
    page.goto(session.url)
    assert "Sandbox — not a real payment" in page.locator(".sandbox").inner_text()
    assert page.locator("#total").inner_text() == "49.00 USD"
    page.fill("input[name=email]", "ada@example.com")
    page.click("button[value=pay]")
    page.wait_for_url(f"{stripe_standin.url}/?session_id={session.id}")
    paid = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status, paid.customer_details.email) == ("complete", "paid", "ada@example.com")
    assert [e.data.object.id for e in events_received(webhook_receiver)
            if e.type == "checkout.session.completed"] == [session.id]


def test_a_buyer_pays_later_then_the_transfer_arrives(page, stripe_standin, stripe_client, webhook_receiver):
    session = session_for(stripe_client, stripe_standin, make_price(stripe_client, 4900))
    page.goto(session.url)
    page.fill("input[name=email]", "ada@example.com")
    page.click("button[value=pay_later]")
    page.wait_for_url(f"{stripe_standin.url}/?session_id={session.id}")
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"
    page.goto(session.url)
    page.click("button[value=transfer_arrives]")
    assert "payment paid" in page.locator("#status").inner_text()
    assert "checkout.session.async_payment_succeeded" in [e.type for e in events_received(webhook_receiver)]


def test_a_member_cancels_at_period_end_in_the_portal(page, stripe_standin, stripe_client):
    price = make_price(stripe_client, 900, recurring="month", nickname="Monthly")
    session = session_for(stripe_client, stripe_standin, price, mode="subscription")
    stripe_standin.complete_checkout(session.id, email="ada@example.com")
    session = stripe_client.v1.checkout.sessions.retrieve(session.id)
    portal = stripe_client.v1.billing_portal.sessions.create(params={"customer": session.customer,
                                                                     "return_url": f"{stripe_standin.url}/"})
    page.goto(portal.url)
    assert page.locator(".subscription .status").inner_text() == "active"
    page.click("button[value=cancel]")
    # As Stripe's portal does by default: still active, ending with the paid period.
    assert page.locator(".subscription .status").inner_text() == "active"
    assert "end of the paid period" in page.locator(".subscription .ends").inner_text()
    subscription = stripe_client.v1.subscriptions.retrieve(session.subscription)
    assert subscription.status == "active" and subscription.cancel_at_period_end
    page.click("button[value=renew]")
    assert not stripe_client.v1.subscriptions.retrieve(session.subscription).cancel_at_period_end
