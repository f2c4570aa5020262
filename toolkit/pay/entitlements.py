"""What an email address is entitled to, asked of Stripe (the ledger) every time.

Only two things grant access, and everything else grants nothing (fail closed):

- a **purchase**: a complete Checkout Session in `payment` mode for that email, paid (or
  needing no payment), for a course of the catalog, whose charge is neither refunded (fully
  or partly) nor disputed;
- a **subscription** bought through Checkout for that email whose status is `active` or
  `trialing` (`past_due` too when `gate.past_due_grants` is true). `canceled`, `unpaid`,
  `incomplete`, `incomplete_expired`, `paused` and any status Stripe adds later grant nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

PAID = ("paid", "no_payment_required")
GRANTING_STATUSES = ("active", "trialing")
METADATA_PRODUCT = "folio_product"  # written by toolkit.pay.checkout on every session


@dataclass(frozen=True)
class Entitlement:
    """One reason an email may read a product."""

    product_id: str
    source: str  # "purchase" | "subscription"
    session_id: str
    customer: str | None = None
    status: str = ""  # the subscription's status, for the library page


@dataclass(frozen=True)
class Entitlements:
    """Everything one email is entitled to right now, and what was seen but grants nothing."""

    email: str
    granted: tuple[Entitlement, ...] = ()
    # (session id, product id, why not) for purchases and subscriptions that no longer grant
    revoked: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def products(self) -> frozenset[str]:
        return frozenset(item.product_id for item in self.granted)

    @property
    def subscriber(self) -> str | None:
        """The Stripe customer of a granting subscription: the one the billing portal opens."""
        for item in self.granted:
            if item.source == "subscription" and item.customer:
                return item.customer
        return None


def entitlements_for(client: Any, email: str, manifest: Any, *, past_due_grants: bool = False) -> Entitlements:
    """Ask Stripe what `email` may read, checked against the catalog (`manifest`)."""
    granted: list[Entitlement] = []
    revoked: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for session in _complete_sessions(client, email):
        metadata = _get(session, "metadata") or {}
        product_id = metadata.get(METADATA_PRODUCT)
        why_not = _session_problem(session, product_id, manifest)
        if why_not:
            revoked.append((session["id"], product_id or "?", why_not))
            continue
        if session["mode"] == "payment":
            why_not = _charge_problem(client, _id_of(_get(session, "payment_intent")))
            entitlement = Entitlement(product_id, "purchase", session["id"], _id_of(_get(session, "customer")))
        else:
            entitlement, why_not = _subscription(client, session, product_id, past_due_grants)
        if why_not:
            revoked.append((session["id"], product_id, why_not))
        elif (entitlement.product_id, entitlement.source) not in seen:
            seen.add((entitlement.product_id, entitlement.source))
            granted.append(entitlement)
    return Entitlements(email, tuple(granted), tuple(revoked))


def _complete_sessions(client: Any, email: str) -> Iterable[Any]:
    listing = client.v1.checkout.sessions.list(
        params={"customer_details": {"email": email}, "status": "complete", "limit": 100})
    for found in listing.auto_paging_iter():
        session = _plain(found)
        # Stripe compares emails case-insensitively; say so here too rather than trust the filter.
        details = _get(session, "customer_details") or {}
        if (details.get("email") or "").lower() == email.lower() and session.get("status") == "complete":
            yield session


def _session_problem(session: Any, product_id: str | None, manifest: Any) -> str | None:
    """Why this complete session cannot grant anything (None when it may)."""
    if session.get("payment_status") not in PAID:
        return f"payment is {session.get('payment_status')}"
    product = manifest.products.get(product_id) if product_id else None
    if product is None:
        return f"product {product_id!r} is not in the catalog"
    if session.get("client_reference_id") != product_id:
        return "client_reference_id does not name the product"
    expected = {"course": "payment", "membership": "subscription"}.get(product.kind)
    if session.get("mode") != expected:
        return f"mode {session.get('mode')} does not sell a {product.kind}"
    return None


def _charge_problem(client: Any, payment_intent_id: str | None) -> str | None:
    """Why a paid one-time purchase no longer grants (refund, dispute), or None."""
    if payment_intent_id is None:
        return None  # nothing was charged (a 100 % discount): nothing can be refunded or disputed
    intent = _plain(client.v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]}))
    if intent.get("status") != "succeeded":
        return f"payment is {intent.get('status')}"
    charge = intent.get("latest_charge")
    if isinstance(charge, str) or charge is None:
        return "the charge could not be read"  # fail closed: we could not check refunds
    if charge.get("disputed"):
        return "disputed"
    if charge.get("refunded") or (charge.get("amount_refunded") or 0) > 0:
        return "refunded"
    return None


def _subscription(client: Any, session: Any, product_id: str, past_due_grants: bool):
    subscription_id = _id_of(_get(session, "subscription"))
    if subscription_id is None:
        return None, "no subscription on the session"
    subscription = _plain(client.v1.subscriptions.retrieve(subscription_id))
    status = subscription.get("status")
    granting = GRANTING_STATUSES + (("past_due",) if past_due_grants else ())
    if status not in granting:
        return None, f"subscription is {status}"
    entitlement = Entitlement(product_id, "subscription", session["id"], _id_of(subscription.get("customer")), status)
    return entitlement, None


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _plain(obj: Any) -> dict:
    """A Stripe object as plain dicts (stripe-python 13+ objects are not dicts any more)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _id_of(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get("id")
