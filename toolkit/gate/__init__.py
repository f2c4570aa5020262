"""The gate: a small, stateless Flask service that turns a verified Stripe payment into signed links.

`create_app(settings)` builds one WSGI app; run it with `folio gate`, any
WSGI server (`toolkit.gate.wsgi:app`), or a serverless adapter. Nothing a
second instance would need is kept in memory: Stripe is the ledger, the
reader's cookie is signed and says who they are (never what they may read), and rate-limit
counters, the entitlement cache and used sign-in links live in one shared store.
"""

from __future__ import annotations

import logging

from flask import Flask

from toolkit.gate.settings import GateSettings

__all__ = ["GateSettings", "create_app"]

# Forms and webhooks are small; a bigger body is refused before anything reads it.
MAX_BODY = 1024 * 1024


def create_app(settings: GateSettings) -> Flask:
    """A gate app for `settings`, with its blueprints, limits, CSRF and error pages installed."""
    from toolkit.errors import FolioError
    from toolkit.gate import checkout, members, pages, read, security, success, timing, webhook
    from toolkit.gate.entitled import EntitlementCache
    from toolkit.gate.proxies import TrustedProxies
    from toolkit.gate.services import Services
    from toolkit.gate.store import store_for

    if not settings.gate_url:
        raise FolioError("gate_url: not set; the gate builds every link on it (see docs/operators/selling.md)")

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY,
        # Flask's own session only carries the CSRF token of the gate's forms.
        SESSION_COOKIE_NAME="folio_gate",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.gate_url.startswith("https://"),
        # /checkout checks Origin itself; other forms carry a token, whatever the Referer.
        WTF_CSRF_SSL_STRICT=False,
    )
    if settings.trusted_proxies:
        app.wsgi_app = TrustedProxies(app.wsgi_app, settings.trusted_proxies)
    services = app.extensions["folio"] = Services(settings)
    security.quiet_logs()
    logging.getLogger("folio.events").setLevel(logging.INFO)
    security.install_headers(app, settings, security.storage_origin(services.s3, settings.storage.bucket))
    timing.install(app, settings.server_timing)
    limiter = security.make_limiter(app, settings)
    services.store = store_for(limiter.storage)
    services.entitled = EntitlementCache(services.store, settings.secret_key, settings.entitlement_refresh,
                                         settings.entitlement_ttl)
    csrf = security.make_csrf(app)

    limiter.limit(settings.checkout_limit)(checkout.bp)
    limiter.limit(settings.page_limit)(success.bp)
    limiter.limit(settings.page_limit)(read.bp)
    limiter.exempt(webhook.bp)  # Stripe's deliveries must never be throttled away
    limiter.exempt(pages.bp)
    csrf.exempt(checkout.bp)  # checked by Origin, or by a token on the gate's own confirm form
    csrf.exempt(webhook.bp)  # verified by Stripe's signature instead

    for blueprint in (pages.bp, checkout.bp, success.bp, read.bp, webhook.bp, members.bp):
        app.register_blueprint(blueprint)
    pages.install_error_pages(app)
    security.refuse_while_limits_are_down(app, limiter, pages.retry_page)
    return app
