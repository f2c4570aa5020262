"""POST /webhook: Stripe's events, verified on the raw body, turned into fresh verdicts at once.

Stripe signs every delivery (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of "t.body" with the
endpoint's secret). Anything that does not verify on the exact bytes received, or whose
timestamp is more than 300 seconds away from now in either direction, is answered 400 and
ignored.

A verified event names a Checkout Session, a charge, a dispute, a subscription or an
invoice; the gate finds the Checkout Sessions behind it, judges each one again
(`toolkit.pay.entitlements.judge_session`) and replaces what the entitlement cache holds for
the buyer's address with Stripe's new answer, so a refund, a dispute or the end of a
membership closes every route of every instance within seconds. The cache entry is dropped
before Stripe is asked, so even when Stripe cannot answer right now nothing stale grants.
Stripe errors answer 503 so Stripe delivers again later.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, jsonify, request

from toolkit.gate import events
from toolkit.gate.pages import services
from toolkit.pay.fulfillment import fulfill_checkout, short_id

log = logging.getLogger(__name__)

bp = Blueprint("webhook", __name__)

FULFILLING = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SESSION_EVENTS = FULFILLING + ("checkout.session.async_payment_failed",)
CHARGE_EVENTS = ("charge.refunded", "charge.dispute.created", "charge.dispute.closed")
SUBSCRIPTION_EVENTS = ("customer.subscription.updated", "customer.subscription.deleted", "invoice.payment_failed")
TOLERANCE = 300  # seconds; Stripe's default, against replayed (or pre-dated) deliveries
# Verdict state -> the "reason" of a revoke event
REVOKE_REASONS = {"refunded": "refund", "disputed": "dispute", "canceled": "canceled",
                  "payment_failed": "payment_failed", "failed": "payment_failed"}
SEEN_PREFIX = "folio:event:"


@bp.post("/webhook")
def receive():
    import stripe

    gate = services()
    signature = request.headers.get("Stripe-Signature")
    payload = request.get_data(cache=False)  # the exact bytes Stripe signed; never re-serialized
    if not signature:
        log.warning("Webhook refused: no Stripe-Signature header")
        return jsonify(error="missing signature"), 400
    if not _timestamp_near_now(signature):
        log.warning("Webhook refused: timestamp outside the tolerance")
        return jsonify(error="invalid signature"), 400
    try:
        event = gate.stripe.construct_event(payload, signature, gate.settings.stripe_webhook_secret,
                                            tolerance=TOLERANCE)
    except (ValueError, stripe.SignatureVerificationError) as error:
        log.warning("Webhook refused: %s", type(error).__name__)
        return jsonify(error="invalid signature"), 400
    kind = event.type
    obj = event.to_dict()["data"]["object"]
    # Events are written once per Stripe event, however often Stripe delivers it.
    seen_key = SEEN_PREFIX + str(event.id)
    first_delivery = gate.store.get(seen_key) is None
    response = _handle(gate, kind, obj, first_delivery)
    if response[1] == 200:
        gate.store.set(seen_key, "1", 7 * 86400)
    return response


def _handle(gate, kind: str, obj: dict, first_delivery: bool):
    if kind in SESSION_EVENTS:
        return _session_event(gate, kind, obj, first_delivery)
    if kind in CHARGE_EVENTS or kind in SUBSCRIPTION_EVENTS:
        sessions = _sessions_behind(gate, kind, obj)
        if kind == "charge.refunded" and first_delivery:
            for session in sessions:
                _emit(gate, "refund", session)
        if kind == "charge.dispute.created" and first_delivery:
            for session in sessions:
                _emit(gate, "dispute", session)
        _judge_again(gate, sessions, first_delivery)
        return jsonify(received=True, sessions=len(sessions)), 200
    log.debug("Webhook %s ignored", kind)
    return jsonify(received=True, ignored=True), 200


def _session_event(gate, kind: str, session: dict, first_delivery: bool):
    from toolkit.gate.members import send_receipt
    from toolkit.mail import MailError, ReceiptBusy

    email = (session.get("customer_details") or {}).get("email")
    if email:
        gate.entitled.drop(email)
    try:
        result = fulfill_checkout(gate.stripe, session.get("id") or "", gate.manifest(),
                                  receipt=send_receipt if kind in FULFILLING else None,
                                  past_due_grants=gate.settings.past_due_grants)
    except ReceiptBusy:
        # Another delivery is sending the receipt right now; Stripe asks again later.
        return jsonify(error="receipt in progress"), 409
    except MailError as error:
        log.error("Receipt for %s not sent (Stripe will retry): %s", short_id(session.get("id") or ""), error)
        return jsonify(error="receipt not sent"), 503
    if result.granted and result.first and first_delivery:
        events.emit("grant", result.email, result.product_id, gate.settings.secret_key, session=result.session_id)
    if result.state == "failed":
        log.info("Async payment failed for %s: nothing granted", short_id(result.session_id))
    if result.email:
        _refresh(gate, result.email)
    return jsonify(received=True, state=result.state), 200


def _sessions_behind(gate, kind: str, obj: dict) -> list[dict]:
    """The Checkout Sessions an event is about (with line items, for judging them again)."""
    if kind in CHARGE_EVENTS:
        intent = obj.get("payment_intent")
        intent = intent.get("id") if isinstance(intent, dict) else intent
        return _list_sessions(gate, payment_intent=intent) if intent else []
    if kind == "invoice.payment_failed":
        subscription = obj.get("subscription") or (
            ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription"))
    else:
        subscription = obj.get("id")
    subscription = subscription.get("id") if isinstance(subscription, dict) else subscription
    return _list_sessions(gate, subscription=subscription) if subscription else []


def _list_sessions(gate, **filters) -> list[dict]:
    found = gate.stripe.v1.checkout.sessions.list(params={**filters, "limit": 10, "expand": ["data.line_items"]})
    return [session.to_dict() for session in found.data]


def _judge_again(gate, sessions: list[dict], first_delivery: bool) -> None:
    from toolkit.pay.entitlements import judge_session

    emails = []
    for session in sessions:
        email = (session.get("customer_details") or {}).get("email")
        if not email:
            continue
        gate.entitled.drop(email)  # before anything else: nothing stale may grant from here on
        emails.append(email)
        verdict = judge_session(gate.stripe, session, gate.manifest(), past_due_grants=gate.settings.past_due_grants)
        reason = REVOKE_REASONS.get(verdict.state)
        if reason and first_delivery:
            log.info("Access to %s revoked for %s: %s", verdict.product_id, short_id(verdict.session_id), reason)
            _emit(gate, "revoke", session, reason=reason)
    for email in dict.fromkeys(emails):
        _refresh(gate, email)


def _refresh(gate, email: str) -> None:
    from toolkit.gate.entitled import refresh

    refresh(gate, email)


def _emit(gate, event: str, session: dict, reason: str | None = None) -> None:
    email = (session.get("customer_details") or {}).get("email")
    product = (session.get("metadata") or {}).get("folio_product")
    events.emit(event, email, product, gate.settings.secret_key, session=session.get("id"), reason=reason)


def _timestamp_near_now(header: str) -> bool:
    """Stripe-python refuses only old timestamps; a delivery dated in the future is refused here."""
    stamps = [part.split("=", 1)[1] for part in header.split(",") if part.strip().startswith("t=")]
    try:
        stamp = int(stamps[0])
    except (IndexError, ValueError):
        return False
    return abs(time.time() - stamp) <= TOLERANCE
