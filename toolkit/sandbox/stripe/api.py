"""Stripe's REST API under /v1: authentication, idempotency, pagination, `expand`, error JSON.

The routes call the ledger under its lock; this module only translates HTTP to ledger
calls and back, the way Stripe's API front end would.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qsl

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from toolkit.sandbox.stripe import forms
from toolkit.sandbox.stripe.errors import StripeError, invalid
from toolkit.sandbox.stripe.listing import created_between
from toolkit.sandbox.stripe.objects import new_id

if TYPE_CHECKING:
    from toolkit.sandbox.stripe.ledger import Ledger

MAX_LIMIT = 100
DEFAULT_LIMIT = 10

# (method, path, endpoint)
ROUTES = [
    ("POST", "/v1/products", "create_product"),
    ("GET", "/v1/products", "list_products"),
    ("GET", "/v1/products/<id>", "get_product"),
    ("POST", "/v1/products/<id>", "update_product"),
    ("POST", "/v1/prices", "create_price"),
    ("GET", "/v1/prices", "list_prices"),
    ("GET", "/v1/prices/<id>", "get_price"),
    ("POST", "/v1/prices/<id>", "update_price"),
    ("POST", "/v1/customers", "create_customer"),
    ("GET", "/v1/customers", "list_customers"),
    ("GET", "/v1/customers/search", "search_customers"),
    ("GET", "/v1/customers/<id>", "get_customer"),
    ("POST", "/v1/customers/<id>", "update_customer"),
    ("POST", "/v1/checkout/sessions", "create_session"),
    ("GET", "/v1/checkout/sessions", "list_sessions"),
    ("GET", "/v1/checkout/sessions/<id>", "get_session"),
    ("POST", "/v1/checkout/sessions/<id>", "update_session"),
    ("POST", "/v1/checkout/sessions/<id>/expire", "expire_session"),
    ("GET", "/v1/checkout/sessions/<id>/line_items", "session_line_items"),
    ("GET", "/v1/subscriptions", "list_subscriptions"),
    ("GET", "/v1/subscriptions/<id>", "get_subscription"),
    ("POST", "/v1/subscriptions/<id>", "update_subscription"),
    ("DELETE", "/v1/subscriptions/<id>", "cancel_subscription"),
    ("GET", "/v1/payment_intents", "list_payment_intents"),
    ("GET", "/v1/payment_intents/<id>", "get_payment_intent"),
    ("POST", "/v1/payment_intents/<id>", "update_payment_intent"),
    ("GET", "/v1/charges", "list_charges"),
    ("GET", "/v1/charges/<id>", "get_charge"),
    ("POST", "/v1/refunds", "create_refund"),
    ("GET", "/v1/refunds", "list_refunds"),
    ("GET", "/v1/refunds/<id>", "get_refund"),
    ("GET", "/v1/disputes", "list_disputes"),
    ("GET", "/v1/disputes/<id>", "get_dispute"),
    ("POST", "/v1/billing_portal/sessions", "create_portal_session"),
    ("GET", "/v1/invoices", "list_invoices"),
    ("GET", "/v1/invoices/<id>", "get_invoice"),
    ("GET", "/v1/events", "list_events"),
    ("GET", "/v1/events/<id>", "get_event"),
]

# Fields `expand[]` may name, beyond any field that holds another object's id.
_LIST_EXPANSIONS = {("checkout.session", "line_items")}


@dataclass
class _Stored:
    """An idempotent request's fingerprint and the answer it got."""

    fingerprint: str
    status: int
    body: bytes
    request_id: str


class Api:
    """The /v1 half of the stand-in's WSGI app."""

    def __init__(self, ledger: "Ledger", api_key: str, faults: Callable[[], int | None]):
        self.ledger = ledger
        self.api_key = api_key
        self._faults = faults
        self._map = Map([Rule(path, methods=[method], endpoint=endpoint) for method, path, endpoint in ROUTES])
        self._idempotent: dict[str, _Stored] = {}
        self.last_version: str | None = None

    def handle(self, request: Request) -> Response:
        request_id = new_id("req_", 14)
        try:
            fault = self._faults()
            if fault is not None:
                raise _fault(fault)
            self._authenticate(request)
            if request.headers.get("Stripe-Version"):
                self.last_version = request.headers["Stripe-Version"]
            body = request.get_data(cache=False)
            text = body.decode("utf-8") if request.method in ("POST", "DELETE") else ""
            pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
            pairs += parse_qsl(text, keep_blank_values=True)
            params = forms.decode(pairs)
            key = request.headers.get("Idempotency-Key")
            if request.method in ("POST", "DELETE") and key:
                return self._idempotently(request, key, body, params, request_id)
            status, payload = self._run(request, params, request_id, None)
        except StripeError as error:
            status, payload = error.status, error.body()
        except UnicodeDecodeError:
            status, payload = 400, invalid("The request body is not UTF-8.").body()
        return _json(status, payload, request_id)

    def _idempotently(self, request: Request, key: str, body: bytes, params: dict, request_id: str):
        if len(key) > 255:
            raise invalid("Idempotency keys are at most 255 characters.", param="Idempotency-Key")
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + body).hexdigest()
        with self.ledger.lock:
            stored = self._idempotent.get(key)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise StripeError(
                        400, "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters they "
                        f"were first used with. Try using a key other than '{key}' if you meant to "
                        "execute a different request.", None, "Idempotency-Key")
                response = Response(stored.body, status=stored.status, content_type="application/json")
                response.headers["Request-Id"] = stored.request_id
                response.headers["Idempotent-Replayed"] = "true"
                return response
            try:
                status, payload = self._run(request, params, request_id, key)
            except StripeError as error:
                status, payload = error.status, error.body()
            response = _json(status, payload, request_id)
            self._idempotent[key] = _Stored(fingerprint, status, response.get_data(), request_id)
            response.headers["Idempotent-Replayed"] = "false"
            return response

    def _run(self, request: Request, params: dict, request_id: str, key: str | None) -> tuple[int, dict]:
        adapter = self._map.bind("stand-in", path_info=request.path)
        try:
            endpoint, args = adapter.match(method=request.method)
        except (NotFound, MethodNotAllowed):
            raise invalid(f"Unrecognized request URL ({request.method}: {request.path}).", status=404)
        expand = forms.string_list(params, "expand")
        with self.ledger.lock:
            self.ledger.request_id, self.ledger.idempotency_key = request_id, key
            try:
                result = getattr(self, endpoint)(params, **args)
                if isinstance(result, list):
                    result = self._page(created_between(result, params), params, request.path)
                else:
                    result = copy.deepcopy(result)
                for path in expand:
                    self._expand(result, path.split("."), path)
            finally:
                self.ledger.request_id = self.ledger.idempotency_key = None
        return 200, result

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, credentials = header.partition(" ")
        key = None
        if scheme.lower() == "bearer":
            key = credentials.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(credentials).decode("utf-8").partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                key = ""
        if not key:
            raise StripeError(401, "invalid_request_error",
                              "You did not provide an API key. Provide it as a Bearer token in the "
                              "Authorization header.", None, None)
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            shown = key[:8] + "*" * 4 + key[-4:] if len(key) > 12 else "****"
            raise StripeError(401, "invalid_request_error", f"Invalid API Key provided: {shown}",
                              "api_key_invalid", None)

    # ------------------------------------------------------------------
    # Lists and expansion

    def _page(self, items: list[dict], params: dict, url: str) -> dict:
        limit = forms.integer(params, "limit", default=DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise invalid(f"Invalid limit: must be between 1 and {MAX_LIMIT}", param="limit")
        after = forms.string(params, "starting_after")
        before = forms.string(params, "ending_before")
        if after and before:
            raise invalid("You may only specify one of these parameters: ending_before, starting_after.",
                          param="starting_after")
        ids = [item["id"] for item in items]
        if after or before:
            cursor = after or before
            if cursor not in ids:
                raise invalid(f"No such object: '{cursor}'", param="starting_after" if after else "ending_before",
                              code="resource_missing", status=404 if cursor not in self.ledger.objects else 400)
            index = ids.index(cursor)
            if after:
                window = items[index + 1:index + 1 + limit]
                has_more = index + 1 + limit < len(items)
            else:
                start = max(0, index - limit)
                window = items[start:index]
                has_more = start > 0
        else:
            window, has_more = items[:limit], len(items) > limit
        return {"object": "list", "data": copy.deepcopy(window), "has_more": has_more, "url": url}

    def _expand(self, value: dict, parts: list[str], path: str) -> None:
        if not parts:
            return
        head, rest = parts[0], parts[1:]
        if value.get("object") in ("list", "search_result") and head == "data":
            for item in value["data"]:
                self._expand(item, rest, path)
            return
        if (value.get("object"), head) in _LIST_EXPANSIONS:
            items = self.ledger.session_line_items(value["id"], {})
            value[head] = self._page(items, {"limit": str(MAX_LIMIT)},
                                     f"/v1/checkout/sessions/{value['id']}/line_items")
        elif isinstance(value.get(head), str) and self.ledger.find(value[head]) is not None:
            value[head] = copy.deepcopy(self.ledger.find(value[head]))
        elif head not in value or not isinstance(value[head], (dict, type(None))):
            raise invalid(f"This property cannot be expanded ({path}).", param="expand")
        if isinstance(value.get(head), dict):
            self._expand(value[head], rest, path)

    # ------------------------------------------------------------------
    # Endpoints: one line each, the rules live in the ledger

    def create_product(self, params): return self.ledger.create_product(params)
    def list_products(self, params): return self.ledger.list_products(params)
    def get_product(self, params, id): return self._get("product", params, id)
    def update_product(self, params, id): return self.ledger.update_product(id, params)
    def create_price(self, params): return self.ledger.create_price(params)
    def list_prices(self, params): return self.ledger.list_prices(params)
    def get_price(self, params, id): return self._get("price", params, id)
    def update_price(self, params, id): return self.ledger.update_price(id, params)
    def create_customer(self, params): return self.ledger.create_customer(params)
    def list_customers(self, params): return self.ledger.list_customers(params)
    def get_customer(self, params, id): return self._get("customer", params, id)
    def update_customer(self, params, id): return self.ledger.update_customer(id, params)
    def create_session(self, params): return self.ledger.create_session(params)
    def list_sessions(self, params): return self.ledger.list_sessions(params)
    def get_session(self, params, id): return self._get("checkout.session", params, id)
    def update_session(self, params, id): return self.ledger.update_session(id, params)
    def session_line_items(self, params, id): return self.ledger.session_line_items(id, params)
    def list_subscriptions(self, params): return self.ledger.list_subscriptions(params)
    def get_subscription(self, params, id): return self._get("subscription", params, id)
    def update_subscription(self, params, id): return self.ledger.update_subscription(id, params)
    def cancel_subscription(self, params, id): return self.ledger.cancel_subscription(id, params)
    def get_payment_intent(self, params, id): return self._get("payment_intent", params, id)
    def update_payment_intent(self, params, id): return self.ledger.update_payment_intent(id, params)
    def get_charge(self, params, id): return self._get("charge", params, id)
    def create_refund(self, params): return self.ledger.create_refund(params)
    def get_refund(self, params, id): return self._get("refund", params, id)
    def get_dispute(self, params, id): return self._get("dispute", params, id)
    def create_portal_session(self, params): return self.ledger.create_portal_session(params)
    def list_events(self, params): return self.ledger.list_events(params)
    def get_event(self, params, id): return self._get("event", params, id)
    def list_invoices(self, params): return self.ledger.list_invoices(params)
    def get_invoice(self, params, id): return self._get("invoice", params, id)

    def list_payment_intents(self, params):
        return self.ledger.list_by("payment_intent", params, ("customer",))

    def list_charges(self, params):
        return self.ledger.list_by("charge", params, ("customer", "payment_intent"))

    def list_refunds(self, params):
        return self.ledger.list_by("refund", params, ("charge", "payment_intent"))

    def list_disputes(self, params):
        return self.ledger.list_by("dispute", params, ("charge", "payment_intent"))

    def expire_session(self, params, id):
        forms.only(params, {"expand"})
        return self.ledger.expire_session(id)

    def search_customers(self, params):
        found = self.ledger.search_customers(params)
        limit = forms.integer(params, "limit", default=DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise invalid(f"Invalid limit: must be between 1 and {MAX_LIMIT}", param="limit")
        # Search pages by an opaque `page` token; here it is the offset of the next result.
        page = forms.string(params, "page", default="0")
        if not page.isdigit():
            raise invalid(f"Invalid page: {page}", param="page")
        start = int(page)
        more = start + limit < len(found)
        return {"object": "search_result", "data": copy.deepcopy(found[start:start + limit]),
                "has_more": more, "next_page": str(start + limit) if more else None,
                "url": "/v1/customers/search"}

    def _get(self, kind: str, params: dict, object_id: str) -> dict:
        forms.only(params, {"expand"})
        return self.ledger.get(kind, object_id)


def _fault(status: int) -> StripeError:
    if status == 429:
        return StripeError(429, "invalid_request_error",
                           "Too many requests hit the API too quickly (sandbox fault injection).",
                           "rate_limit", None)
    return StripeError(status, "api_error",
                       "Something went wrong on Stripe's end (sandbox fault injection).", None, None)


def _json(status: int, payload: dict, request_id: str) -> Response:
    response = Response(json.dumps(payload), status=status, content_type="application/json")
    response.headers["Request-Id"] = request_id
    response.headers["Cache-Control"] = "no-cache, no-store"
    return response
