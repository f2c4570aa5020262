"""Stripe Checkout Sessions for the products of the gated manifest.

What is sold comes from the published manifest (the catalog); what it costs
comes from Stripe, found by the stable lookup keys `folio catalog sync` gives
every Price. The session names the product in `client_reference_id` and
`metadata`, so fulfillment can later check the payment against it.
Payment methods are left to Stripe (dynamic payment methods): cards,
wallets, Alipay or WeChat Pay appear where the account enables them.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.errors import FolioError

# Which plans each kind of product sells, and the Checkout mode of each.
PLANS = {"course": ("one_time",), "membership": ("monthly", "yearly")}
MODES = {"course": "payment", "membership": "subscription"}
# Stripe Checkout's own language for the UI languages Folio has.
CHECKOUT_LOCALES = {"en": "en", "zh": "zh"}
METADATA_PRODUCT = "folio_product"
METADATA_PLAN = "folio_plan"


class NotForSale(FolioError):
    """The product or plan is not in the catalog, or Stripe has no active price for it."""


@dataclass(frozen=True)
class Offer:
    """One thing a reader can buy: a product of the manifest and one of its plans."""

    product_id: str
    kind: str
    plan: str

    @property
    def mode(self) -> str:
        return MODES[self.kind]

    @property
    def lookup_key(self) -> str:
        return lookup_key(self.product_id, self.plan)


def lookup_key(product_id: str, plan: str) -> str:
    """The Price lookup key of a product's plan: folio_course_<slug>, folio_membership_<plan>."""
    if product_id.startswith("course:"):
        return f"folio_course_{product_id.split(':', 1)[1]}"
    return f"folio_{product_id}_{plan}"


def stripe_product_id(product_id: str, kind: str) -> str:
    """The Stripe Product id catalog sync gives a product: a course's lookup key, or folio_<id>."""
    return lookup_key(product_id, "one_time") if kind == "course" else f"folio_{product_id}"


def lookup_keys(product_id: str, kind: str) -> set[str]:
    """Every lookup key under which a price of this product is sold."""
    return {lookup_key(product_id, plan) for plan in PLANS.get(kind, ())}


def offer_for(manifest, product_id: str, plan: str | None) -> Offer:
    """The offer for `product_id` and `plan` if the manifest sells it; NotForSale otherwise."""
    product = manifest.products.get(product_id)
    if product is None or product.kind not in PLANS:
        raise NotForSale(f"No product {product_id!r} is for sale.")
    plans = PLANS[product.kind]
    plan = plan or (plans[0] if len(plans) == 1 else None)
    if plan not in plans:
        raise NotForSale(f"{product_id} is sold as {', '.join(plans)}, not {plan!r}.")
    if not any(price.plan == plan for price in product.prices):
        raise NotForSale(f"{product_id} has no {plan} price in the manifest.")
    return Offer(product_id, product.kind, plan)


def active_price(stripe_client, offer: Offer):
    """The active Stripe Price under the offer's lookup key; NotForSale when catalog sync has not run."""
    found = stripe_client.v1.prices.list(params={"lookup_keys": [offer.lookup_key], "active": True, "limit": 1})
    if not found.data:
        raise NotForSale(f"Stripe has no active price with lookup key {offer.lookup_key!r}; "
                         "run `folio catalog sync`.")
    return found.data[0]


def customer_for(stripe_client, email: str) -> str:
    """The one Stripe Customer of `email`: the oldest with that address, or a new one.

    Created with an idempotency key derived from the address, so two tabs (or two
    instances) buying at once make one Customer, not two.
    """
    import hashlib

    address = email.strip().lower()
    found = stripe_client.v1.customers.list(params={"email": address, "limit": 100}).data
    if found:
        return min(found, key=lambda customer: (customer.created, customer.id)).id
    key = "folio-customer-" + hashlib.sha256(address.encode()).hexdigest()[:40]
    return stripe_client.v1.customers.create(params={"email": address}, options={"idempotency_key": key}).id


def create_session(stripe_client, offer: Offer, success_url: str, cancel_url: str, language: str = "en",
                   customer: str | None = None):
    """A new Checkout Session for `offer` (on `customer` when known); its `url` is where the reader pays."""
    price = active_price(stripe_client, offer)
    metadata = {METADATA_PRODUCT: offer.product_id, METADATA_PLAN: offer.plan}
    params = {
        "mode": offer.mode,
        "line_items": [{"price": price.id, "quantity": 1}],
        "client_reference_id": offer.product_id,
        "metadata": metadata,
        # Stripe fills in {CHECKOUT_SESSION_ID}; the success page checks it with Stripe, never trusts it.
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": CHECKOUT_LOCALES.get(language, "auto"),
    }
    if offer.mode == "subscription":
        # The subscription carries the product too, for renewals and the members' library.
        params["subscription_data"] = {"metadata": metadata}
    if customer is not None:
        params["customer"] = customer  # one Customer per address: the portal sees everything
    elif offer.mode == "payment":
        # Always make a Customer, so a buyer can later be found by email (sign-in by email).
        params["customer_creation"] = "always"
    return stripe_client.v1.checkout.sessions.create(params=params)

