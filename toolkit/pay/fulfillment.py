"""Turn a Checkout Session into a grant, the one way: ask Stripe, check everything, fulfill once.

`/success` and `/webhook` both call `fulfill_checkout`; whichever comes first
does the one-time work (the receipt), every later or concurrent call just
gets the same answer. There is no database: the "already fulfilled" mark is
kept on the Checkout Session itself in Stripe (metadata `folio_fulfilled`),
written with an idempotency key derived from the session id. Stripe runs
one request per idempotency key and replays its result to every other
(`Idempotent-Replayed: true`, or 409 while the first is still running), so
exactly one caller sees the write as its own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from toolkit.pay.entitlements import Verdict, judge_session

log = logging.getLogger(__name__)

FULFILLED = "folio_fulfilled"
_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


# The verdict on one session is toolkit.pay.entitlements.judge_session; fulfillment adds "first".
Fulfillment = Verdict


def short_id(session_id: str) -> str:
    """A session id fit for logs: enough to find it in the dashboard, not enough to use it."""
    return f"{session_id[:8]}…{session_id[-4:]}" if len(session_id) > 16 else "cs_…"


def fulfill_checkout(client, session_id: str, manifest, receipt=None, *, past_due_grants: bool = False) -> Fulfillment:
    """Stripe's verdict on `session_id`; the first call that sees it granted sends the receipt.

    Safe to call any number of times, from any number of threads or instances.
    Stripe errors (rate limit, connection, 5xx) propagate: callers answer 503
    and Stripe retries the webhook.
    """
    import stripe

    if not _SESSION_ID.fullmatch(session_id or ""):
        return Fulfillment(session_id or "", "unknown", reason="not a Checkout Session id")
    try:
        # The raw JSON (a plain dict): the checks below need nothing of stripe-python's object model.
        session = client.raw_request("get", f"/v1/checkout/sessions/{session_id}",
                                     expand=["line_items", "line_items.data.price"]).data
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return Fulfillment(session_id, "unknown", reason="Stripe has no such session")
        raise
    verdict = judge_session(client, session, manifest, past_due_grants=past_due_grants)
    if not verdict.granted:
        log.info("Checkout %s not granted: %s (%s)", short_id(session_id), verdict.state, verdict.reason)
        return verdict
    first = _claim(client, session)
    if first:
        log.info("Fulfilled checkout %s: %s", short_id(session_id), verdict.product_id)
    result = replace(verdict, first=first)
    # receipt: the one place a purchase is announced. `receipt(result)` (the webhook passes
    # toolkit.gate.members.send_receipt) sends it once per session on every call, not only the
    # first, so a delivery whose mail failed is retried by Stripe and sends it then; its errors
    # propagate so the webhook answers non-2xx.
    if receipt is not None:
        receipt(result)
    return result


def _claim(client, session: dict) -> bool:
    """Mark the session fulfilled in Stripe; True only for the one call whose write it was."""
    import stripe

    if (session.get("metadata") or {}).get(FULFILLED):
        return False
    try:
        response = client.raw_request("post", f"/v1/checkout/sessions/{session['id']}",
                                      metadata={FULFILLED: "true"},
                                      idempotency_key=f"folio-fulfill-{session['id']}")
    except stripe.IdempotencyError:
        return False  # another caller's identical write is still running: it is the first
    replayed = next((value for name, value in response.headers.items() if name.lower() == "idempotent-replayed"), "")
    return replayed.lower() != "true"
