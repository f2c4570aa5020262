"""Who is reading, and what they may read now: the one seam every gate route asks.

Routes (the reading pages, the in-site unlock, the library, downloads) call only these
functions; how the answer is reached (the member cookie, Stripe, a cache of what Stripe
said) is this module's business, so it can change without touching a route.
"""

from __future__ import annotations

from flask import request

from toolkit.gate.members import signed_in_email
from toolkit.gate.membership import read_cookie


def reader_email() -> str | None:
    """The signed-in reader's email address, or None for an anonymous reader."""
    identity = signed_in_email()
    if identity is not None:
        return identity[0]
    grants = read_cookie(request)
    return grants.email if grants is not None else None


def products_readable() -> frozenset[str]:
    """The product ids the current reader may read now (empty when nothing is granted)."""
    grants = read_cookie(request)
    return frozenset(grants.products) if grants is not None else frozenset()


def may_read(product_id: str) -> bool:
    """True only when the current reader is entitled to `product_id` now (fail closed)."""
    grants = read_cookie(request)
    return grants is not None and grants.entitles(product_id)
