"""The member cookie: a short-lived, signed copy of what Stripe confirmed a reader paid for.

Stripe stays the ledger (no database): after a verified payment the gate
writes the products it confirmed into a cookie signed with itsdangerous, so
the next `/read` needs no Stripe call. Anyone can read the cookie's content
(it is signed, not encrypted), so it holds nothing secret, and it expires
soon, so a refund or a cancelled membership stops working within hours.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Mapping

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

COOKIE_NAME = "folio_member"
# A distinct salt, so no other token signed with FOLIO_SECRET_KEY can pass as a cookie.
SALT = "folio.member-cookie.v1"
MEMBERSHIP = "membership"


@dataclass(frozen=True)
class Grants:
    """Products Stripe confirmed for this reader, when it confirmed each, and who Stripe says they are."""

    products: frozenset[str]
    email: str | None = None
    customer: str | None = None
    # product id -> unix time Stripe confirmed it (default: now, for every product)
    confirmed: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        now = int(time.time())
        stamps = {product: int(self.confirmed.get(product, now)) for product in self.products}
        object.__setattr__(self, "confirmed", stamps)

    def entitles(self, product_id: str) -> bool:
        """The membership opens every product; a course opens only itself."""
        return product_id in self.products or MEMBERSHIP in self.products

    def merged(self, other: "Grants | None") -> "Grants":
        """These grants plus what an earlier cookie held (a second purchase keeps the first).

        Each product keeps the time Stripe last confirmed it, so an earlier grant still
        expires `cookie_max_age` after its own confirmation, not after the newest one.
        """
        if other is None:
            return self
        confirmed = dict(other.confirmed)
        for product, stamp in self.confirmed.items():
            confirmed[product] = max(stamp, confirmed.get(product, 0))
        return Grants(self.products | other.products, self.email or other.email, self.customer or other.customer,
                      confirmed)

    def fresh(self, max_age: int) -> "Grants | None":
        """Only the products confirmed within `max_age` seconds (None if nothing is left)."""
        now = time.time()
        kept = frozenset(p for p in self.products if now - self.confirmed[p] <= max_age)
        if not kept:
            return None
        return Grants(kept, self.email, self.customer, {p: self.confirmed[p] for p in kept})

    def to_payload(self) -> dict:
        payload: dict = {"p": sorted(self.products), "t": dict(sorted(self.confirmed.items()))}
        if self.email:
            payload["e"] = self.email
        if self.customer:
            payload["c"] = self.customer
        return payload

    @classmethod
    def from_payload(cls, payload) -> "Grants | None":
        if not isinstance(payload, dict) or not isinstance(payload.get("p"), list):
            return None
        products, stamps = payload["p"], payload.get("t")
        if not products or not all(isinstance(p, str) for p in products) or not isinstance(stamps, dict):
            return None
        if not all(isinstance(stamps.get(p), int) and not isinstance(stamps.get(p), bool) for p in products):
            return None  # every product must say when Stripe confirmed it
        email, customer = payload.get("e"), payload.get("c")
        return cls(frozenset(products), email if isinstance(email, str) else None,
                   customer if isinstance(customer, str) else None, {p: stamps[p] for p in products})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> int:
    return current_app.extensions["folio"].settings.cookie_max_age


def issue_cookie(response: Response, grants: Grants) -> Response:
    """Set the signed member cookie: HttpOnly, SameSite=Lax, Secure when the gate is served over https."""
    from flask import request

    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(grants.to_payload()),
        max_age=_max_age(),
        expires=int(time.time()) + _max_age(),
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return response


def read_cookie(request: Request) -> Grants | None:
    """The grants in a valid, unexpired member cookie; None for a missing, tampered or stale one."""
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    try:
        payload = _serializer().loads(value, max_age=_max_age())
    except BadSignature as error:
        # Never log the cookie itself, only that it was refused and why.
        log.info("Member cookie refused: %s", type(error).__name__)
        return None
    grants = Grants.from_payload(payload)
    if grants is None:
        log.info("Member cookie refused: unexpected content")
        return None
    return grants.fresh(_max_age())


def clear_cookie(response: Response) -> Response:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
    return response
