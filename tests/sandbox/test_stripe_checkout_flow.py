"""The hosted checkout page, the payment outcomes, and webhooks signed like Stripe's."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
import stripe

from tests.sandbox.stripe_fixtures import (  # noqa: F401
    WEBHOOK_SECRET, checkout, events_received, make_price, post_form, stripe_client, stripe_standin,
    webhook_receiver)


def test_the_hosted_page_says_it_is_a_sandbox_and_shows_the_total(stripe_client):
    session = checkout(stripe_client, make_price(stripe_client, 4900))
    html = urllib.request.urlopen(session.url).read().decode()
    assert "Sandbox — not a real payment" in html
    assert "49.00 USD" in html and "Async Python in Production" in html
    for button in ("Pay", "Pay later (bank transfer)", "Cancel"):
        assert f">{button}</button>" in html


def test_pay_redirects_to_success_url_and_delivers_a_signed_completed_event(
        stripe_standin, stripe_client, webhook_receiver):
    session = checkout(stripe_client, make_price(stripe_client))
    status, headers, _ = post_form(session.url, {"action": "pay", "email": "ada@example.com"})
    assert status == 303
    assert headers["Location"] == f"https://gate.example/success?session_id={session.id}"

    completed = [e for e in events_received(webhook_receiver) if e.type == "checkout.session.completed"]
    assert len(completed) == 1
    assert completed[0].data.object.id == session.id
    assert completed[0].data.object.payment_status == "paid"
    assert completed[0].data.object.customer_details.email == "ada@example.com"
    assert all(d.ok for d in stripe_standin.deliveries)


def test_a_tampered_or_stale_webhook_fails_verification(stripe_standin, stripe_client, webhook_receiver):
    session = checkout(stripe_client, make_price(stripe_client))
    stripe_standin.complete_checkout(session.id)
    received = webhook_receiver.received[-1]
    signature = received.headers["Stripe-Signature"]
    reserialized = json.dumps(json.loads(received.body)).encode()
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(reserialized, signature, WEBHOOK_SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body, signature, "whsec_other")

    event_id = json.loads(received.body)["id"]
    stripe_standin.resend(event_id, timestamp=int(time.time()) - 301)
    stale = webhook_receiver.received[-1]
    assert json.loads(stale.body)["id"] == event_id
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale.body, stale.headers["Stripe-Signature"], WEBHOOK_SECRET)


def test_cancel_goes_back_and_leaves_the_session_open(stripe_client):
    session = checkout(stripe_client, make_price(stripe_client))
    status, headers, _ = post_form(session.url, {"action": "cancel"})
    assert (status, headers["Location"]) == (303, "https://site.example/courses/async-python/")
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_pay_later_completes_unpaid_then_settles_with_an_async_event(
        stripe_standin, stripe_client, webhook_receiver):
    session = checkout(stripe_client, make_price(stripe_client))
    status, headers, _ = post_form(session.url, {"action": "pay_later", "email": "ada@example.com"})
    assert status == 303 and session.id in headers["Location"]
    pending = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (pending.status, pending.payment_status) == ("complete", "unpaid")
    assert "pending" in urllib.request.urlopen(session.url).read().decode()

    stripe_standin.complete_checkout(session.id, "async_succeeded")
    settled = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert settled.payment_status == "paid"
    types = [e.type for e in events_received(webhook_receiver) if e.type.startswith("checkout.")]
    assert types == ["checkout.session.completed", "checkout.session.async_payment_succeeded"]


def test_a_failed_async_payment_stays_unpaid(stripe_standin, stripe_client, webhook_receiver):
    session = checkout(stripe_client, make_price(stripe_client))
    stripe_standin.complete_checkout(session.id, "async_failed")
    failed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (failed.status, failed.payment_status) == ("complete", "unpaid")
    types = [e.type for e in events_received(webhook_receiver) if e.type.startswith("checkout.")]
    assert types == ["checkout.session.completed", "checkout.session.async_payment_failed"]


def test_an_expired_session_cannot_be_paid(stripe_standin, stripe_client, webhook_receiver):
    session = checkout(stripe_client, make_price(stripe_client))
    stripe_standin.complete_checkout(session.id, "expire")
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    status, _, html = post_form(session.url, {"action": "pay", "email": "ada@example.com"})
    assert status == 409 and "expired" in html
    assert [e.type for e in events_received(webhook_receiver)][-1] == "checkout.session.expired"


def test_concurrent_buyers_are_served_at_once_and_each_gets_one_event(
        stripe_standin, stripe_client, webhook_receiver):
    from concurrent.futures import ThreadPoolExecutor

    price = make_price(stripe_client)

    def buy(n: int) -> str:
        session = checkout(stripe_client, price)
        status, _, _ = post_form(session.url, {"action": "pay", "email": f"buyer{n}@example.com"})
        assert status == 303
        return stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert list(pool.map(buy, range(20))) == ["paid"] * 20
    completed = [e for e in events_received(webhook_receiver) if e.type == "checkout.session.completed"]
    assert len({e.data.object.id for e in completed}) == len(completed) == 20
    assert sorted(e.data.object.customer_details.email for e in completed) == sorted(
        f"buyer{n}@example.com" for n in range(20))
