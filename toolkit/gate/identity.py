"""Who the reader is: the signed `folio_signin` cookie, holding an email address and nothing else.

It is set by a used sign-in link and by the success page of a purchase Stripe confirms, and
read by `toolkit.gate.access`. It grants nothing by itself: what the address may read is
asked of the verdict (through the entitlement cache) on every request. Signed timestamps are
accepted up to `CLOCK_SKEW` seconds in the future, so instances whose clocks differ by up to
a minute accept each other's cookies and links.
"""

from __future__ import annotations

import logging
import time

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

SIGNIN_COOKIE = "folio_signin"
SIGNIN_COOKIE_SALT = "folio.signin-cookie.v1"
CLOCK_SKEW = 60  # seconds another instance's clock may be ahead of (or behind) this one's


def canonical_address(email: str) -> str:
    """'Ann+News@Example.COM ' -> 'ann@example.com': one person however they spell their address.

    Used where one person must count once (the per-address sign-in limit, event hashes);
    Stripe's records are still asked about the address as typed (lower case).
    """
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return (email or "").strip().lower()
    return f"{local.split('+', 1)[0]}@{domain}"


def signer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def loads_within(serializer: URLSafeTimedSerializer, value: str, max_age: float):
    """(payload, age in seconds) of a valid token signed between `max_age` ago and CLOCK_SKEW from now.

    itsdangerous refuses any timestamp in the future, which makes a token minted by an instance
    one second ahead fail on another; this allows the skew either way instead.
    """
    payload, signed_at = serializer.loads(value, return_timestamp=True)
    age = time.time() - signed_at.timestamp()
    if not -CLOCK_SKEW <= age <= max_age + CLOCK_SKEW:
        raise BadSignature("outside its lifetime")
    return payload, age


def signed_in_email() -> tuple[str, float] | None:
    """(email, seconds since the cookie was signed) from a valid sign-in cookie, or None."""
    value = request.cookies.get(SIGNIN_COOKIE)
    if not value:
        return None
    settings = current_app.extensions["folio"].settings
    try:
        payload, age = loads_within(signer(SIGNIN_COOKIE_SALT), value, settings.signin_days * 86400)
    except BadSignature as error:
        log.info("Sign-in cookie refused: %s", type(error).__name__)
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), str) or "@" not in payload["e"]:
        return None
    return payload["e"], age


def set_signin_cookie(response: Response, email: str) -> Response:
    settings = current_app.extensions["folio"].settings
    max_age = settings.signin_days * 86400
    response.set_cookie(SIGNIN_COOKIE, signer(SIGNIN_COOKIE_SALT).dumps({"e": email}),
                        max_age=max_age, expires=int(time.time()) + max_age,
                        secure=(settings.gate_url or "").startswith("https://") or request.is_secure,
                        httponly=True, samesite="Lax", path="/")
    return response


def clear_signin_cookie(response: Response) -> Response:
    response.delete_cookie(SIGNIN_COOKIE, path="/", httponly=True, samesite="Lax")
    return response
