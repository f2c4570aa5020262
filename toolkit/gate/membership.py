"""The membership product, and the retired member cookie.

Earlier gates wrote what Stripe confirmed into a `folio_member` cookie and let it grant
access for an hour. Cookies now carry identity only (`toolkit.gate.identity`); what a reader
may read is always the verdict (`toolkit.gate.access`). The old cookie grants nothing and
is deleted when a member signs in or out.
"""

from __future__ import annotations

from flask import Response

COOKIE_NAME = "folio_member"
MEMBERSHIP = "membership"


def clear_cookie(response: Response) -> Response:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
    return response
