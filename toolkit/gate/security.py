"""Who may post, how often, and what leaves the gate: origin checks, limits, CSRF, headers, quiet logs.

The checkout form lives on the static site, another origin, so it cannot
carry a CSRF token: `/checkout` accepts it when `Origin` (or `Referer`)
is the site's, and rate-limits it. The gate's own forms carry a Flask-WTF
token. Rate-limit counters live in the store `gate.rate_limit_storage`
names, so several instances share them.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from toolkit.gate.settings import GateSettings, origin_of

log = logging.getLogger(__name__)

# Third-party loggers that print request URLs (Stripe ids, signed S3 parameters) at INFO or DEBUG.
CHATTY_LOGGERS = ("stripe", "botocore", "boto3", "urllib3", "s3transfer")


def origin_allowed(request: Request, allowed: frozenset[str]) -> bool:
    """Did this request come from a page of the site? Origin if sent, else Referer; neither: no."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin_of(origin) in allowed
    referer = request.headers.get("Referer")
    return bool(referer) and origin_of(referer) in allowed


def make_limiter(app: Flask, settings: GateSettings) -> Limiter:
    """Flask-Limiter keyed by client address; counters in the configured shared store."""
    return Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.rate_limit_storage,
        # Moving window: a burst at a window's edge cannot double the allowance.
        strategy="moving-window",
        headers_enabled=True,
    )


def refuse_while_limits_are_down(app: Flask, limiter: Limiter, respond) -> None:
    """A rate-limit store that cannot be reached answers `respond()` (503), never a 500.

    Flask-Limiter lets the store's error through (`swallow_errors` stays off): counting
    nothing would lift every limit, so limited routes are refused until the store is back.
    """
    errors = limiter.storage.base_exceptions
    for error in errors if isinstance(errors, tuple) else (errors,):
        if error in (ValueError, Exception):  # the in-memory store's placeholder: nothing can go down
            continue

        @app.errorhandler(error)
        def limits_down(exc, _error=error):
            log.warning(
                "The rate-limit store is unreachable (%s): limited routes answer 503", type(exc).__name__)
            return respond()


def make_csrf(app: Flask) -> CSRFProtect:
    return CSRFProtect(app)


HSTS = "max-age=31536000"


def content_security_policy(settings: GateSettings, storage_origin: str | None) -> str:
    """What a gate page may load: itself, the public site (theme assets, fonts), signed S3 links.

    Paid pages are the build's own HTML (mkdocs-material), whose inline bootstrap scripts and
    styles need 'unsafe-inline', and whose scripts, styles and fonts (KaTeX, say) come as signed
    URLs of the storage origin; nothing may frame a gate page, and forms post only to the gate
    and to Stripe's hosted pages (Checkout, the billing portal).
    """
    site = origin_of(settings.site_url)
    sources = " ".join(dict.fromkeys(filter(None, ["'self'", site, storage_origin])))
    # Chromium applies form-action to the redirects a form post answers with: the gate's own
    # forms (confirm, try again, billing portal) end at Stripe's hosted pages.
    stripe_pages = [origin_of(settings.stripe_api_base or "")] if settings.stripe_api_base else []
    stripe_pages += ["https://checkout.stripe.com", "https://billing.stripe.com"]
    forms = " ".join(dict.fromkeys(filter(None, ["'self'", site, *stripe_pages])))
    return "; ".join([
        f"default-src {sources}",
        f"script-src {sources} 'unsafe-inline'",
        f"style-src {sources} 'unsafe-inline' https://fonts.googleapis.com",
        f"font-src {sources} https://fonts.gstatic.com data:",
        f"img-src {sources} data: https:",  # images in authors' pages may live anywhere; they run nothing
        f"media-src {sources}",
        f"connect-src {sources}",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {forms}",
        "frame-ancestors 'none'",
    ])


def storage_origin(s3_client, bucket: str) -> str | None:
    """The origin signed S3 links point at (from a URL boto3 signs locally, without a request)."""
    try:
        return origin_of(s3_client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "x"},
                                                          ExpiresIn=60))
    except Exception:  # noqa: BLE001 - no credentials yet: the policy then names no storage origin
        return None


def install_headers(app: Flask, settings: GateSettings, storage: str | None = None) -> None:
    """Gate responses carry signed links or member state: never cache them, never leak them as Referer.

    Every response gets the Content-Security-Policy above; over https (a gate_url of https://,
    or a request a trusted proxy says came over https) also HSTS.
    """
    policy = content_security_policy(settings, storage)
    https_gate = settings.gate_url.startswith("https://")

    @app.after_request
    def private_response(response):
        from flask import request

        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["Content-Security-Policy"] = policy
        if https_gate or request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response


class RedactQuery(logging.Filter):
    """Drop query strings (session ids, signed parameters) from access-log lines."""

    _QUERY = re.compile(r"\?[^\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(self._QUERY.sub("?…", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = self._QUERY.sub("?…", record.msg)
        return True


def quiet_logs() -> None:
    """Keep request URLs of Stripe and S3 calls out of the logs, and query strings out of access logs."""
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactQuery) for f in werkzeug.filters):
        werkzeug.addFilter(RedactQuery())
