"""The stand-in's list endpoints take Stripe's `created` ranges and page with `starting_after`;
memberships are billed as paid invoices, one per period (what `folio report` reads)."""

from __future__ import annotations

import pytest
import stripe

from tests.sandbox.stripe_fixtures import checkout, make_price, stripe_client, stripe_standin  # noqa: F401

DAY = 86400
START = 1_790_000_000  # 2026-09-21


def _sell(standin, client, price, at: int):
    with standin.at(at):
        session = checkout(client, price)
        standin.complete_checkout(session.id)
    return session


def test_created_range_and_pages(stripe_standin, stripe_client):
    price = make_price(stripe_client, 1000)
    sessions = [_sell(stripe_standin, stripe_client, price, START + day * DAY) for day in range(7)]
    params = {"created": {"gte": START + 2 * DAY, "lt": START + 5 * DAY}, "limit": 2}
    listed = list(stripe_client.v1.checkout.sessions.list(params=params).auto_paging_iter())
    assert [s.id for s in listed] == [s.id for s in reversed(sessions[2:5])]  # newest first, 2 pages
    first = stripe_client.v1.checkout.sessions.list(params=params)
    assert len(first.data) == 2 and first.has_more
    charges = stripe_client.v1.charges.list(params={"created": {"lte": START + DAY}, "limit": 100})
    assert len(charges.data) == 2
    exact = stripe_client.v1.charges.list(params={"created": START + 6 * DAY})
    assert [c.created for c in exact.data] == [START + 6 * DAY]


def test_a_bad_created_filter_is_refused(stripe_standin, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe_client.v1.charges.list(params={"created": {"after": 1}})
    assert "unknown parameter" in str(error.value)


def test_memberships_are_billed_by_paid_invoices(stripe_standin, stripe_client):
    monthly = make_price(stripe_client, 900, recurring="month")
    with stripe_standin.at(START):
        session = checkout(stripe_client, monthly, mode="subscription",
                           subscription_data={"metadata": {"folio_product": "membership"}})
        stripe_standin.complete_checkout(session.id)
    subscription = stripe_client.v1.checkout.sessions.retrieve(session.id).subscription
    with stripe_standin.at(START + 30 * DAY):
        stripe_standin.renew(subscription)
    invoices = stripe_client.v1.invoices.list(params={"subscription": subscription}).data
    assert [(i.amount_paid, i.status, i.created) for i in invoices] == [(900, "paid", START + 30 * DAY),
                                                                       (900, "paid", START)]
    assert invoices[0].period_start == START + 30 * DAY and invoices[0].period_end == START + 60 * DAY
    assert invoices[1].billing_reason == "subscription_create"
    assert invoices[0].parent.subscription_details.metadata["folio_product"] == "membership"
    stripe_standin.set_subscription_status(subscription, "canceled")
    with pytest.raises(ValueError):
        stripe_standin.renew(subscription)
