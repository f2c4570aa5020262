"""Catalog as code: the gated manifest's products and prices, mirrored into Stripe.

Each sellable price has a stable lookup key (`folio_course_<slug>`, `folio_membership_monthly`,
`folio_membership_yearly`) and each product a stable Stripe id (`folio_course_<slug>`,
`folio_membership`), so the gate finds them without a database and a re-run finds what the
last run made. `plan_sync` only reads Stripe and returns the writes that would make it
match the manifest; `apply` performs them in order. A changed amount never edits a price
(Stripe prices are immutable): a new price takes over the lookup key
(`transfer_lookup_key`) and the old one is archived, so sessions already open keep theirs.

Every write carries an idempotency key derived from what it writes (and what it replaces),
so a run retried after a timeout or a crash cannot create a second price.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from toolkit.errors import FolioError
# One home for what the gate and the catalog must agree on: plans, lookup keys, metadata names.
from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT, PLANS, lookup_key, stripe_product_id
from toolkit.pay.money import format_amount as _money

ENV_API_KEY = "STRIPE_API_KEY"
ENV_API_BASE = "STRIPE_API_BASE"
LOOKUP_PREFIX = "folio_"
# Manifest plan -> Stripe's recurring interval (None: a one-time price)
INTERVALS = {"one_time": None, "monthly": "month", "yearly": "year"}
_LOOKUP_BATCH = 10  # Stripe's limit for `lookup_keys[]` in one list call


class CatalogError(FolioError):
    """The manifest cannot be turned into a catalog, or Stripe refused a read or a write."""


@dataclass(frozen=True)
class WantedPrice:
    """One price the manifest sells, as Stripe should hold it."""

    lookup_key: str
    product_id: str  # Folio's id: course:<slug> or membership
    plan: str  # one_time, monthly, yearly
    amount: int  # minor units
    currency: str  # lower case, as Stripe stores it
    interval: str | None  # month, year, or None for one-time

    def describe(self) -> str:
        every = f" every {self.interval}" if self.interval else " one-time"
        return f"{_money(self.amount, self.currency)}{every}"


@dataclass(frozen=True)
class WantedProduct:
    stripe_id: str
    product_id: str
    name: str
    prices: tuple[WantedPrice, ...]


@dataclass
class Change:
    """One write: `action` on `target`, with the exact params and idempotency key it will send."""

    action: str  # create_product, update_product, create_price, archive_price, activate_price
    target: str  # Stripe id or lookup key the line is about
    summary: str
    params: dict[str, Any]
    object_id: str | None = None  # for updates: the id written to
    replaces: str | None = None  # for a new price: the price it takes the lookup key from

    def idempotency_key(self, params: dict[str, Any] | None = None) -> str:
        """Derived from what the write sends (`params` as sent), what it acts on and what it replaces.

        The same write (a retry, a re-run after a crash) carries the same key and Stripe
        performs it once, while 49 -> 59 -> 49 USD still makes a new price each time.
        """
        sent = self.params if params is None else params
        material = json.dumps([self.action, self.object_id, self.replaces, sent], sort_keys=True)
        return "folio-catalog-" + hashlib.sha256(material.encode()).hexdigest()[:40]

    def line(self) -> str:
        return f"  {self.action.replace('_', ' ')} {self.target}: {self.summary}"


@dataclass
class Plan:
    wanted: list[WantedProduct]
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def price_count(self) -> int:
        return sum(len(p.prices) for p in self.wanted)


# --------------------------------------------------------------------------
# What the manifest sells


def read_manifest_products(gated_dir: Path) -> list[tuple[str, str, str, list[tuple[str, int, str]]]]:
    """(product id, kind, title, [(plan, amount, currency)]) for each product of gated/manifest.json.

    The one place the catalog touches the manifest: `toolkit.gated.manifest` reads and
    validates it (a corrupt or unknown-schema manifest is a clear error naming the file).
    """
    from toolkit.gated.manifest import MANIFEST_NAME, Manifest

    manifest = Manifest.load(Path(gated_dir) / MANIFEST_NAME)
    return [(product.id, product.kind, product.title,
             [(price.plan, price.amount, price.currency) for price in product.prices])
            for _, product in sorted(manifest.products.items())]


def wanted_catalog(products, source: str = "gated/manifest.json") -> tuple[list[WantedProduct], list[str]]:
    """The Stripe products and prices the manifest calls for, and notes on what it skips."""
    wanted, notes, problems = [], [], []
    for product_id, kind, title, prices in products:
        if kind not in PLANS:
            problems.append(f"{source}: products.{product_id}: unknown kind {kind!r}")
            continue
        # The Stripe product id: a course's lookup key, or folio_membership.
        stripe_id = stripe_product_id(product_id, kind)
        found = []
        for plan, amount, currency in prices:
            allowed = PLANS[kind]
            if plan not in allowed:
                problems.append(f"{source}: products.{product_id}: a {kind} cannot have a {plan!r} price "
                                f"(expected {' or '.join(allowed)})")
                continue
            if amount <= 0:
                problems.append(f"{source}: products.{product_id}: {plan} price must be above zero, got {amount}")
                continue
            found.append(WantedPrice(lookup_key(product_id, plan), product_id, plan, amount, currency.lower(),
                                     INTERVALS[plan]))
        if not found:
            notes.append(f"{product_id}: no price in the manifest, so nothing to sell; skipped")
            continue
        wanted.append(WantedProduct(stripe_id, product_id, title, tuple(found)))
    if problems:
        raise CatalogError("\n".join(problems) + "\nFix the prices in the content and run `folio build` again.")
    return wanted, notes


# --------------------------------------------------------------------------
# Comparing with Stripe


def plan_sync(client, wanted: list[WantedProduct], notes: list[str] | None = None) -> Plan:
    """Read Stripe and list the writes that make it match `wanted` (nothing is written).

    Writes come in a safe order: products, then new or reactivated prices, then each
    product's default price (its first plan's price), then archives. Stripe refuses to
    archive a product's default price, so an old price is archived only after the default
    moved off it.
    """
    plan = Plan(wanted, notes=list(notes or []))
    keys = [price.lookup_key for product in wanted for price in product.prices]
    existing = _prices_by_lookup_key(client, keys)
    products, prices, defaults, archives = [], [], [], []
    for product in wanted:
        current_product = _retrieve_product(client, product.stripe_id)
        products += _product_changes(product, current_product)
        for price in product.prices:
            changes = _price_changes(product, price, existing.get(price.lookup_key))
            prices += [c for c in changes if c.action != "archive_price"]
            archives += [c for c in changes if c.action == "archive_price"]
        # The product's default price (what the Dashboard shows) is its first plan's price.
        first = product.prices[0]
        current = existing.get(first.lookup_key)
        if current is not None and _same_price(current, product, first):
            default, shown = current["id"], current["id"]
        else:
            default, shown = NEW_PRICE + first.lookup_key, f"the new {first.lookup_key}"
        if (current_product or {}).get("default_price") != default:
            defaults.append(Change("update_product", product.stripe_id, f"default price -> {shown}",
                                   {"default_price": default}, product.stripe_id))
    wanted_keys = set(keys)
    for price in _active_folio_prices(client):
        if price["lookup_key"] in wanted_keys:
            continue
        product = _retrieve_product(client, price["product"])
        if product is not None and not product["active"]:
            continue  # already off sale
        if product is not None and product["default_price"] == price["id"]:
            # Stripe keeps a product's default price active; archiving the product takes it off sale.
            archives.append(Change("archive_product", product["id"],
                                   f"(its default price {price['lookup_key']} is no longer in the manifest)",
                                   {"active": False}, product["id"]))
        else:
            archives.append(Change("archive_price", price["lookup_key"], f"{price['id']} (no longer in the manifest)",
                                   {"active": False}, price["id"]))
    plan.changes = products + prices + defaults + archives
    return plan


# Stands for "the id of the price this run creates under lookup key ..." until `apply` knows it.
NEW_PRICE = "@new-price:"


def _retrieve_product(client, product_id: str) -> dict | None:
    import stripe

    try:
        return _call(client.v1.products.retrieve, product_id).to_dict()
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise _stripe_error(error) from None
        return None


def _product_changes(product: WantedProduct, current: dict | None) -> list[Change]:
    metadata = {METADATA_PRODUCT: product.product_id}
    if current is None:
        params = {"id": product.stripe_id, "name": product.name, "metadata": metadata}
        return [Change("create_product", product.stripe_id, f"\"{product.name}\"", params)]
    update: dict[str, Any] = {}
    if current["name"] != product.name:
        update["name"] = product.name
    if not current["active"]:
        update["active"] = True
    if current["metadata"].get(METADATA_PRODUCT) != product.product_id:
        update["metadata"] = metadata
    if not update:
        return []
    what = ", ".join(f"{name} {current[name]!r} -> {value!r}" if name != "metadata" else "metadata"
                     for name, value in update.items())
    return [Change("update_product", product.stripe_id, what, update, product.stripe_id)]


def _price_changes(product: WantedProduct, price: WantedPrice, current) -> list[Change]:
    if current is not None and _same_price(current, product, price):
        if current["active"]:
            return []
        return [Change("activate_price", price.lookup_key, f"{current['id']} {price.describe()} (was archived)",
                       {"active": True}, current["id"])]
    params: dict[str, Any] = {
        "product": product.stripe_id, "currency": price.currency, "unit_amount": price.amount,
        "lookup_key": price.lookup_key, "nickname": price.plan.replace("_", "-"),
        "metadata": {METADATA_PRODUCT: price.product_id, METADATA_PLAN: price.plan},
    }
    if price.interval:
        params["recurring"] = {"interval": price.interval, "interval_count": 1}
    if current is None:
        return [Change("create_price", price.lookup_key, price.describe(), params)]
    params["transfer_lookup_key"] = True
    create = Change("create_price", price.lookup_key,
                    f"{price.describe()} (was {_describe_current(current)}; the lookup key moves)",
                    params, replaces=current["id"])
    archive = Change("archive_price", price.lookup_key, f"{current['id']} ({_describe_current(current)})",
                     {"active": False}, current["id"])
    return [create, archive]


def _same_price(current, product: WantedProduct, price: WantedPrice) -> bool:
    recurring = current["recurring"]
    interval = recurring["interval"] if recurring else None
    count = recurring["interval_count"] if recurring else None
    return (current["product"] == product.stripe_id and current["unit_amount"] == price.amount
            and current["currency"] == price.currency and interval == price.interval
            and count in (None, 1))


def _describe_current(current) -> str:
    recurring = current["recurring"]
    every = f" every {recurring['interval']}" if recurring else " one-time"
    return f"{_money(current['unit_amount'], current['currency'])}{every}"


def _prices_by_lookup_key(client, keys: list[str]) -> dict[str, Any]:
    found = {}
    for start in range(0, len(keys), _LOOKUP_BATCH):
        batch = keys[start:start + _LOOKUP_BATCH]
        page = _call(client.v1.prices.list, params={"lookup_keys": batch, "limit": 100})
        for price in page.auto_paging_iter():
            found[price["lookup_key"]] = price.to_dict()
    return found


def _active_folio_prices(client) -> list:
    page = _call(client.v1.prices.list, params={"active": True, "limit": 100})
    prices = [price.to_dict() for price in page.auto_paging_iter()]
    return [price for price in prices
            if (price["lookup_key"] or "").startswith(LOOKUP_PREFIX)
            and METADATA_PRODUCT in (price["metadata"] or {})]


# --------------------------------------------------------------------------
# Writing


def apply(client, plan: Plan, echo: Callable[[str], None] = lambda line: None) -> int:
    """Perform the plan's writes in order; returns how many were made.

    A failure stops at that write with a message saying what was done; running again
    continues where it stopped (the plan is recomputed, and repeated writes replay).
    """
    import stripe

    def update_product(c, params):
        return client.v1.products.update(c.object_id, params=params, options=_options(c, params))

    def update_price(c, params):
        return client.v1.prices.update(c.object_id, params=params, options=_options(c, params))

    writers = {
        "create_product": lambda c, params: client.v1.products.create(params=params, options=_options(c, params)),
        "update_product": update_product,
        "archive_product": update_product,
        "create_price": lambda c, params: client.v1.prices.create(params=params, options=_options(c, params)),
        "archive_price": update_price,
        "activate_price": update_price,
    }
    created: dict[str, str] = {}  # lookup key -> id of the price this run created
    done = 0
    for change in plan.changes:
        params = {name: created[value.removeprefix(NEW_PRICE)]
                  if isinstance(value, str) and value.startswith(NEW_PRICE) else value
                  for name, value in change.params.items()}
        try:
            result = writers[change.action](change, params)
        except stripe.StripeError as error:
            raise CatalogError(
                f"Stripe refused `{change.action.replace('_', ' ')} {change.target}` after {done} of "
                f"{len(plan.changes)} changes: {_message(error)}\nNothing after it was written; run "
                "`folio catalog sync` again to continue.") from None
        if change.action == "create_price":
            created[change.params["lookup_key"]] = result["id"]
        done += 1
        echo(f"  done: {change.action.replace('_', ' ')} {change.target} ({result['id']})")
    return done


def _options(change: Change, params: dict[str, Any]) -> dict:
    return {"idempotency_key": change.idempotency_key(params)}


def sync(client, gated_dir: Path, dry_run: bool = False, echo: Callable[[str], None] = lambda line: None,
         where: str = "Stripe") -> Plan:
    """Plan, print the plan through `echo`, then (unless `dry_run`) apply it. Returns the plan."""
    manifest_path = Path(gated_dir) / "manifest.json"
    wanted, notes = wanted_catalog(read_manifest_products(gated_dir), str(manifest_path))
    plan = plan_sync(client, wanted, notes)
    echo(f"Catalog: {plan.price_count} prices for {len(plan.wanted)} products from {manifest_path}, "
         f"against {where}")
    for note in plan.notes:
        echo(f"  note: {note}")
    if not plan.changes:
        echo("Up to date: nothing to change.")
        return plan
    echo(f"Plan ({len(plan.changes)} change{'s' if len(plan.changes) != 1 else ''}):")
    for change in plan.changes:
        echo(change.line())
    if dry_run:
        echo("Dry run: nothing was written.")
        return plan
    done = apply(client, plan, echo)
    echo(f"Applied {done} change{'s' if done != 1 else ''}.")
    return plan


# --------------------------------------------------------------------------
# Client and errors


def make_client(environ: Mapping[str, str] | None = None):
    """A StripeClient from STRIPE_API_KEY (and STRIPE_API_BASE, e.g. the local stand-in)."""
    import stripe

    environ = os.environ if environ is None else environ
    api_key = environ.get(ENV_API_KEY, "").strip()
    if not api_key:
        raise CatalogError(f"{ENV_API_KEY} is not set: export your Stripe secret key (see .env.example).")
    base = environ.get(ENV_API_BASE, "").strip()
    options: dict[str, Any] = {"max_network_retries": 2}
    if base:
        options["base_addresses"] = {"api": base.rstrip("/")}
    return stripe.StripeClient(api_key, **options)


def quiet_stripe() -> None:
    """Hide stripe-python's per-request INFO lines (URLs, ids) unless debugging."""
    import logging

    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("stripe").setLevel(logging.WARNING)


def where(environ: Mapping[str, str] | None = None) -> str:
    """Which Stripe a client from `make_client` talks to, for the plan's first line."""
    environ = os.environ if environ is None else environ
    key = environ.get(ENV_API_KEY, "")
    mode = "live mode" if key.startswith(("sk_live_", "rk_live_")) else "test mode"
    base = environ.get(ENV_API_BASE, "").strip()
    return f"{base} ({mode})" if base else f"Stripe ({mode})"


def _call(method, *args, **kwargs):
    import stripe

    try:
        return method(*args, **kwargs)
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            raise
        raise _stripe_error(error) from None
    except stripe.StripeError as error:
        raise _stripe_error(error) from None


def _stripe_error(error) -> CatalogError:
    return CatalogError(f"Stripe: {_message(error)}")


def _message(error) -> str:
    import stripe

    if isinstance(error, stripe.AuthenticationError):
        return f"the API key was refused ({error.user_message}); check {ENV_API_KEY}."
    if isinstance(error, stripe.APIConnectionError):
        return f"could not reach Stripe ({error.user_message}); check the network or {ENV_API_BASE}."
    status = f"HTTP {error.http_status}: " if error.http_status else ""
    return f"{status}{error.user_message or error}"


