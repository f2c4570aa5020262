"""Who is reading, and what they may read now: the one seam every gate route asks.

Routes (the reading pages, the in-site unlock, the library, downloads, the success page)
call only these functions. Who the reader is comes from the signed sign-in cookie, which
carries an email address and nothing else; what they may read is the verdict of
`toolkit.pay.entitlements` on Stripe's records, through the entitlement cache in the gate's
shared store (`toolkit.gate.entitled`), which webhooks keep current. A cookie never grants.
Within one request the answer is asked once.
"""

from __future__ import annotations

from flask import current_app, g

from toolkit.gate.identity import signed_in_email
from toolkit.gate.membership import MEMBERSHIP


def reader_email() -> str | None:
    """The signed-in reader's email address, or None for an anonymous reader."""
    identity = signed_in_email()
    return identity[0] if identity is not None else None


def reader_entitlements():
    """The current reader's `Entitlements` (None when anonymous). Stripe errors with nothing cached propagate."""
    if "folio_entitlements" not in g:
        from toolkit.gate.entitled import current

        email = reader_email()
        g.folio_entitlements = None if email is None else current(current_app.extensions["folio"], email)
    return g.folio_entitlements


def products_readable() -> frozenset[str]:
    """The product ids the current reader may read now (empty when nothing is granted)."""
    entitlements = reader_entitlements()
    return entitlements.products if entitlements is not None else frozenset()


def may_read(product_id: str) -> bool:
    """True only when the current reader is entitled to `product_id` now (fail closed).

    The membership opens every product; a course opens only itself.
    """
    products = products_readable()
    return product_id in products or MEMBERSHIP in products


def forget_request_answer() -> None:
    """After a route changed who is reading (sign-in, purchase), ask again on the next call."""
    g.pop("folio_entitlements", None)
