"""GET /success?session_id=…: Stripe sends the buyer here; only a verified payment shows links.

Reaching this URL proves nothing (anyone can type it): the page asks Stripe
about the session through `fulfill_checkout` and shows downloads and
read-online links only when Stripe confirms a complete, paid session for a
product of the catalog. It also sets the member cookie, so the read-online
links work without asking Stripe again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, make_response, redirect, request, url_for

from toolkit.gate.links import known_page, site_page_url
from toolkit.gate.membership import MEMBERSHIP, Grants, issue_cookie, read_cookie
from toolkit.gate.pages import message, render, services
from toolkit.pay.fulfillment import fulfill_checkout

bp = Blueprint("success", __name__)

# Fulfillment state -> (page, HTTP status) when nothing is granted.
NOT_GRANTED = {"pending": ("pending", 202), "open": ("open", 402), "expired": ("expired", 402),
               "refused": ("refused", 403), "unknown": ("unknown", 404)}


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
    result = fulfill_checkout(gate.stripe, request.args.get("session_id", ""), manifest)
    if not result.granted:
        key, status = NOT_GRANTED.get(result.state, ("unknown", 404))
        if key == "pending" and gate.settings.sandbox and gate.settings.stripe_api_base:
            # The sandbox's Stripe stand-in settles a bank transfer on its checkout page.
            settle = f"{gate.settings.stripe_api_base.rstrip('/')}/pay/{result.session_id}"
            return message(key, status, sandbox_settle=settle)
        return message(key, status)
    grants = Grants(frozenset({result.product_id}), result.email, result.customer).merged(read_cookie(request))
    back = request.args.get("page", "")
    if known_page(manifest, back):
        target = site_page_url(gate.settings, back, f"folio-bought={result.session_id}")
        return issue_cookie(redirect(target, 303), grants)
    shelves = [_shelf(gate, manifest, product_id) for product_id in _products_opened(manifest, result.product_id)]
    from toolkit.content.strings import strings

    t = strings(gate.settings.language)
    product = manifest.products[result.product_id]
    ttl = gate.settings.link_ttl or 15 * 60
    html, status = render("success.html", title=t["gate_success_title"].format(title=product.title),
                          shelves=shelves, membership=result.product_id == MEMBERSHIP,
                          minutes=max(1, ttl // 60), hours=max(1, gate.settings.cookie_max_age // 3600))
    return issue_cookie(make_response(html, status), grants)


def _products_opened(manifest, product_id: str) -> list[str]:
    """The membership opens every product (its own first); a course opens itself."""
    if product_id != MEMBERSHIP:
        return [product_id]
    return [MEMBERSHIP] + sorted(p for p in manifest.products if p != MEMBERSHIP)


def _shelf(gate, manifest, product_id: str) -> Shelf:
    product = manifest.products[product_id]
    downloads = [gate.sign(manifest, product_id, obj.key) for obj in product.downloads]
    pages = [{"title": page.title, "url": url_for("read.page", product=product_id, page=page.source)}
             for page in product.pages]
    return Shelf(product_id, product.title, downloads, pages)
