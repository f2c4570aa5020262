"""/checkout/<product>: from a Buy button on the site to Stripe Checkout (POST, 303); GET goes back to the site.

A signed-in reader who already owns the product goes to the library instead (no second
charge). A signed-in reader's Checkout runs on their one Stripe Customer (found by email,
or created once), so every purchase and subscription of an address sits on one Customer and
the billing portal shows them all; a reader who is not signed in gets a Customer from
Checkout, and is signed in by the success page, so their next purchase finds it.
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, url_for
from flask_wtf.csrf import ValidationError, validate_csrf

from toolkit.gate import access
from toolkit.gate.links import gate_base_url, is_source_path, site_page_url
from toolkit.gate.pages import message, render, services
from toolkit.gate.security import origin_allowed
from toolkit.pay.checkout import NotForSale, create_session, customer_for, offer_for

log = logging.getLogger(__name__)

bp = Blueprint("checkout", __name__)


@bp.get("/checkout/<product>")
def reload(product: str):
    """A reload or a bookmark of the checkout URL: back to the product's page on the site, to buy there."""
    gate = services()
    found = gate.manifest().products.get(product)
    if found is None:
        return message("not_found", 404, back_url=site_page_url(gate.settings, None))
    page = request.args.get("page")
    if not is_source_path(page):
        page = found.pages[0].source if found.pages else None
    return redirect(site_page_url(gate.settings, page, "folio-paywall" if page else ""), 303)


@bp.post("/checkout/<product>")
def start(product: str):
    gate = services()
    settings = gate.settings
    manifest = gate.manifest()
    page = request.form.get("page") if is_source_path(request.form.get("page")) else None
    try:
        offer = offer_for(manifest, product, request.form.get("plan") or None)
    except NotForSale:
        return message("not_found", 404, back_url=site_page_url(settings, page))
    if not (origin_allowed(request, settings.allowed_origins) or _valid_token()):
        # No (or a foreign) Origin: ask the reader to confirm on a page of our own, with a CSRF token.
        from toolkit.content.strings import strings

        t = strings(settings.language)
        return render("confirm.html", 403, title=t["gate_confirm_title"],
                      body=t["gate_confirm_body"].format(title=manifest.products[product].title),
                      action=request.path, plan=offer.plan, page=page or "")
    email = access.reader_email()
    customer = None
    if email is not None:
        if access.may_read(product):
            log.info("Checkout skipped: the reader already owns %s", product)
            return redirect(url_for("members.library"), 303)
        customer = customer_for(gate.stripe, email)
    base = gate_base_url(settings)
    try:
        session = create_session(
            gate.stripe, offer,
            success_url=f"{base}/success?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=site_page_url(settings, page, "folio-paywall" if page else ""),
            language=settings.language, customer=customer,
        )
    except NotForSale as error:
        log.warning("Checkout refused: %s", error.message)
        return message("not_found", 404, back_url=site_page_url(settings, page))
    log.info("Checkout started for %s (%s)", offer.product_id, offer.plan)
    return redirect(session.url, 303)


def _valid_token() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
