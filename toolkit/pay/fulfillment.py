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
from dataclasses import dataclass

from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT, MODES, lookup_keys

log = logging.getLogger(__name__)

PAID = ("paid", "no_payment_required")
FULFILLED = "folio_fulfilled"
_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


@dataclass(frozen=True)
class Fulfillment:
    """What Stripe confirmed about one Checkout Session, and whether it grants anything.

    `state` is one of:
    - "granted": complete, paid, for a product of the catalog at one of its prices;
    - "pending": complete but an asynchronous payment (bank transfer) has not arrived yet;
    - "open" / "expired": the reader has not paid (or never will) in this session;
    - "refused": paid, but not for anything this catalog sells at that price;
    - "unknown": Stripe has no such session.
    """

    session_id: str
    state: str
    product_id: str | None = None
    plan: str | None = None
    email: str | None = None
    customer: str | None = None
    # True for exactly one call per session: the one that did the one-time work.
    first: bool = False
    reason: str = ""

    @property
    def granted(self) -> bool:
        return self.state == "granted"


def short_id(session_id: str) -> str:
    """A session id fit for logs: enough to find it in the dashboard, not enough to use it."""
    return f"{session_id[:8]}…{session_id[-4:]}" if len(session_id) > 16 else "cs_…"


def fulfill_checkout(client, session_id: str, manifest, receipt=None) -> Fulfillment:
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
    verdict = _verdict(session, manifest)
    if not verdict.granted:
        log.info("Checkout %s not granted: %s (%s)", short_id(session_id), verdict.state, verdict.reason)
        return verdict
    first = _claim(client, session)
    if first:
        log.info("Fulfilled checkout %s: %s", short_id(session_id), verdict.product_id)
    result = Fulfillment(**{**verdict.__dict__, "first": first})
    # receipt: the one place a purchase is announced. `receipt(result)` (the webhook passes
    # toolkit.gate.members.send_receipt) sends it once per session on every call, not only the
    # first, so a delivery whose mail failed is retried by Stripe and sends it then; its errors
    # propagate so the webhook answers non-2xx.
    if receipt is not None:
        receipt(result)
    return result


def _verdict(session: dict, manifest) -> Fulfillment:
    """Check the session against the catalog; only a complete, paid, matching session is granted."""
    details = session.get("customer_details") or {}
    metadata = session.get("metadata") or {}
    product_id = metadata.get(METADATA_PRODUCT)
    facts = dict(session_id=session["id"], product_id=product_id, plan=metadata.get(METADATA_PLAN),
                 email=details.get("email"), customer=_id_of(session.get("customer")))
    if session.get("status") != "complete":
        state = "expired" if session.get("status") == "expired" else "open"
        return Fulfillment(state=state, reason=f"session is {session.get('status')}", **facts)
    if session.get("payment_status") not in PAID:
        return Fulfillment(state="pending", reason=f"payment is {session.get('payment_status')}", **facts)
    product = manifest.products.get(product_id) if product_id else None
    problem = _mismatch(session, product, product_id)
    if problem:
        return Fulfillment(state="refused", reason=problem, **facts)
    return Fulfillment(state="granted", **facts)


def _mismatch(session: dict, product, product_id) -> str | None:
    """Why this paid session does not buy `product` (None when it does)."""
    if product is None:
        return f"product {product_id!r} is not in the catalog"
    if session.get("client_reference_id") != product_id:
        return "client_reference_id does not name the product"
    if session.get("mode") != MODES.get(product.kind):
        return f"mode {session.get('mode')} does not sell a {product.kind}"
    items = (session.get("line_items") or {}).get("data") or []
    if not items:
        return "the session has no line items"
    keys = lookup_keys(product.id, product.kind)
    for item in items:
        price = item.get("price") or {}
        metadata = price.get("metadata") or {}
        # The lookup key moves to a new Price when the author changes the price; a Price
        # that was sold under it before still names its product in its metadata.
        if price.get("lookup_key") not in keys and metadata.get(METADATA_PRODUCT) != product.id:
            return f"price {price.get('id')} does not belong to {product.id}"
    return None


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


def _id_of(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get("id")
