"""fulfill_checkout: Stripe's word, checked against the catalog, fulfilled exactly once.

Real stripe-python against the stand-in; the catalog is the sample manifest published to moto.
"""

from __future__ import annotations

import logging
import threading

import pytest

from tests.gate.gatekit import COURSE, published, selling  # noqa: F401  (fixtures)
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401
from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT
from toolkit.pay.fulfillment import FULFILLED, fulfill_checkout


def fulfilled_mark(selling, session_id: str) -> str | None:
    return selling.client().v1.checkout.sessions.retrieve(session_id).to_dict()["metadata"].get(FULFILLED)


def test_paid_session_is_granted_with_what_stripe_confirmed(selling):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid", email="reader@example.com")
    result = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert (result.state, result.product_id, result.plan, result.email) == \
        ("granted", COURSE, "one_time", "reader@example.com")
    assert result.customer and result.customer.startswith("cus_")
    assert result.first is True


def test_second_call_grants_again_but_is_not_first(selling):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid")
    first = fulfill_checkout(selling.client(), session_id, selling.manifest)
    again = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert first.first and again.granted and not again.first
    assert fulfilled_mark(selling, session_id) == "true"


def test_ten_threads_fulfill_once(selling, caplog):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid")
    results, barrier = [], threading.Barrier(10)

    def call():
        client = selling.client()
        barrier.wait()
        results.append(fulfill_checkout(client, session_id, selling.manifest))

    caplog.set_level(logging.INFO, logger="toolkit.pay.fulfillment")
    threads = [threading.Thread(target=call) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 10 and all(r.granted for r in results)
    assert sum(r.first for r in results) == 1
    assert sum("Fulfilled checkout" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize("outcome, state", [
    ("abandon", "open"),
    ("expire", "expired"),
    ("async_pending", "pending"),
    ("async_failed", "failed"),  # a failed bank transfer ends as "failed", not "pending" forever
])
def test_unpaid_sessions_grant_nothing(selling, outcome, state):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, outcome)
    result = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert result.state == state
    assert not result.granted and not result.first
    assert fulfilled_mark(selling, session_id) is None


def test_open_session_grants_nothing(selling):
    result = fulfill_checkout(selling.client(), selling.open_session(), selling.manifest)
    assert result.state == "open" and not result.granted


def test_async_payment_that_arrives_is_granted(selling):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "async_pending")
    assert fulfill_checkout(selling.client(), session_id, selling.manifest).state == "pending"
    selling.standin.complete_checkout(session_id, "async_succeeded")
    assert fulfill_checkout(selling.client(), session_id, selling.manifest).granted


@pytest.mark.parametrize("session_id", ["cs_test_madeup0123456789", "", "../v1/customers", "pi_123"])
def test_made_up_session_is_unknown(selling, session_id):
    result = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert result.state == "unknown" and not result.granted


def _session(selling, price_key: str, product_id: str, mode: str = "payment") -> str:
    """A session made by hand (not by the gate): any price, any claimed product."""
    session = selling.client().v1.checkout.sessions.create(params={
        "mode": mode, "line_items": [{"price": selling.prices[price_key], "quantity": 1}],
        "client_reference_id": product_id, "metadata": {METADATA_PRODUCT: product_id, METADATA_PLAN: "one_time"},
        "success_url": "https://gate.example.org/success", "cancel_url": "https://site.example.org/"})
    selling.standin.complete_checkout(session.id, "paid")
    return session.id


def test_payment_for_another_products_price_is_refused(selling):
    # Paid the membership's monthly price, but the session claims the course.
    session_id = _session(selling, "folio_membership_monthly", COURSE, mode="subscription")
    result = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert result.state == "refused" and not result.granted


def test_session_for_a_product_not_in_the_catalog_is_refused(selling):
    session_id = _session(selling, "folio_course_async-python", "course:not-sold")
    result = fulfill_checkout(selling.client(), session_id, selling.manifest)
    assert result.state == "refused" and "not in the catalog" in result.reason


def test_session_without_folio_metadata_is_refused(selling):
    session = selling.client().v1.checkout.sessions.create(params={
        "mode": "payment", "line_items": [{"price": selling.prices["folio_course_async-python"], "quantity": 1}],
        "success_url": "https://gate.example.org/success"})
    selling.standin.complete_checkout(session.id, "paid")
    assert fulfill_checkout(selling.client(), session.id, selling.manifest).state == "refused"
