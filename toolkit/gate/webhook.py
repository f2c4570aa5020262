"""POST /webhook: Stripe's events, verified on the raw body, fulfilled through the one path.

Stripe signs every delivery (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of
"t.body" with the endpoint's secret). Anything that does not verify on the
exact bytes received, or is older than 300 seconds, is answered 400 and
ignored. A verified completed (or async-succeeded) session goes through
`fulfill_checkout`, like the success page; Stripe errors answer 503 so
Stripe delivers again later.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from toolkit.gate.pages import services
from toolkit.pay.fulfillment import fulfill_checkout, short_id

log = logging.getLogger(__name__)

bp = Blueprint("webhook", __name__)

FULFILLING = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
TOLERANCE = 300  # seconds; Stripe's default, against replayed deliveries


@bp.post("/webhook")
def receive():
    import stripe

    gate = services()
    signature = request.headers.get("Stripe-Signature")
    payload = request.get_data(cache=False)  # the exact bytes Stripe signed; never re-serialized
    if not signature:
        log.warning("Webhook refused: no Stripe-Signature header")
        return jsonify(error="missing signature"), 400
    try:
        event = gate.stripe.construct_event(payload, signature, gate.settings.stripe_webhook_secret,
                                            tolerance=TOLERANCE)
    except (ValueError, stripe.SignatureVerificationError) as error:
        log.warning("Webhook refused: %s", type(error).__name__)
        return jsonify(error="invalid signature"), 400
    kind = event.type
    session = event.to_dict()["data"]["object"]
    if kind in FULFILLING:
        from toolkit.gate.members import send_receipt
        from toolkit.mail import MailError, ReceiptBusy

        try:
            result = fulfill_checkout(gate.stripe, session.get("id") or "", gate.manifest(), receipt=send_receipt)
        except ReceiptBusy:
            # Another delivery is sending the receipt right now; Stripe asks again later.
            return jsonify(error="receipt in progress"), 409
        except MailError as error:
            log.error("Receipt for %s not sent (Stripe will retry): %s", short_id(session.get("id") or ""), error)
            return jsonify(error="receipt not sent"), 503
        return jsonify(received=True, state=result.state)
    if kind == "checkout.session.async_payment_failed":
        log.info("Async payment failed for %s: nothing granted", short_id(session.get("id") or ""))
        return jsonify(received=True, state="failed")
    log.debug("Webhook %s ignored", kind)
    return jsonify(received=True, ignored=True)
