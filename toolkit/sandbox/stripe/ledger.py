"""The stand-in's state: every object, the rules Stripe applies to it, and the events it emits.

One re-entrant lock guards the whole ledger, so concurrent API calls see Stripe's
one-at-a-time semantics (an idempotency key cannot run twice, a lookup key cannot land
on two prices). Events queue in an outbox; the server delivers them after the lock is
released, because the webhook receiver usually calls straight back into the API.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Callable

from toolkit.sandbox.stripe import forms, objects
from toolkit.sandbox.stripe.errors import invalid, no_such
from toolkit.sandbox.stripe.invoices import paid_invoice
from toolkit.sandbox.stripe.objects import new_id, now

SESSION_LIFETIME = 24 * 3600
INTERVALS = ("day", "week", "month", "year")
SUBSCRIPTION_STATUSES = ("incomplete", "incomplete_expired", "trialing", "active", "past_due",
                         "canceled", "unpaid", "paused")
OUTCOMES = ("paid", "async_pending", "async_succeeded", "async_failed", "expire", "abandon")
SANDBOX_EMAIL = "buyer@sandbox.example"
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")

# id prefix -> (object kind as the API names it in "No such ..." errors)
KINDS = {
    "prod_": "product", "price_": "price", "cus_": "customer", "cs_": "checkout.session",
    "sub_": "subscription", "pi_": "payment_intent", "ch_": "charge", "re_": "refund",
    "dp_": "dispute", "bps_": "billing_portal.session", "evt_": "event", "in_": "invoice",
}


def _kind_of(object_id: str) -> str | None:
    for prefix, kind in KINDS.items():
        if object_id.startswith(prefix):
            return kind
    return None


class Ledger:
    """Stripe's objects in memory, changed only through Stripe's rules."""

    def __init__(self, base_url: Callable[[], str], api_version: Callable[[], str | None],
                 webhooks_enabled: Callable[[], bool]):
        self.lock = threading.RLock()
        self._base_url = base_url
        self._api_version = api_version
        self._webhooks_enabled = webhooks_enabled
        self.objects: dict[str, dict] = {}
        self.by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS.values()}
        self.line_items: dict[str, list[dict]] = {}
        self.outbox: list[dict] = []
        # What Stripe knows but does not show on the object.
        self._async_pending: set[str] = set()
        self._pi_metadata: dict[str, dict] = {}
        self._sub_metadata: dict[str, dict] = {}
        # The API request being served, named on the events it causes.
        self.request_id: str | None = None
        self.idempotency_key: str | None = None

    # ------------------------------------------------------------------
    # Storage

    def _add(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        self.by_kind[obj["object"]].append(obj["id"])
        return obj

    def get(self, kind: str, object_id: str, param: str = "id") -> dict:
        obj = self.objects.get(object_id) if isinstance(object_id, str) else None
        if obj is None or obj["object"] != kind:
            raise no_such(kind, str(object_id), param)
        if kind == "checkout.session":
            self._expire_if_due(obj)
        return obj

    def find(self, object_id: str) -> dict | None:
        """Any object by id (for `expand`)."""
        obj = self.objects.get(object_id)
        if obj is not None and obj["object"] == "checkout.session":
            self._expire_if_due(obj)
        return obj

    def all(self, kind: str) -> list[dict]:
        """Every object of a kind, newest first (Stripe's list order)."""
        found = [self.objects[object_id] for object_id in reversed(self.by_kind[kind])]
        if kind == "checkout.session":
            for session in found:
                self._expire_if_due(session)
        return found

    def emit(self, type: str, obj: dict, previous_attributes: dict | None = None) -> dict:
        event = objects.event(
            id=new_id("evt_"), type=type, data_object=copy.deepcopy(obj),
            previous_attributes=previous_attributes, created=now(), api_version=self._api_version(),
            pending_webhooks=1 if self._webhooks_enabled() else 0,
            request_id=self.request_id, idempotency_key=self.idempotency_key,
        )
        self._add(event)
        self.outbox.append(event)
        return event

    def take_outbox(self) -> list[dict]:
        with self.lock:
            events, self.outbox = self.outbox, []
            return events

    # ------------------------------------------------------------------
    # Products and prices

    def create_product(self, params: dict) -> dict:
        forms.only(params, {"id", "name", "description", "metadata", "active", "expand", "images",
                            "url", "statement_descriptor", "unit_label", "tax_code"})
        product_id = forms.string(params, "id") or new_id("prod_", 14)
        if product_id in self.objects:
            raise invalid(f"Product already exists: '{product_id}'", param="id",
                          code="resource_already_exists")
        product = objects.product(
            id=product_id, name=forms.string(params, "name", required=True),
            description=forms.string(params, "description"), metadata=forms.metadata(params),
            active=forms.boolean(params, "active", True), created=now(),
        )
        self._add(product)
        self.emit("product.created", product)
        return product

    def update_product(self, product_id: str, params: dict) -> dict:
        forms.only(params, {"name", "description", "metadata", "active", "default_price", "expand"})
        product = self.get("product", product_id)
        before = copy.deepcopy(product)
        if "name" in params:
            product["name"] = forms.string(params, "name", required=True)
        if "description" in params:
            product["description"] = forms.string(params, "description")
        product["metadata"] = forms.metadata(params, product["metadata"])
        product["active"] = forms.boolean(params, "active", product["active"])
        if "default_price" in params:
            price_id = forms.string(params, "default_price")
            if price_id is not None:
                price = self.get("price", price_id, "default_price")
                if price["product"] != product_id:
                    raise invalid("The default price must belong to this product.", param="default_price")
            product["default_price"] = price_id
        self._changed("product.updated", product, before)
        return product

    def create_price(self, params: dict) -> dict:
        forms.only(params, {"product", "product_data", "currency", "unit_amount", "recurring",
                            "lookup_key", "transfer_lookup_key", "nickname", "metadata", "active",
                            "expand", "tax_behavior", "billing_scheme"})
        if forms.string(params, "billing_scheme", default="per_unit") != "per_unit":
            raise invalid("The stand-in only knows per_unit prices.", param="billing_scheme")
        currency = forms.string(params, "currency", required=True).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise invalid(f"Invalid currency: {currency}", param="currency")
        unit_amount = forms.integer(params, "unit_amount", required=True)
        if unit_amount < 0:
            raise invalid("Invalid unit_amount: must be at least 0", param="unit_amount")
        recurring = forms.hash_param(params, "recurring")
        if recurring is not None:
            interval = forms.choice(recurring, "interval", INTERVALS, required=True)
            count = forms.integer(recurring, "interval_count", default=1)
            if not 1 <= count <= 365:
                raise invalid("Invalid recurring[interval_count]", param="recurring[interval_count]")
            recurring = {"interval": interval, "interval_count": count}
        if "product_data" in params:
            if "product" in params:
                raise invalid("You may only specify one of these parameters: product, product_data.",
                              param="product")
            data = forms.hash_param(params, "product_data") or {}
            product = self.create_product({key: data[key] for key in ("name", "metadata") if key in data})
        else:
            product = self.get("product", forms.string(params, "product", required=True), "product")
        lookup_key = forms.string(params, "lookup_key")
        self._claim_lookup_key(lookup_key, forms.boolean(params, "transfer_lookup_key", False))
        price = objects.price(
            id=new_id("price_"), product=product["id"], currency=currency, unit_amount=unit_amount,
            recurring=recurring, lookup_key=lookup_key, nickname=forms.string(params, "nickname"),
            metadata=forms.metadata(params), active=forms.boolean(params, "active", True),
            created=now(),
        )
        self._add(price)
        self.emit("price.created", price)
        return price

    def update_price(self, price_id: str, params: dict) -> dict:
        forms.only(params, {"active", "lookup_key", "transfer_lookup_key", "nickname", "metadata",
                            "expand", "tax_behavior"})
        price = self.get("price", price_id)
        before = copy.deepcopy(price)
        if "lookup_key" in params:
            lookup_key = forms.string(params, "lookup_key")
            if lookup_key != price["lookup_key"]:
                self._claim_lookup_key(lookup_key, forms.boolean(params, "transfer_lookup_key", False))
                price["lookup_key"] = lookup_key
        if "nickname" in params:
            price["nickname"] = forms.string(params, "nickname")
        price["metadata"] = forms.metadata(params, price["metadata"])
        active = forms.boolean(params, "active", price["active"])
        if not active and self.objects[price["product"]]["default_price"] == price_id:
            raise invalid("This price cannot be archived because it is the default price of its product.",
                          param="active")
        price["active"] = active
        self._changed("price.updated", price, before)
        return price

    def _claim_lookup_key(self, lookup_key: str | None, transfer: bool) -> None:
        """A lookup key names at most one price; `transfer_lookup_key` moves it from its holder."""
        if lookup_key is None:
            return
        if len(lookup_key) > 200:
            raise invalid("A lookup key is at most 200 characters.", param="lookup_key")
        for price in self.all("price"):
            if price["lookup_key"] == lookup_key:
                if not transfer:
                    raise invalid(
                        f"A price (`{price['id']}`) already uses that lookup key; pass "
                        "transfer_lookup_key=true to move it.", param="lookup_key",
                        code="lookup_key_already_exists")
                before = copy.deepcopy(price)
                price["lookup_key"] = None
                self._changed("price.updated", price, before)

    def list_prices(self, params: dict) -> list[dict]:
        forms.only(params, {"active", "product", "currency", "type", "lookup_keys", "recurring",
                            "limit", "starting_after", "ending_before", "expand", "created"})
        active = forms.boolean(params, "active")
        product = forms.string(params, "product")
        currency = forms.string(params, "currency")
        kind = forms.choice(params, "type", ("one_time", "recurring"))
        lookup_keys = forms.string_list(params, "lookup_keys")
        if len(lookup_keys) > 10:
            raise invalid("You may pass at most 10 lookup_keys.", param="lookup_keys")
        return [
            price for price in self.all("price")
            if (active is None or price["active"] == active)
            and (product is None or price["product"] == product)
            and (currency is None or price["currency"] == currency.lower())
            and (kind is None or price["type"] == kind)
            and (not lookup_keys or price["lookup_key"] in lookup_keys)
        ]

    def list_products(self, params: dict) -> list[dict]:
        forms.only(params, {"active", "ids", "limit", "starting_after", "ending_before", "expand",
                            "created", "shippable", "url"})
        active = forms.boolean(params, "active")
        ids = forms.string_list(params, "ids")
        return [product for product in self.all("product")
                if (active is None or product["active"] == active) and (not ids or product["id"] in ids)]

    # ------------------------------------------------------------------
    # Customers

    def create_customer(self, params: dict) -> dict:
        forms.only(params, {"email", "name", "metadata", "description", "expand", "phone",
                            "preferred_locales"})
        customer = objects.customer(id=new_id("cus_", 14), email=forms.string(params, "email"),
                                    name=forms.string(params, "name"),
                                    metadata=forms.metadata(params), created=now())
        customer["description"] = forms.string(params, "description")
        self._add(customer)
        self.emit("customer.created", customer)
        return customer

    def update_customer(self, customer_id: str, params: dict) -> dict:
        forms.only(params, {"email", "name", "metadata", "description", "expand"})
        customer = self.get("customer", customer_id)
        before = copy.deepcopy(customer)
        for name in ("email", "name", "description"):
            if name in params:
                customer[name] = forms.string(params, name)
        customer["metadata"] = forms.metadata(params, customer["metadata"])
        self._changed("customer.updated", customer, before)
        return customer

    def list_customers(self, params: dict) -> list[dict]:
        forms.only(params, {"email", "limit", "starting_after", "ending_before", "expand", "created"})
        email = forms.string(params, "email")
        return [c for c in self.all("customer") if email is None or c["email"] == email]

    def search_customers(self, params: dict) -> list[dict]:
        """Only the query Folio uses: `email:'someone@example.com'`."""
        forms.only(params, {"query", "limit", "page", "expand"})
        query = forms.string(params, "query", required=True)
        match = re.fullmatch(r"\s*email\s*:\s*['\"]([^'\"]*)['\"]\s*", query)
        if not match:
            raise invalid("The stand-in's customer search understands only email:'…'.", param="query")
        return [c for c in self.all("customer") if (c["email"] or "").lower() == match.group(1).lower()]

    # ------------------------------------------------------------------
    # Checkout Sessions

    SESSION_PARAMS = {
        "mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata",
        "customer", "customer_email", "customer_creation", "expand", "locale", "expires_at",
        "payment_intent_data", "subscription_data", "allow_promotion_codes",
        "billing_address_collection", "automatic_tax", "submit_type", "ui_mode",
        "payment_method_collection", "consent_collection", "custom_text", "phone_number_collection",
        "tax_id_collection", "invoice_creation", "payment_method_types", "adaptive_pricing",
    }

    def create_session(self, params: dict) -> dict:
        forms.only(params, self.SESSION_PARAMS)
        mode = forms.choice(params, "mode", ("payment", "subscription", "setup"), required=True)
        if mode == "setup":
            raise invalid("The stand-in does not support setup mode.", param="mode")
        if forms.string(params, "ui_mode", default="hosted") != "hosted":
            raise invalid("The stand-in only serves hosted Checkout.", param="ui_mode")
        items = self._session_line_items(params, mode)
        customer_id = forms.string(params, "customer")
        customer_email = forms.string(params, "customer_email")
        if customer_id and customer_email:
            raise invalid("You may only specify one of these parameters: customer, customer_email.",
                          param="customer_email")
        if customer_id:
            self.get("customer", customer_id, "customer")
        if customer_email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", customer_email):
            raise invalid(f"Invalid email address: {customer_email}", param="customer_email",
                          code="email_invalid")
        customer_creation = forms.choice(params, "customer_creation", ("always", "if_required"))
        if customer_creation and mode != "payment":
            raise invalid("`customer_creation` can only be used in `payment` mode.",
                          param="customer_creation")
        if customer_creation and customer_id:
            raise invalid("You may only specify one of these parameters: customer, customer_creation.",
                          param="customer_creation")
        if mode == "payment" and not customer_id:
            customer_creation = customer_creation or "if_required"
        urls = {}
        for name in ("success_url", "cancel_url"):
            urls[name] = forms.string(params, name)
            if urls[name] is not None and not _URL.match(urls[name]):
                raise invalid(f"Not a valid URL", param=name, code="url_invalid")
        client_reference_id = forms.string(params, "client_reference_id")
        if client_reference_id is not None and len(client_reference_id) > 200:
            raise invalid("client_reference_id is at most 200 characters.", param="client_reference_id")
        created = now()
        expires_at = forms.integer(params, "expires_at", default=created + SESSION_LIFETIME)
        if not created + 1800 <= expires_at <= created + SESSION_LIFETIME:
            raise invalid("expires_at must be between 30 minutes and 24 hours from now.",
                          param="expires_at")
        for name in ("payment_intent_data", "subscription_data"):
            data = forms.hash_param(params, name) or {}
            forms.only(data, {"metadata", "description", "receipt_email", "setup_future_usage",
                              "trial_period_days"})
        subtotal = sum(item["amount_subtotal"] for item in items)
        session_id = new_id("cs_test_", 58)
        session = objects.checkout_session(
            id=session_id, url=f"{self._base_url()}/pay/{session_id}", mode=mode,
            currency=items[0]["currency"], amount_subtotal=subtotal, amount_total=subtotal,
            customer=customer_id, customer_email=customer_email, customer_creation=customer_creation,
            client_reference_id=client_reference_id, metadata=forms.metadata(params),
            success_url=urls["success_url"], cancel_url=urls["cancel_url"], created=created,
            expires_at=expires_at,
        )
        session["locale"] = forms.string(params, "locale")
        self._add(session)
        self.line_items[session_id] = items
        self._pi_metadata[session_id] = forms.metadata(forms.hash_param(params, "payment_intent_data") or {})
        self._sub_metadata[session_id] = forms.metadata(forms.hash_param(params, "subscription_data") or {})
        return session

    def _session_line_items(self, params: dict, mode: str) -> list[dict]:
        raw = params.get("line_items")
        if not raw:
            raise forms.missing("line_items")
        if not isinstance(raw, list):
            raise invalid("Invalid array: line_items", param="line_items")
        items, recurring, currencies = [], False, set()
        for index, entry in enumerate(raw):
            where = f"line_items[{index}]"
            if not isinstance(entry, dict):
                raise invalid(f"Invalid hash: {where}", param=where)
            forms.only(entry, {"price", "quantity"})
            price_id = forms.string(entry, "price")
            if price_id is None:
                raise forms.missing(f"{where}[price]")
            price = self.get("price", price_id, f"{where}[price]")
            if not price["active"]:
                raise invalid(f"The price `{price_id}` is not active, and so cannot be used in a "
                              "Checkout Session.", param=f"{where}[price]")
            quantity = forms.integer(entry, "quantity")
            if quantity is None:
                raise forms.missing(f"{where}[quantity]")
            if not 1 <= quantity <= 999999:
                raise invalid(f"Invalid {where}[quantity]", param=f"{where}[quantity]")
            if mode == "payment" and price["type"] == "recurring":
                raise invalid("You specified `payment` mode but passed a recurring price. Either "
                              "switch to `subscription` mode or use only one-time prices.",
                              param=f"{where}[price]")
            product = self.get("product", price["product"])
            if not product["active"]:
                raise invalid(f"The price `{price_id}` belongs to an inactive product, and so cannot be "
                              "used in a Checkout Session.", param=f"{where}[price]")
            recurring = recurring or price["type"] == "recurring"
            currencies.add(price["currency"])
            items.append(objects.line_item(id=new_id("li_"), price=copy.deepcopy(price),
                                           quantity=quantity, description=product["name"]))
        if mode == "subscription" and not recurring:
            raise invalid("You must provide at least one recurring price in `subscription` mode "
                          "when using prices.", param="line_items")
        if len(currencies) > 1:
            raise invalid("All prices must be in the same currency.", param="line_items")
        return items

    def update_session(self, session_id: str, params: dict) -> dict:
        forms.only(params, {"metadata", "expand"})
        session = self.get("checkout.session", session_id)
        session["metadata"] = forms.metadata(params, session["metadata"])
        return session

    def list_sessions(self, params: dict) -> list[dict]:
        forms.only(params, {"customer", "customer_details", "payment_intent", "subscription",
                            "status", "limit", "starting_after", "ending_before", "expand", "created",
                            "payment_link"})
        customer = forms.string(params, "customer")
        details = forms.hash_param(params, "customer_details") or {}
        forms.only(details, {"email"})
        email = forms.string(details, "email")
        if "customer_details" in params and email is None:
            raise forms.missing("customer_details[email]")
        payment_intent = forms.string(params, "payment_intent")
        subscription = forms.string(params, "subscription")
        status = forms.choice(params, "status", ("open", "complete", "expired"))
        return [
            s for s in self.all("checkout.session")
            if (customer is None or s["customer"] == customer)
            and (email is None or (s["customer_details"] or {}).get("email") == email)
            and (payment_intent is None or s["payment_intent"] == payment_intent)
            and (subscription is None or s["subscription"] == subscription)
            and (status is None or s["status"] == status)
        ]

    def expire_session(self, session_id: str) -> dict:
        session = self.get("checkout.session", session_id)
        if session["status"] != "open":
            raise invalid("Only Checkout Sessions with a status of `open` can be expired.",
                          param="session")
        session["status"] = "expired"
        self.emit("checkout.session.expired", session)
        return session

    def _expire_if_due(self, session: dict) -> None:
        if session["status"] == "open" and session["expires_at"] <= now():
            session["status"] = "expired"
            self.emit("checkout.session.expired", session)

    def complete_session(self, session_id: str, outcome: str, email: str | None = None) -> dict:
        """What the buyer does on the hosted page; see `StripeStandIn.complete_checkout`."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        session = self.get("checkout.session", session_id)
        if outcome in ("async_succeeded", "async_failed"):
            if session["status"] == "open":
                self._complete(session, email, settled=False)
            if session_id not in self._async_pending:
                raise invalid(f"Checkout Session {session_id} has no pending asynchronous payment.",
                              param="session")
            self._async_pending.discard(session_id)
            if outcome == "async_succeeded":
                self._settle(session)
                self.emit("checkout.session.async_payment_succeeded", session)
            else:
                self._fail(session)
                self.emit("checkout.session.async_payment_failed", session)
            return session
        if session["status"] != "open":
            raise invalid(f"Checkout Session {session_id} is {session['status']}, not open.",
                          param="session")
        if outcome == "expire":
            return self.expire_session(session_id)
        if outcome == "abandon":
            # The buyer went back to the site: the session stays open until it expires.
            return session
        self._complete(session, email, settled=outcome == "paid")
        return session

    def _complete(self, session: dict, email: str | None, settled: bool) -> None:
        customer_id = session["customer"]
        if email is None:
            email = session["customer_email"]
        if email is None and customer_id:
            email = self.objects[customer_id]["email"]
        email = email or SANDBOX_EMAIL
        if customer_id is None and (session["mode"] == "subscription"
                                    or session["customer_creation"] == "always"):
            customer_id = self.create_customer({"email": email})["id"]
        session["customer"] = customer_id
        session["customer_details"] = objects.customer_details(email)
        session["status"] = "complete"
        created = now()
        if session["mode"] == "payment":
            intent = objects.payment_intent(
                id=new_id("pi_"), amount=session["amount_total"], currency=session["currency"],
                customer=customer_id, metadata=dict(self._pi_metadata.get(session["id"], {})),
                created=created, status="processing" if not settled else "succeeded",
            )
            self._add(intent)
            session["payment_intent"] = intent["id"]
            self.emit("payment_intent.created", intent)
        else:
            subscription_id = new_id("sub_")
            items = [
                objects.subscription_item(
                    id=new_id("si_", 14), subscription=subscription_id, price=copy.deepcopy(item["price"]),
                    quantity=item["quantity"], created=created,
                    period_end=_period_end(created, item["price"]["recurring"]))
                for item in self.line_items[session["id"]] if item["price"]["type"] == "recurring"
            ]
            subscription = objects.subscription(
                id=subscription_id, customer=customer_id, items=items, currency=session["currency"],
                metadata=dict(self._sub_metadata.get(session["id"], {})),
                status="incomplete" if not settled else "active", created=created,
                period_end=items[0]["current_period_end"],
            )
            self._add(subscription)
            session["subscription"] = subscription_id
            self.emit("customer.subscription.created", subscription)
        if settled:
            self._settle(session, emit_session=False)
        else:
            self._async_pending.add(session["id"])
        self.emit("checkout.session.completed", session)

    def _settle(self, session: dict, emit_session: bool = True) -> None:
        """The money arrived: the payment succeeds (a charge exists) or the subscription starts."""
        session["payment_status"] = "paid"
        email = session["customer_details"]["email"]
        if session["payment_intent"]:
            intent = self.objects[session["payment_intent"]]
            charge = objects.charge(
                id=new_id("ch_"), amount=intent["amount"], currency=intent["currency"],
                customer=intent["customer"], payment_intent=intent["id"], email=email,
                metadata=dict(intent["metadata"]), created=now(), base_url=self._base_url(),
            )
            self._add(charge)
            intent.update(status="succeeded", amount_received=intent["amount"],
                          latest_charge=charge["id"], payment_method=charge["payment_method"])
            self.emit("charge.succeeded", charge)
            self.emit("payment_intent.succeeded", intent)
        if session["subscription"]:
            self._set_subscription_status(self.objects[session["subscription"]], "active")
            self.invoice_period(self.objects[session["subscription"]], "subscription_create")

    def _fail(self, session: dict) -> None:
        if session["payment_intent"]:
            intent = self.objects[session["payment_intent"]]
            intent["status"] = "requires_payment_method"
            self.emit("payment_intent.payment_failed", intent)
        if session["subscription"]:
            self._set_subscription_status(self.objects[session["subscription"]], "incomplete_expired")

    def session_line_items(self, session_id: str, params: dict) -> list[dict]:
        forms.only(params, {"limit", "starting_after", "ending_before", "expand"})
        self.get("checkout.session", session_id)
        return list(self.line_items[session_id])

    # ------------------------------------------------------------------
    # Subscriptions and the billing portal

    def list_subscriptions(self, params: dict) -> list[dict]:
        forms.only(params, {"customer", "price", "status", "limit", "starting_after", "ending_before",
                            "expand", "created"})
        customer = forms.string(params, "customer")
        price = forms.string(params, "price")
        status = forms.choice(params, "status", SUBSCRIPTION_STATUSES + ("all", "ended"))
        return [
            s for s in self.all("subscription")
            if (customer is None or s["customer"] == customer)
            and (price is None or any(i["price"]["id"] == price for i in s["items"]["data"]))
            and (status == "all"
                 or (status is None and s["status"] != "canceled")
                 or (status == "ended" and s["status"] in ("canceled", "incomplete_expired"))
                 or s["status"] == status)
        ]

    def update_subscription(self, subscription_id: str, params: dict) -> dict:
        forms.only(params, {"cancel_at_period_end", "metadata", "expand", "items", "proration_behavior"})
        subscription = self.get("subscription", subscription_id)
        if subscription["status"] == "canceled":
            raise invalid("A canceled subscription can only update its cancellation_details and "
                          "metadata.", param="cancel_at_period_end")
        forms.choice(params, "proration_behavior", ("create_prorations", "none", "always_invoice"))
        before = copy.deepcopy(subscription)
        if "items" in params:
            self._swap_prices(subscription, params["items"])
        subscription["cancel_at_period_end"] = forms.boolean(
            params, "cancel_at_period_end", subscription["cancel_at_period_end"])
        subscription["cancel_at"] = (subscription["items"]["data"][0]["current_period_end"]
                                     if subscription["cancel_at_period_end"] else None)
        if not subscription["cancel_at_period_end"]:
            subscription["cancellation_details"]["reason"] = None
        elif subscription["cancellation_details"]["reason"] is None:
            subscription["cancellation_details"]["reason"] = "cancellation_requested"
        subscription["metadata"] = forms.metadata(params, subscription["metadata"])
        self._changed("customer.subscription.updated", subscription, before)
        return subscription

    def _swap_prices(self, subscription: dict, raw) -> None:
        """A plan change (Stripe: `items[0][id]=si_…&items[0][price]=price_…`): the same subscription, a new price.

        Like Stripe, the item keeps its id and the subscription its id and customer; the new
        price must be active, recurring and in the subscription's currency.
        """
        if not isinstance(raw, list) or not raw:
            raise invalid("Invalid array: items", param="items")
        current = {item["id"]: item for item in subscription["items"]["data"]}
        for index, entry in enumerate(raw):
            where = f"items[{index}]"
            if not isinstance(entry, dict):
                raise invalid(f"Invalid hash: {where}", param=where)
            forms.only(entry, {"id", "price", "quantity"})
            item_id = forms.string(entry, "id")
            if item_id not in current:
                raise invalid(f"No such subscription item: '{item_id}'", param=f"{where}[id]", status=404,
                              code="resource_missing")
            price = self.get("price", forms.string(entry, "price", required=True), f"{where}[price]")
            if not price["active"] or price["type"] != "recurring":
                raise invalid(f"The price `{price['id']}` is not an active recurring price.", param=f"{where}[price]")
            if price["currency"] != subscription["currency"]:
                raise invalid("The price's currency must match the subscription's.", param=f"{where}[price]")
            item = current[item_id]
            item["price"] = copy.deepcopy(price)
            item["plan"] = objects.plan(price)
            item["current_period_end"] = _period_end(item["current_period_start"], price["recurring"])

    def end_period(self, subscription_id: str) -> dict:
        """The paid period ends: a subscription set to cancel at its end is canceled, any other renews
        (its next period starts and that period's invoice is paid, as `StripeStandIn.renew` does)."""
        subscription = self.get("subscription", subscription_id)
        if subscription["cancel_at_period_end"]:
            self._set_subscription_status(subscription, "canceled", reason="cancellation_requested")
            return subscription
        before = copy.deepcopy(subscription)
        self.invoice_period(subscription)
        self._changed("customer.subscription.updated", subscription, before)
        return subscription

    def fail_renewal(self, subscription_id: str) -> dict:
        """The renewal's payment fails: the next period's invoice stays open, `invoice.payment_failed`,
        and the subscription is past_due (Stripe retries the card; `past_due_grants` decides access)."""
        subscription = self.get("subscription", subscription_id)
        items = subscription["items"]["data"]
        start = items[0]["current_period_end"]
        for item in items:
            item["current_period_start"] = start
            item["current_period_end"] = _period_end(start, item["price"]["recurring"])
        customer = self.objects.get(subscription["customer"]) or {}
        invoice = paid_invoice(subscription=subscription, email=customer.get("email"), created=now(),
                               period_start=start, period_end=items[0]["current_period_end"],
                               billing_reason="subscription_cycle")
        invoice.update(status="open", amount_paid=0, amount_remaining=invoice["amount_due"], auto_advance=True,
                       next_payment_attempt=now() + 3 * 86400)
        invoice["status_transitions"]["paid_at"] = None
        self._add(invoice)
        subscription["latest_invoice"] = invoice["id"]
        self.emit("invoice.payment_failed", invoice)
        self._set_subscription_status(subscription, "past_due")
        return invoice

    def cancel_subscription(self, subscription_id: str, params: dict) -> dict:
        forms.only(params, {"expand", "invoice_now", "prorate", "cancellation_details"})
        subscription = self.get("subscription", subscription_id)
        if subscription["status"] == "canceled":
            raise invalid(f"Subscription {subscription_id} is already canceled.", param="subscription")
        self._set_subscription_status(subscription, "canceled", reason="cancellation_requested")
        return subscription

    def set_subscription_status(self, subscription_id: str, status: str) -> dict:
        if status not in SUBSCRIPTION_STATUSES:
            raise ValueError(f"status must be one of {', '.join(SUBSCRIPTION_STATUSES)}, not {status!r}")
        subscription = self.get("subscription", subscription_id)
        self._set_subscription_status(subscription, status)
        return subscription

    def _set_subscription_status(self, subscription: dict, status: str, reason: str | None = None) -> None:
        if subscription["status"] == status:
            return
        previous = {"status": subscription["status"]}
        subscription["status"] = status
        if status == "canceled":
            stamp = now()
            subscription.update(canceled_at=stamp, ended_at=stamp)
            subscription["cancellation_details"]["reason"] = reason or "payment_failed"
            self.emit("customer.subscription.deleted", subscription, previous)
        else:
            self.emit("customer.subscription.updated", subscription, previous)

    def create_portal_session(self, params: dict) -> dict:
        forms.only(params, {"customer", "return_url", "expand", "locale", "configuration", "flow_data"})
        customer_id = forms.string(params, "customer", required=True)
        self.get("customer", customer_id, "customer")
        return_url = forms.string(params, "return_url")
        if return_url is not None and not _URL.match(return_url):
            raise invalid("Not a valid URL", param="return_url", code="url_invalid")
        session_id = new_id("bps_")
        session = objects.portal_session(id=session_id, customer=customer_id, return_url=return_url,
                                         url=f"{self._base_url()}/portal/{session_id}", created=now())
        return self._add(session)

    # ------------------------------------------------------------------
    # Membership invoices (what `folio report` reads as membership revenue)

    def invoice_period(self, subscription: dict, billing_reason: str = "subscription_cycle") -> dict:
        """A paid invoice for the subscription's current period; a renewal first moves the period on."""
        items = subscription["items"]["data"]
        if billing_reason == "subscription_cycle":
            start = items[0]["current_period_end"]
            for item in items:
                item["current_period_start"] = start
                item["current_period_end"] = _period_end(start, item["price"]["recurring"])
        start, end = items[0]["current_period_start"], items[0]["current_period_end"]
        email = (self.objects.get(subscription["customer"]) or {}).get("email")
        invoice = paid_invoice(subscription=subscription, email=email, created=now(), period_start=start,
                               period_end=end, billing_reason=billing_reason)
        self._add(invoice)
        subscription["latest_invoice"] = invoice["id"]
        self.emit("invoice.paid", invoice)
        return invoice

    def list_invoices(self, params: dict) -> list[dict]:
        forms.only(params, {"customer", "subscription", "status", "limit", "starting_after", "ending_before",
                            "expand", "created"})
        customer = forms.string(params, "customer")
        subscription = forms.string(params, "subscription")
        status = forms.choice(params, "status", ("draft", "open", "paid", "uncollectible", "void"))
        return [invoice for invoice in self.all("invoice")
                if (customer is None or invoice["customer"] == customer)
                and (subscription is None
                     or invoice["parent"]["subscription_details"]["subscription"] == subscription)
                and (status is None or invoice["status"] == status)]

    # ------------------------------------------------------------------
    # Payments after the fact: refunds and disputes

    def charge_of(self, target: str, param: str = "payment_intent") -> dict:
        """The charge behind a Checkout Session, PaymentIntent or charge id."""
        if target.startswith("cs_"):
            session = self.get("checkout.session", target, param)
            if not session["payment_intent"]:
                raise invalid(f"Checkout Session {target} has no payment to refund or dispute.", param=param)
            target = session["payment_intent"]
        if target.startswith("pi_"):
            intent = self.get("payment_intent", target, param)
            if not intent["latest_charge"]:
                raise invalid(f"PaymentIntent {target} has no successful charge.", param=param,
                              code="charge_not_refundable")
            target = intent["latest_charge"]
        return self.get("charge", target, param)

    def create_refund(self, params: dict) -> dict:
        forms.only(params, {"charge", "payment_intent", "amount", "reason", "metadata", "expand"})
        if ("charge" in params) == ("payment_intent" in params):
            raise invalid("Pass exactly one of charge or payment_intent.", param="charge")
        target = forms.string(params, "charge") or forms.string(params, "payment_intent", required=True)
        charge = self.charge_of(target, "charge" if "charge" in params else "payment_intent")
        reason = forms.choice(params, "reason", ("duplicate", "fraudulent", "requested_by_customer"))
        return self.refund(charge, forms.integer(params, "amount"), reason, forms.metadata(params))

    def refund(self, charge: dict, amount: int | None, reason: str | None = None,
               metadata: dict | None = None) -> dict:
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise invalid(f"Charge {charge['id']} has already been refunded.", param="charge",
                          code="charge_already_refunded")
        amount = remaining if amount is None else amount
        if not 0 < amount <= remaining:
            raise invalid(f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                          f"({remaining}).", param="amount", code="amount_too_large")
        refund = objects.refund(id=new_id("re_"), amount=amount, charge=charge["id"],
                                currency=charge["currency"], customer=charge["customer"],
                                payment_intent=charge["payment_intent"], reason=reason,
                                metadata=metadata or {}, created=now())
        self._add(refund)
        before = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["refunds"]["data"].insert(0, copy.deepcopy(refund))
        self.emit("refund.created", refund)
        self.emit("charge.refunded", charge, before)
        return refund

    def close_dispute(self, dispute_id: str, status: str) -> dict:
        """The bank decides: "won" (the money stays with the seller) or "lost"; `charge.dispute.closed`."""
        if status not in ("won", "lost", "warning_closed"):
            raise ValueError(f"status must be won, lost or warning_closed, not {status!r}")
        dispute = self.get("dispute", dispute_id)
        previous = {"status": dispute["status"]}
        dispute["status"] = status
        self.emit("charge.dispute.closed", dispute, previous)
        return dispute

    def dispute(self, charge: dict, reason: str = "fraudulent") -> dict:
        if charge["disputed"]:
            raise invalid(f"Charge {charge['id']} is already disputed.", param="charge")
        dispute = objects.dispute(id=new_id("dp_"), amount=charge["amount"] - charge["amount_refunded"],
                                  charge=charge["id"], currency=charge["currency"],
                                  payment_intent=charge["payment_intent"], reason=reason, created=now())
        self._add(dispute)
        charge["disputed"] = True
        self.emit("charge.dispute.created", dispute)
        return dispute

    # ------------------------------------------------------------------
    # Simple lists and updates

    def list_by(self, kind: str, params: dict, filters: tuple[str, ...]) -> list[dict]:
        forms.only(params, set(filters) | {"limit", "starting_after", "ending_before", "expand", "created"})
        wanted = {name: forms.string(params, name) for name in filters}
        return [obj for obj in self.all(kind)
                if all(value is None or obj.get(name) == value for name, value in wanted.items())]

    def list_events(self, params: dict) -> list[dict]:
        forms.only(params, {"type", "types", "limit", "starting_after", "ending_before", "expand",
                            "created", "delivery_success"})
        kind = forms.string(params, "type")
        types = forms.string_list(params, "types")

        def wanted(event_type: str) -> bool:
            if kind is not None:
                pattern = re.escape(kind).replace(r"\*", ".*")
                if not re.fullmatch(pattern, event_type):
                    return False
            return not types or event_type in types

        return [event for event in self.all("event") if wanted(event["type"])]

    def update_payment_intent(self, intent_id: str, params: dict) -> dict:
        forms.only(params, {"metadata", "description", "receipt_email", "expand"})
        intent = self.get("payment_intent", intent_id)
        intent["metadata"] = forms.metadata(params, intent["metadata"])
        for name in ("description", "receipt_email"):
            if name in params:
                intent[name] = forms.string(params, name)
        return intent

    def _changed(self, type: str, obj: dict, before: dict) -> None:
        """Emit `*.updated` with Stripe's `previous_attributes`, if anything changed."""
        previous = {key: value for key, value in before.items() if obj.get(key) != value}
        if previous:
            if "updated" in obj:
                obj["updated"] = now()
            self.emit(type, obj, previous)


def _period_end(start: int, recurring: dict) -> int:
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[recurring["interval"]]
    return start + days * recurring["interval_count"] * 86400
