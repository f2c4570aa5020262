"""What happens after a payment: refunds, disputes, subscriptions, the billing portal, events."""

from __future__ import annotations

import re
import urllib.request

import pytest
import stripe

from tests.sandbox.stripe_fixtures import (  # noqa: F401
    checkout, events_received, make_price, post_form, stripe_client, stripe_standin, webhook_receiver)


@pytest.fixture
def paid_session(stripe_standin, stripe_client):
    session = checkout(stripe_client, make_price(stripe_client, 4900))
    stripe_standin.complete_checkout(session.id)
    return stripe_client.v1.checkout.sessions.retrieve(session.id)


@pytest.fixture
def membership(stripe_standin, stripe_client):
    """A completed monthly membership checkout: (session, subscription)."""
    price = make_price(stripe_client, 900, recurring="month", nickname="Monthly")
    session = checkout(stripe_client, price, mode="subscription", customer_email="ada@example.com")
    stripe_standin.complete_checkout(session.id)
    session = stripe_client.v1.checkout.sessions.retrieve(session.id)
    return session, stripe_client.v1.subscriptions.retrieve(session.subscription)


def test_a_refund_through_the_api_marks_the_charge_refunded(stripe_client, paid_session, webhook_receiver):
    refund = stripe_client.v1.refunds.create(params={"payment_intent": paid_session.payment_intent})
    assert (refund.amount, refund.status) == (4900, "succeeded")
    intent = stripe_client.v1.payment_intents.retrieve(paid_session.payment_intent,
                                                       params={"expand": ["latest_charge"]})
    assert intent.latest_charge.refunded and intent.latest_charge.amount_refunded == 4900
    refunded = [e for e in events_received(webhook_receiver) if e.type == "charge.refunded"]
    assert [e.data.object.id for e in refunded] == [intent.latest_charge.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"payment_intent": paid_session.payment_intent})
    assert caught.value.code == "charge_already_refunded"


def test_a_sessions_refund_is_seen_by_expanding_its_payment(stripe_standin, stripe_client, paid_session):
    stripe_standin.refund(paid_session.id)
    session = stripe_client.v1.checkout.sessions.retrieve(paid_session.id, params={
        "expand": ["payment_intent.latest_charge", "line_items.data.price.product"]})
    assert session.payment_intent.latest_charge.refunded is True
    assert session.line_items.data[0].price.product.name == "Async Python in Production"
    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        stripe_client.v1.checkout.sessions.retrieve(paid_session.id, params={"expand": ["amount_total"]})


def test_a_partial_refund_leaves_the_charge_not_refunded(stripe_standin, stripe_client, paid_session):
    stripe_standin.refund(paid_session.id, amount=900)
    charge = stripe_client.v1.charges.list(params={"payment_intent": paid_session.payment_intent}).data[0]
    assert (charge.amount_refunded, charge.refunded) == (900, False)
    assert [r.amount for r in stripe_client.v1.refunds.list(params={"charge": charge.id}).data] == [900]


def test_a_dispute_marks_the_charge_and_emits_charge_dispute_created(
        stripe_standin, stripe_client, paid_session, webhook_receiver):
    dispute = stripe_standin.dispute(paid_session.id)
    assert stripe_client.v1.disputes.retrieve(dispute["id"]).status == "needs_response"
    charge = stripe_client.v1.charges.retrieve(dispute["charge"])
    assert charge.disputed and charge.payment_intent == paid_session.payment_intent
    assert "charge.dispute.created" in [e.type for e in events_received(webhook_receiver)]


def test_a_subscription_checkout_creates_an_active_subscription_for_a_new_customer(stripe_client, membership):
    session, subscription = membership
    assert session.payment_status == "paid" and session.payment_intent is None
    assert subscription.status == "active" and subscription.customer == session.customer
    assert stripe_client.v1.customers.retrieve(session.customer).email == "ada@example.com"
    item = subscription["items"].data[0]
    assert item.price.recurring.interval == "month" and item.current_period_end > item.current_period_start
    listed = stripe_client.v1.subscriptions.list(params={"customer": session.customer, "status": "active"})
    assert [s.id for s in listed.data] == [subscription.id]


def test_subscription_status_changes_emit_updated_and_deleted(
        stripe_standin, stripe_client, membership, webhook_receiver):
    _, subscription = membership
    stripe_standin.set_subscription_status(subscription.id, "past_due")
    stripe_standin.set_subscription_status(subscription.id, "canceled")
    events = [e for e in events_received(webhook_receiver) if e.type.startswith("customer.subscription.")]
    assert [(e.type, e.data.object.status) for e in events] == [
        ("customer.subscription.updated", "past_due"), ("customer.subscription.deleted", "canceled")]
    assert events[0].data.previous_attributes.status == "active"
    # Canceled subscriptions are left out of a plain list, as in Stripe.
    assert stripe_client.v1.subscriptions.list(params={"customer": subscription.customer}).data == []


def test_cancel_at_period_end_and_cancel_through_the_api(stripe_client, membership):
    _, subscription = membership
    updated = stripe_client.v1.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})
    assert updated.cancel_at_period_end and updated.status == "active"
    canceled = stripe_client.v1.subscriptions.cancel(subscription.id)
    assert canceled.status == "canceled" and canceled.canceled_at


def test_the_billing_portal_cancels_at_the_end_of_the_paid_period(stripe_standin, stripe_client, membership,
                                                                   webhook_receiver):
    """As Stripe's portal does by default: the subscription stays active until its period ends."""
    session, subscription = membership
    portal = stripe_client.v1.billing_portal.sessions.create(params={
        "customer": session.customer, "return_url": "https://site.example/library/"})
    html = urllib.request.urlopen(portal.url).read().decode()
    assert "Sandbox — not a real payment" in html and "Monthly" in html
    assert 'href="https://site.example/library/"' in html
    status, _, html = post_form(portal.url, {"action": "cancel", "subscription": subscription.id})
    assert status == 200 and "end of the paid period" in html
    now = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert now.status == "active" and now.cancel_at_period_end
    assert now.cancel_at == now["items"].data[0].current_period_end
    assert "customer.subscription.updated" in [e.type for e in events_received(webhook_receiver)]
    stripe_standin.end_period(subscription.id)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "canceled"
    assert "customer.subscription.deleted" in [e.type for e in events_received(webhook_receiver)]


def test_the_billing_portal_switches_plan_on_the_same_subscription(stripe_client, membership, webhook_receiver):
    session, subscription = membership
    yearly = stripe_client.v1.prices.create(params={
        "product": subscription["items"].data[0].price.product, "currency": "usd", "unit_amount": 9000,
        "recurring": {"interval": "year"}, "nickname": "Yearly"})
    portal = stripe_client.v1.billing_portal.sessions.create(params={"customer": session.customer})
    assert "Switch to Yearly" in urllib.request.urlopen(portal.url).read().decode()
    status, _, html = post_form(portal.url, {"action": "switch", "subscription": subscription.id, "price": yearly.id})
    assert status == 200 and "plan was changed" in html
    now = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert now.id == subscription.id and now.customer == subscription.customer and now.status == "active"
    assert now["items"].data[0].price.id == yearly.id
    assert now["items"].data[0].id == subscription["items"].data[0].id  # the same item, like Stripe
    assert len(stripe_client.v1.subscriptions.list(params={"customer": session.customer}).data) == 1


def test_a_failed_renewal_sends_invoice_payment_failed(stripe_standin, stripe_client, membership, webhook_receiver):
    _, subscription = membership
    invoice = stripe_standin.fail_renewal(subscription.id)
    assert invoice["parent"]["subscription_details"]["subscription"] == subscription.id
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "past_due"
    assert "invoice.payment_failed" in [e.type for e in events_received(webhook_receiver)]


def test_the_portal_refuses_another_customers_subscription(stripe_standin, stripe_client, membership):
    _, subscription = membership
    stranger = stripe_client.v1.customers.create(params={"email": "eve@example.com"})
    portal = stripe_client.v1.billing_portal.sessions.create(params={"customer": stranger.id})
    status, _, _ = post_form(portal.url, {"action": "cancel", "subscription": subscription.id})
    assert status == 404
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_customers_are_found_by_email(stripe_client, membership):
    session, _ = membership
    assert [c.id for c in stripe_client.v1.customers.list(params={"email": "ada@example.com"}).data] == [session.customer]
    found = stripe_client.v1.customers.search(params={"query": "email:'ada@example.com'"})
    assert [c.id for c in found.data] == [session.customer]
    twins = [stripe_client.v1.customers.create(params={"email": "twin@example.com"}).id for _ in range(3)]
    pages = stripe_client.v1.customers.search(params={"query": "email:'twin@example.com'", "limit": 2})
    assert pages.has_more and [c.id for c in pages.auto_paging_iter()] == twins[::-1]


def test_events_are_listed_newest_first_and_retrieved_by_id(stripe_client, paid_session):
    events = stripe_client.v1.events.list(params={"type": "checkout.session.*"}).data
    assert [e.type for e in events] == ["checkout.session.completed"]
    event = stripe_client.v1.events.retrieve(events[0].id)
    assert event.data.object.id == paid_session.id
    # The buyer paid on the hosted page, not through an API request; creating a price was one.
    assert event.request.id is None
    created = stripe_client.v1.events.list(params={"type": "price.created"}).data[0]
    assert re.fullmatch(r"req_\w+", created.request.id)


def test_a_webhook_endpoint_that_fails_is_recorded(stripe_standin, stripe_client, webhook_receiver):
    webhook_receiver.status = 500
    session = checkout(stripe_client, make_price(stripe_client))
    stripe_standin.complete_checkout(session.id)
    failed = [d for d in stripe_standin.deliveries if d.type == "checkout.session.completed"]
    assert [d.status for d in failed] == [500] and not failed[0].ok
    event = stripe_client.v1.events.retrieve(failed[0].event_id)
    assert event.pending_webhooks == 1
