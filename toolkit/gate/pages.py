"""The gate's own pages: one renderer, error pages that never show a traceback, /healthz.

Every failure a reader can meet ends on a small page in the site's language
with a link back: 404 for an unknown product or page, 429 when rate
limited, 503 ("try again") when Stripe or S3 does not answer.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, render_template
from werkzeug.exceptions import HTTPException

from toolkit.errors import FolioError

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers: the process answers. Deliberately calls neither Stripe nor S3."""
    return {"status": "ok"}


def services():
    return current_app.extensions["folio"]


def render(template: str, status: int = 200, **context):
    """A gate page in the site's language."""
    from toolkit.content.strings import language_of, strings

    settings = services().settings
    context.setdefault("site_url", settings.site_url)
    html = render_template(f"gate/{template}", t=strings(settings.language), lang=language_of(settings.language),
                           **context)
    return html, status


def message(key: str, status: int, back_url: str | None = None, sandbox_settle: str | None = None, **values):
    """A page with the title and body of the `gate_<key>_title/_body` strings."""
    from toolkit.content.strings import strings

    t = strings(services().settings.language)
    return render("message.html", status, title=t[f"gate_{key}_title"].format(**values),
                  body=t[f"gate_{key}_body"].format(**values), back_url=back_url, sandbox_settle=sandbox_settle)


def install_error_pages(app: Flask) -> None:
    import stripe
    from botocore.exceptions import BotoCoreError, ClientError
    from flask_limiter.errors import RateLimitExceeded
    from flask_wtf.csrf import CSRFError

    @app.errorhandler(stripe.StripeError)
    def stripe_unavailable(error):
        # The type and status say enough; Stripe's message may quote ids from the request.
        log.warning("Stripe did not answer as expected: %s (HTTP %s)", type(error).__name__, error.http_status)
        return retry_page()

    @app.errorhandler(BotoCoreError)
    @app.errorhandler(ClientError)
    def storage_unavailable(error):
        log.warning("S3 did not answer as expected: %s", type(error).__name__)
        return retry_page()

    @app.errorhandler(FolioError)
    def folio_error(error):
        log.error("The gate cannot serve this request: %s", error.message)
        return retry_page()

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        body, status = message("too_many", 429)
        return body, status, {"Retry-After": "60"}

    @app.errorhandler(CSRFError)
    def bad_form(error):
        return message("bad_request", 400)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_found(error):
        return message("not_found", 404)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code and error.code < 500:
            return message("bad_request", error.code)
        return message("error", error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("Unexpected error in the gate")
        return message("error", 500)


def retry_page():
    body, status = message("retry", 503)
    return body, status, {"Retry-After": "30"}
