"""The pages a buyer's browser sees: hosted Checkout (/pay/<id>) and the billing portal.

Every page carries the banner "Sandbox — not a real payment". The buttons do what the
Python API's `complete_checkout` does, then redirect like Stripe: to `success_url` (with
`{CHECKOUT_SESSION_ID}` filled in) or `cancel_url`.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Callable

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from toolkit.pay.money import format_amount
from toolkit.sandbox.stripe.errors import StripeError

if TYPE_CHECKING:
    from toolkit.sandbox.stripe.ledger import Ledger

# Button -> outcome of `complete_checkout`.
_ACTIONS = {"pay": "paid", "pay_later": "async_pending", "expire": "expire",
            "transfer_arrives": "async_succeeded", "transfer_fails": "async_failed"}


def money(amount: int | None, currency: str | None) -> str:
    return "" if amount is None or currency is None else format_amount(amount, currency)


class Pages:
    """The browser-facing half of the stand-in's WSGI app."""

    def __init__(self, ledger: "Ledger", complete: Callable[..., dict], flush: Callable[[], None]):
        self.ledger = ledger
        self._complete = complete
        self._flush = flush
        self._templates = Environment(loader=PackageLoader("toolkit.sandbox.stripe", "templates"),
                                      autoescape=select_autoescape(["html"]))
        self._templates.globals["money"] = money

    def handle(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "pay":
            return self.checkout(request, parts[1])
        if len(parts) == 2 and parts[0] == "portal":
            return self.portal(request, parts[1])
        if request.path == "/":
            return self._page("message.html", title="Stripe stand-in",
                              message="Folio's local Stripe stand-in: the API is under /v1.")
        return self._page("message.html", 404, title="Not found", message="No such sandbox page.")

    def checkout(self, request: Request, session_id: str) -> Response:
        with self.ledger.lock:
            session = self.ledger.objects.get(session_id)
            if session is None or session.get("object") != "checkout.session":
                return self._page("message.html", 404, title="Not found",
                                  message="No such checkout session.")
            self.ledger.find(session_id)  # lets an overdue session expire
        if request.method == "POST":
            action = request.form.get("action", "")
            if action == "cancel":
                # Stripe leaves the session open; the buyer just goes back.
                if session["cancel_url"]:
                    return redirect(session["cancel_url"], 303)
                return self._page("message.html", title="Cancelled", message="You cancelled the checkout.")
            if action not in _ACTIONS:
                return self._page("message.html", 400, title="Bad request", message="Unknown action.")
            try:
                session = self._complete(session_id, _ACTIONS[action],
                                         email=request.form.get("email") or None)
            except StripeError as error:
                return self._render_checkout(session_id, str(error), 409)
            if action in ("pay", "pay_later") and session["success_url"]:
                return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id), 303)
            return redirect(request.path, 303)
        return self._render_checkout(session_id)

    def _render_checkout(self, session_id: str, message: str = "", status: int = 200) -> Response:
        with self.ledger.lock:
            session = copy.deepcopy(self.ledger.objects[session_id])
            items = copy.deepcopy(self.ledger.line_items[session_id])
            pending = session_id in self.ledger._async_pending
            email = session["customer_email"] or ""
            if not email and session["customer"]:
                email = self.ledger.objects[session["customer"]]["email"] or ""
        return self._page("pay.html", status, session=session, items=items, pending=pending,
                          email=email, message=message, action=f"/pay/{session_id}")

    def portal(self, request: Request, portal_id: str) -> Response:
        message = ""
        with self.ledger.lock:
            session = self.ledger.objects.get(portal_id)
            if session is None or session.get("object") != "billing_portal.session":
                return self._page("message.html", 404, title="Not found", message="No such portal session.")
            action = request.form.get("action") if request.method == "POST" else None
            if action in ("cancel", "renew", "switch"):
                subscription = self.ledger.objects.get(request.form.get("subscription", ""))
                if subscription is None or subscription.get("customer") != session["customer"]:
                    return self._page("message.html", 404, title="Not found",
                                      message="No such subscription for this customer.")
                try:
                    message = self._portal_action(action, subscription, request.form.get("price", ""))
                except StripeError as error:
                    message = str(error)
            customer = copy.deepcopy(self.ledger.objects[session["customer"]])
            subscriptions = copy.deepcopy(self.ledger.list_subscriptions(
                {"customer": session["customer"], "status": "all"}))
            session = copy.deepcopy(session)
        self._flush()
        switches = {sub["id"]: self._other_plans(sub) for sub in subscriptions}
        return self._page("portal.html", session=session, customer=customer, subscriptions=subscriptions,
                          message=message, action=f"/portal/{portal_id}", switches=switches)

    def _portal_action(self, action: str, subscription: dict, price_id: str) -> str:
        """What Stripe's portal does by default: cancel at the period's end, undo that, switch plan in place."""
        if action == "cancel":
            self.ledger.update_subscription(subscription["id"], {"cancel_at_period_end": "true"})
            return "Your subscription will be canceled at the end of the paid period."
        if action == "renew":
            self.ledger.update_subscription(subscription["id"], {"cancel_at_period_end": "false"})
            return "Your subscription will renew."
        if price_id not in {price["id"] for price in self._other_plans(subscription)}:
            return "That plan is not offered here."
        item = subscription["items"]["data"][0]
        self.ledger.update_subscription(subscription["id"], {
            "items": [{"id": item["id"], "price": price_id}], "proration_behavior": "create_prorations"})
        return "Your plan was changed."

    def _other_plans(self, subscription: dict) -> list[dict]:
        """The other active recurring prices of the subscription's product (the portal's plan switcher)."""
        if subscription["status"] in ("canceled", "incomplete_expired"):
            return []
        current = subscription["items"]["data"][0]["price"]
        return [price for price in self.ledger.all("price")
                if price["product"] == current["product"] and price["id"] != current["id"] and price["active"]
                and price["type"] == "recurring" and price["currency"] == current["currency"]]

    def _page(self, template: str, status: int = 200, **context) -> Response:
        html = self._templates.get_template(template).render(**context)
        response = Response(html, status=status, content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
