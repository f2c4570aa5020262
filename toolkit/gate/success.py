"""GET /success?session_id=…: Stripe sends the buyer here; only a payment that stands now shows links.

Reaching this URL proves nothing (anyone holding it can type it): the page asks Stripe
about the session through `fulfill_checkout`, whose verdict (`toolkit.pay.entitlements`)
also looks at the charge and the subscription, so after a refund, a dispute or the end of
a cancelled membership the same URL shows why nothing is open, and sets nothing. For a
purchase that stands, it signs the buyer in (an identity cookie: the address Stripe has),
so the read-online and download links, which check the verdict again, work in this browser.
Only for a day after the Checkout began (`SIGNIN_WINDOW`): later the URL (in a mail, in a
browser's history, in the operator's event log) still shows the verdict, but signs no one in;
the receipt's single-use link or /signin does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Blueprint, make_response, request, url_for

from toolkit.gate import events
from toolkit.gate.identity import set_signin_cookie
from toolkit.gate.membership import MEMBERSHIP, clear_cookie
from toolkit.gate.pages import message, render, services
from toolkit.pay.fulfillment import fulfill_checkout

bp = Blueprint("success", __name__)

SIGNIN_WINDOW = 24 * 3600  # seconds after the session's creation during which /success signs the buyer in

# Verdict state -> (page strings key, HTTP status) when nothing is granted.
NOT_GRANTED = {"pending": ("pending", 202), "open": ("open", 402), "expired": ("expired", 402),
               "failed": ("failed", 402), "refused": ("refused", 403), "refunded": ("refunded", 403),
               "disputed": ("disputed", 403), "canceled": ("canceled", 403),
               "payment_failed": ("payment_failed", 402), "unknown": ("unknown", 404)}


@dataclass
class Shelf:
    """One product's links on the success page."""

    product_id: str
    title: str
    downloads: list = field(default_factory=list)
    pages: list = field(default_factory=list)


@bp.get("/success")
def show():
    gate = services()
    manifest = gate.manifest()
    result = fulfill_checkout(gate.stripe, request.args.get("session_id", ""), manifest,
                              past_due_grants=gate.settings.past_due_grants)
    if not result.granted:
        key, status = NOT_GRANTED.get(result.state, ("unknown", 404))
        if key == "failed" and result.product_id in manifest.products:
            return _try_again(manifest, result)
        return message(key, status)
    if result.first:
        events.emit("grant", result.email, result.product_id, gate.settings.secret_key, session=result.session_id)
    if result.email:
        # What this address may read changed: the next /read asks Stripe, not an older answer.
        gate.entitled.drop(result.email)
    shelves = [_shelf(manifest, product_id) for product_id in _products_opened(manifest, result.product_id)]
    from toolkit.content.strings import strings

    t = strings(gate.settings.language)
    product = manifest.products[result.product_id]
    ttl = gate.settings.link_ttl or 15 * 60
    html, status = render("success.html", title=t["gate_success_title"].format(title=product.title),
                          shelves=shelves, membership=result.product_id == MEMBERSHIP,
                          minutes=max(1, ttl // 60), hours=max(1, gate.settings.signin_days * 24))
    response = clear_cookie(make_response(html, status))
    if result.email and time.time() - result.created <= SIGNIN_WINDOW:
        set_signin_cookie(response, result.email)
    return response


def _try_again(manifest, result):
    """A bank transfer (or another delayed payment) that failed: say so, and offer to buy again."""
    from toolkit.content.strings import strings

    t = strings(services().settings.language)
    product = manifest.products[result.product_id]
    return render("confirm.html", 402, title=t["gate_failed_title"],
                  body=t["gate_failed_body"].format(title=product.title),
                  action=url_for("checkout.start", product=product.id), plan=result.plan or "", page="",
                  button=t["gate_try_again"])


def _products_opened(manifest, product_id: str) -> list[str]:
    """The membership opens every product (its own first); a course opens itself."""
    if product_id != MEMBERSHIP:
        return [product_id]
    return [MEMBERSHIP] + sorted(p for p in manifest.products if p != MEMBERSHIP)


def _shelf(manifest, product_id: str) -> Shelf:
    product = manifest.products[product_id]
    downloads = [{"url": url_for("read.download", product=product_id, key=obj.key), "role": obj.role}
                 for obj in product.downloads]
    pages = [{"title": page.title, "url": url_for("read.page", product=product_id, page=page.source)}
             for page in product.pages]
    return Shelf(product_id, product.title, downloads, pages)
