"""POST /webhook: only Stripe's signature on the exact bytes counts; every grant goes through fulfillment once."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
import requests

from tests.gate.gatekit import gate, published, selling  # noqa: F401  (fixtures)
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import WEBHOOK_SECRET, stripe_standin  # noqa: F401
from toolkit.pay.fulfillment import FULFILLED
from toolkit.sandbox.stripe import signature_header


def event_of(selling, kind: str) -> dict:
    return next(e for e in reversed(selling.standin.events) if e["type"] == kind)


def body_of(event: dict) -> bytes:
    return json.dumps(event, indent=2).encode()


def post(gate, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return requests.post(f"{gate.url}/webhook", data=body, headers=headers, timeout=30)


def mark(selling, session_id: str):
    return selling.client().v1.checkout.sessions.retrieve(session_id).to_dict()["metadata"].get(FULFILLED)


def fulfilled_lines(caplog) -> int:
    return sum(r.getMessage().startswith("Fulfilled checkout") for r in caplog.records)


@pytest.fixture
def completed(selling):
    """A paid session whose events exist, but that no webhook has reached yet."""
    selling.standin.webhook_url = None
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid")
    return session_id, event_of(selling, "checkout.session.completed")


def test_stripes_delivery_is_verified_and_fulfilled(gate, selling, caplog):
    caplog.set_level(logging.INFO, logger="toolkit.pay.fulfillment")
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid")  # the stand-in POSTs the signed event
    delivery = next(d for d in selling.standin.deliveries if d.type == "checkout.session.completed")
    assert delivery.status == 200
    assert mark(selling, session_id) == "true"
    assert fulfilled_lines(caplog) == 1


def test_signed_event_is_answered_with_the_fulfillment_state(gate, selling, completed):
    _, event = completed
    body = body_of(event)
    response = post(gate, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status_code == 200 and response.json() == {"received": True, "state": "granted"}


def test_forged_signature_is_rejected(gate, selling, completed):
    session_id, event = completed
    body = body_of(event)
    response = post(gate, body, signature_header(body, "whsec_not_the_secret"))
    assert response.status_code == 400
    assert mark(selling, session_id) is None


def test_stale_signature_301_seconds_old_is_rejected(gate, selling, completed):
    session_id, event = completed
    body = body_of(event)
    response = post(gate, body, signature_header(body, WEBHOOK_SECRET, int(time.time()) - 301))
    assert response.status_code == 400
    assert mark(selling, session_id) is None


def test_re_serialized_body_is_rejected(gate, selling, completed):
    session_id, event = completed
    body = body_of(event)
    signature = signature_header(body, WEBHOOK_SECRET)
    same_json_other_bytes = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert post(gate, same_json_other_bytes, signature).status_code == 400
    assert mark(selling, session_id) is None


@pytest.mark.parametrize("signature", [None, "", "t=123", "v1=abc", "nonsense"])
def test_unsigned_or_malformed_signature_is_rejected(gate, selling, completed, signature):
    session_id, event = completed
    assert post(gate, body_of(event), signature).status_code == 400
    assert mark(selling, session_id) is None


def test_webhook_delivered_twice_fulfills_once(gate, selling, caplog):
    caplog.set_level(logging.INFO, logger="toolkit.pay.fulfillment")
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "paid")
    event = event_of(selling, "checkout.session.completed")
    again = selling.standin.resend(event["id"])
    assert again.status == 200
    assert fulfilled_lines(caplog) == 1


def test_webhook_from_ten_threads_fulfills_once(gate, selling, completed, caplog):
    caplog.set_level(logging.INFO, logger="toolkit.pay.fulfillment")
    session_id, event = completed
    body = body_of(event)
    signature = signature_header(body, WEBHOOK_SECRET)
    barrier, statuses = threading.Barrier(10), []

    def deliver():
        barrier.wait()
        statuses.append(post(gate, body, signature).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 10
    assert fulfilled_lines(caplog) == 1
    assert mark(selling, session_id) == "true"


def test_async_payment_succeeded_goes_through_the_same_fulfillment(gate, selling, caplog):
    caplog.set_level(logging.INFO, logger="toolkit.pay.fulfillment")
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "async_pending")
    assert mark(selling, session_id) is None  # completed, but unpaid: nothing granted yet
    selling.standin.complete_checkout(session_id, "async_succeeded")
    delivery = next(d for d in selling.standin.deliveries if d.type == "checkout.session.async_payment_succeeded")
    assert delivery.status == 200
    assert mark(selling, session_id) == "true" and fulfilled_lines(caplog) == 1


def test_async_payment_failed_grants_nothing(gate, selling):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "async_pending")
    selling.standin.complete_checkout(session_id, "async_failed")
    delivery = next(d for d in selling.standin.deliveries if d.type == "checkout.session.async_payment_failed")
    assert delivery.status == 200
    assert mark(selling, session_id) is None


def test_unknown_event_is_acknowledged_and_ignored(gate, selling):
    event = {"id": "evt_unknown", "object": "event", "type": "customer.tax_id.created", "api_version": None,
             "created": int(time.time()), "livemode": False, "pending_webhooks": 1, "request": None,
             "data": {"object": {"id": "txi_1", "object": "tax_id"}}}
    body = body_of(event)
    response = post(gate, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status_code == 200 and response.json()["ignored"] is True


def test_stripe_unavailable_during_a_webhook_answers_503_so_stripe_retries(gate, selling, completed):
    session_id, event = completed
    body = body_of(event)
    selling.standin.fail_next(500, count=1)
    assert post(gate, body, signature_header(body, WEBHOOK_SECRET)).status_code == 503
    assert post(gate, body, signature_header(body, WEBHOOK_SECRET)).status_code == 200
    assert mark(selling, session_id) == "true"
