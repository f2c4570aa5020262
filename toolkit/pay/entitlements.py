"""The one verdict: what a Checkout Session, and so an email address, grants right now.

Stripe is the ledger. `judge_session` is the single function that decides whether one
Checkout Session opens its product now; `entitlements_for` applies it to every complete
session of an email address. `/success`, `/read`, `/library`, the downloads and the
webhook all reach their answer through these two (the gate caches what they said, see
`toolkit.gate.access`). Everything not listed here grants nothing (fail closed):

- the session is `complete` and `paid` (or needs no payment);
- it names a product of the catalog (metadata and `client_reference_id` agree) in the
  Checkout mode that sells that kind of product;
- the Price paid (a one-time purchase's line item, or a subscription's current item) is
  the catalog's: its lookup key is the product's plan's and its amount and currency are
  the manifest's. A Price that no longer carries the lookup key still counts when it is
  one `folio catalog sync` retired (archived, no lookup key, Stripe product and metadata
  naming the product and plan, same currency), so buyers keep what they bought before a
  price change; any other Price is refused, however it is tagged;
- a purchase's charge has succeeded and is neither **fully refunded** nor **disputed**.
  A *partial* refund (a goodwill discount, a price adjustment) keeps access; a dispute
  that the seller won (or an inquiry closed without a chargeback) gives it back;
- a subscription's status is `active` or `trialing` (`past_due` too when
  `past_due_grants` is set). A subscription set to cancel at the period's end is still
  `active` until then, so access lasts to the end of the paid period (`until` says when).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT, MODES, lookup_key, stripe_product_id

PAID = ("paid", "no_payment_required")
GRANTING_STATUSES = ("active", "trialing")
# Disputes that leave the money with the seller: access comes back.
SETTLED_FOR_SELLER = ("won", "warning_closed")

# Every state a session can be judged in, and what the reader sees for it (toolkit.gate.success).
GRANTED = "granted"
STATES = (GRANTED, "pending", "failed", "open", "expired", "refused", "refunded", "disputed",
          "canceled", "payment_failed", "unknown")


@dataclass(frozen=True)
class Verdict:
    """Stripe's answer about one Checkout Session, judged against the catalog."""

    session_id: str
    state: str  # one of STATES
    product_id: str | None = None
    plan: str | None = None
    email: str | None = None
    customer: str | None = None
    source: str = ""  # "purchase" | "subscription"
    reason: str = ""
    status: str = ""  # the subscription's status, for the library page
    until: int | None = None  # a subscription cancelling at period end: access ends then (unix time)
    subscription: str | None = None
    payment_intent: str | None = None
    created: int = 0  # when the Checkout Session was created (unix time)
    # fulfillment: True for exactly one call per session, the one that did the one-time work
    first: bool = False

    @property
    def granted(self) -> bool:
        return self.state == GRANTED


@dataclass(frozen=True)
class Entitlement:
    """One reason an email may read a product."""

    product_id: str
    source: str  # "purchase" | "subscription"
    session_id: str
    customer: str | None = None
    status: str = ""
    until: int | None = None


@dataclass(frozen=True)
class Entitlements:
    """Everything one email is entitled to right now, and what was seen but grants nothing."""

    email: str
    granted: tuple[Entitlement, ...] = ()
    # (session id, product id, state) for purchases and subscriptions that do not grant
    revoked: tuple[tuple[str, str, str], ...] = field(default=())
    checked_at: float = 0.0  # when Stripe said so (unix time)

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

    def to_dict(self) -> dict:
        return {"email": self.email, "granted": [asdict(item) for item in self.granted],
                "revoked": [list(item) for item in self.revoked], "at": self.checked_at}

    @classmethod
    def from_dict(cls, data: Any) -> "Entitlements | None":
        """Back from the cache; None for anything that is not exactly what `to_dict` wrote."""
        try:
            granted = tuple(Entitlement(**item) for item in data["granted"])
            revoked = tuple((str(a), str(b), str(c)) for a, b, c in data["revoked"])
            return cls(str(data["email"]), granted, revoked, float(data["at"]))
        except (KeyError, TypeError, ValueError):
            return None


def normalise_email(email: str) -> str:
    """The address Stripe and the cache file a reader under: trimmed, lower case."""
    return (email or "").strip().lower()


# --------------------------------------------------------------------------
# One session


def judge_session(client: Any, session: dict, manifest: Any, *, past_due_grants: bool = False,
                  now: float | None = None) -> Verdict:
    """The verdict on `session` (a plain dict with `line_items.data.price` expanded)."""
    details = session.get("customer_details") or {}
    metadata = session.get("metadata") or {}
    product_id = metadata.get(METADATA_PRODUCT)
    facts = dict(session_id=session["id"], product_id=product_id, plan=metadata.get(METADATA_PLAN),
                 email=details.get("email"), customer=_id_of(session.get("customer")),
                 subscription=_id_of(session.get("subscription")),
                 payment_intent=_id_of(session.get("payment_intent")), created=int(session.get("created") or 0))
    if session.get("status") != "complete":
        state = "expired" if session.get("status") == "expired" else "open"
        return Verdict(state=state, reason=f"session is {session.get('status')}", **facts)
    product = manifest.products.get(product_id) if product_id else None
    problem = _product_problem(session, product, product_id)
    if problem:
        return Verdict(state="refused", reason=problem, **facts)
    if session.get("mode") == "payment":
        return _judge_purchase(client, session, product, facts)
    return _judge_subscription(client, session, product, facts, past_due_grants,
                               time.time() if now is None else now)


def _product_problem(session: dict, product: Any, product_id: str | None) -> str | None:
    if product is None:
        return f"product {product_id!r} is not in the catalog"
    if session.get("client_reference_id") != product_id:
        return "client_reference_id does not name the product"
    if session.get("mode") != MODES.get(product.kind):
        return f"mode {session.get('mode')} does not sell a {product.kind}"
    return None


def _judge_purchase(client: Any, session: dict, product: Any, facts: dict) -> Verdict:
    facts = {**facts, "source": "purchase"}
    items = (session.get("line_items") or {}).get("data") or []
    if not items:
        return Verdict(state="refused", reason="the session has no line items", **facts)
    for item in items:
        problem = price_problem(item.get("price") or {}, product)
        if problem:
            return Verdict(state="refused", reason=problem, **facts)
    intent_id = facts["payment_intent"]
    if session.get("payment_status") not in PAID:
        if intent_id is None:
            return Verdict(state="pending", reason=f"payment is {session.get('payment_status')}", **facts)
        intent = _plain(client.v1.payment_intents.retrieve(intent_id))
        if intent.get("status") in ("requires_payment_method", "canceled"):
            return Verdict(state="failed", reason=f"the payment {intent.get('status')}", **facts)
        return Verdict(state="pending", reason=f"payment is {session.get('payment_status')}", **facts)
    if intent_id is None:
        return Verdict(state=GRANTED, **facts)  # nothing was charged (100 % off): nothing to refund
    intent = _plain(client.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}))
    if intent.get("status") != "succeeded":
        return Verdict(state="pending", reason=f"payment is {intent.get('status')}", **facts)
    charge = intent.get("latest_charge")
    if not isinstance(charge, dict):
        return Verdict(state="refused", reason="the charge could not be read", **facts)  # fail closed
    if charge.get("refunded") or (charge.get("amount_refunded") or 0) >= (charge.get("amount") or 0) > 0:
        return Verdict(state="refunded", reason="the charge was refunded", **facts)
    if charge.get("disputed") and _dispute_open_or_lost(client, intent_id):
        return Verdict(state="disputed", reason="the charge is disputed", **facts)
    return Verdict(state=GRANTED, **facts)


def _dispute_open_or_lost(client: Any, intent_id: str) -> bool:
    """True unless every dispute on the payment ended with the money staying with the seller."""
    disputes = client.v1.disputes.list(params={"payment_intent": intent_id, "limit": 100})
    statuses = [_plain(found).get("status") for found in disputes.auto_paging_iter()]
    return not statuses or any(status not in SETTLED_FOR_SELLER for status in statuses)


def _judge_subscription(client: Any, session: dict, product: Any, facts: dict, past_due_grants: bool,
                        now: float) -> Verdict:
    facts = {**facts, "source": "subscription"}
    if facts["subscription"] is None:
        state = "pending" if session.get("payment_status") not in PAID else "refused"
        return Verdict(state=state, reason="no subscription on the session", **facts)
    subscription = _plain(client.v1.subscriptions.retrieve(facts["subscription"]))
    facts["customer"] = _id_of(subscription.get("customer")) or facts["customer"]
    status = subscription.get("status") or ""
    facts["status"] = status
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return Verdict(state="refused", reason="the subscription has no items", **facts)
    for item in items:
        price = item.get("price") or {}
        problem = price_problem(price, product)
        if problem:
            return Verdict(state="refused", reason=problem, **facts)
    # The plan now (it may have changed in the billing portal, monthly <-> yearly).
    facts["plan"] = plan_of(items[0].get("price") or {}, product) or facts["plan"]
    if status == "incomplete":
        return Verdict(state="pending", reason="the first payment has not arrived", **facts)
    if status == "incomplete_expired":
        return Verdict(state="failed", reason="the first payment failed", **facts)
    if status == "canceled":
        return Verdict(state="canceled", reason="the subscription was canceled", **facts)
    granting = GRANTING_STATUSES + (("past_due",) if past_due_grants else ())
    if status not in granting:
        return Verdict(state="payment_failed", reason=f"subscription is {status}", **facts)
    period_end = max((item.get("current_period_end") or 0 for item in items), default=0)
    until = None
    if subscription.get("cancel_at_period_end") or subscription.get("cancel_at"):
        until = int(subscription.get("cancel_at") or period_end)
        if until and until <= now:
            return Verdict(state="canceled", reason="the paid period has ended", until=until, **facts)
    return Verdict(state=GRANTED, until=until, **facts)


def price_problem(price: dict, product: Any) -> str | None:
    """Why `price` is not one the catalog sells `product` at (None when it is)."""
    plan = plan_of(price, product)
    wanted = {p.plan: p for p in product.prices}.get(plan) if plan else None
    if wanted is None:
        return f"price {price.get('id')} does not belong to {product.id}"
    if (price.get("currency") or "").lower() != wanted.currency.lower():
        return f"price {price.get('id')} is in {price.get('currency')}, the catalog sells in {wanted.currency}"
    if price.get("lookup_key") == lookup_key(product.id, plan):
        if price.get("unit_amount") != wanted.amount:
            return (f"price {price.get('id')} is {price.get('unit_amount')}, the catalog sells "
                    f"{product.id} at {wanted.amount}")
        return None
    # A price `folio catalog sync` retired: it gave up the lookup key and was archived.
    metadata = price.get("metadata") or {}
    retired = (price.get("lookup_key") is None and price.get("active") is False
               and _id_of(price.get("product")) == stripe_product_id(product.id, product.kind)
               and metadata.get(METADATA_PRODUCT) == product.id and metadata.get(METADATA_PLAN) == plan)
    return None if retired else f"price {price.get('id')} does not belong to {product.id}"


def plan_of(price: dict, product: Any) -> str | None:
    """The product's plan a Price sells: by its lookup key, else by the metadata catalog sync wrote."""
    for candidate in {p.plan for p in product.prices}:
        if price.get("lookup_key") == lookup_key(product.id, candidate):
            return candidate
    plan = (price.get("metadata") or {}).get(METADATA_PLAN)
    return plan if plan in {p.plan for p in product.prices} else None


# --------------------------------------------------------------------------
# One email address


def entitlements_for(client: Any, email: str, manifest: Any, *, past_due_grants: bool = False) -> Entitlements:
    """Ask Stripe what `email` may read, every complete session judged by `judge_session`."""
    email = normalise_email(email)
    checked_at = time.time()
    granted: list[Entitlement] = []
    revoked: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for session in _complete_sessions(client, email):
        verdict = judge_session(client, session, manifest, past_due_grants=past_due_grants, now=checked_at)
        if not verdict.granted:
            revoked.append((verdict.session_id, verdict.product_id or "?", verdict.state))
            continue
        key = (verdict.product_id, verdict.source)
        if key not in seen:
            seen.add(key)
            granted.append(Entitlement(verdict.product_id, verdict.source, verdict.session_id, verdict.customer,
                                       verdict.status, verdict.until))
    return Entitlements(email, tuple(granted), tuple(revoked), checked_at)


def _complete_sessions(client: Any, email: str) -> Iterable[dict]:
    listing = client.v1.checkout.sessions.list(
        params={"customer_details": {"email": email}, "status": "complete", "limit": 100,
                "expand": ["data.line_items"]})
    for found in listing.auto_paging_iter():
        session = _plain(found)
        # Stripe compares emails case-insensitively; say so here too rather than trust the filter.
        details = session.get("customer_details") or {}
        if normalise_email(details.get("email") or "") == email and session.get("status") == "complete":
            yield session


def _plain(obj: Any) -> dict:
    """A Stripe object as plain dicts (stripe-python 13+ objects are not dicts any more)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _id_of(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get("id")
