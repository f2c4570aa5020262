"""Members come back: sign-in by email, the library, Stripe's billing portal, sign-out.

No database and no password. Who a reader is travels in a signed link by mail
(itsdangerous, purpose-bound, single-use, 15 minutes for a sign-in link, a few days for the
one in a receipt) and then in the signed `folio_signin` cookie holding only the email address
(`toolkit.gate.identity`). What they may read is always the verdict on Stripe's records
(`toolkit.gate.access`), through the entitlement cache that webhooks keep current.

`/signin` never looks anything up: it mails a link to whatever address it is given, and
answers the same page, status and headers either way, so it cannot tell anyone whether an
address bought something. It is rate-limited per address and per client, with counters in
the gate's Flask-Limiter storage (shared by every instance); the per-address limit counts
`Ann+x@Example.com` and `ann@example.com` as one address.
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import urlencode

from flask import (Blueprint, Response, abort, current_app, make_response, redirect, render_template, request,
                   url_for)
from flask_wtf import FlaskForm
from itsdangerous import BadSignature
from markupsafe import escape
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Length

from toolkit.content.strings import language_of, strings
from toolkit.gate import access, events
from toolkit.gate.identity import (SIGNIN_COOKIE, CLOCK_SKEW,  # noqa: F401  (SIGNIN_COOKIE: re-exported)
                                   canonical_address, clear_signin_cookie, loads_within,
                                   set_signin_cookie, signer)
from toolkit.gate.membership import clear_cookie

log = logging.getLogger(__name__)

bp = Blueprint("members", __name__, template_folder="templates")

# Distinct salts: a token made for one purpose never passes for another, nor for a cookie.
LINK_SALT = "folio.email-link.v1"
USED_LINK_PREFIX = "folio:used-link:"
# How long each kind of emailed link works, in seconds.
LINK_LIFETIMES = {"signin": 15 * 60, "receipt": 7 * 24 * 3600}
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")


class EmailForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])


class TokenForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token (portal, sign-out)."""


# --------------------------------------------------------------------------
# Signed links and the sign-in cookie


def make_link_token(email: str, purpose: str) -> str:
    """A signed token saying "this address asked to sign in" for `purpose` ("signin" or "receipt")."""
    return signer(LINK_SALT).dumps({"e": email, "p": purpose})


def read_link_token(token: str) -> str | None:
    """The email of a valid, unexpired link token (±CLOCK_SKEW); None for anything else."""
    try:
        payload, age = loads_within(signer(LINK_SALT), token, max(LINK_LIFETIMES.values()))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("p") not in LINK_LIFETIMES or not isinstance(payload.get("e"), str):
        return None
    return payload["e"] if age <= LINK_LIFETIMES[payload["p"]] + CLOCK_SKEW else None


def use_link_token(token: str) -> bool:
    """Mark `token` used in the shared store; False when it was used before (links work once)."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:40]
    lifetime = max(LINK_LIFETIMES.values()) + 2 * CLOCK_SKEW
    return current_app.extensions["folio"].store.add(USED_LINK_PREFIX + digest, "1", lifetime)


def link_url(email: str, purpose: str) -> str:
    """The absolute URL of the confirm page for a fresh link token."""
    return _external("members.confirm") + "?" + urlencode({"token": make_link_token(email, purpose)})


# --------------------------------------------------------------------------
# The receipt (called by the webhook through toolkit.pay.fulfillment)


def send_receipt(result) -> None:
    """Mail the receipt of a granted Checkout Session, once per session however often this runs.

    Raises ReceiptBusy / MailError / stripe errors for the webhook to answer non-2xx.
    """
    from toolkit.mail import receipt_mail, send_receipt_once

    settings = _settings()
    if not result.granted:
        return
    if settings.mail is None:
        log.info("No receipt: FOLIO_MAIL_URL is not set")
        return
    if not result.email:
        log.warning("No receipt: Stripe has no email for this checkout")
        return
    services = current_app.extensions["folio"]
    product = services.manifest().products[result.product_id]

    def build(session):
        return receipt_mail(
            sender=settings.mail.sender, to=result.email, site=settings.site_name, title=product.title,
            amount=session.get("amount_total"), currency=session.get("currency"), reference=session["id"],
            link=link_url(result.email, "receipt"), days=LINK_LIFETIMES["receipt"] // 86400,
            signin_url=_external("members.signin"), language=product.language or settings.language)

    send_receipt_once(services.stripe, result.session_id, build, settings.mail.mailer())


@bp.app_context_processor
def sandbox_banner() -> dict:
    """Every gate page (the gate's own too) says so when it runs in `folio serve --sandbox`."""
    settings = _settings()
    return {"sandbox": settings.sandbox,
            "sandbox_text": strings(settings.language)["member.sandbox"]}


_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BANNER_STYLE = ("background:#ffb300;color:#1f2328;padding:.5rem 1rem;font:600 15px/1.5 system-ui,sans-serif;"
                 "text-align:center")


@bp.after_app_request
def sandbox_banner_on_paid_pages(response: Response) -> Response:
    """In the sandbox, paid pages (`/read/…`, served as the build wrote them) get the banner too."""
    settings = _settings()
    if not settings.sandbox or response.mimetype != "text/html" or response.direct_passthrough:
        return response
    html = response.get_data(as_text=True)
    if 'class="sandbox-banner"' in html:
        return response
    text = strings(settings.language)["member.sandbox"]
    banner = f'<div class="sandbox-banner" role="status" style="{_BANNER_STYLE}">{escape(text)}</div>'
    response.set_data(_BODY.sub(lambda found: found.group(0) + banner, html, count=1))
    return response


# --------------------------------------------------------------------------
# Routes


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    form = EmailForm()
    if request.method == "GET":
        return _page("members/signin.html", form=form)
    if not form.validate_on_submit() or not _EMAIL.match(form.email.data.strip()):
        if form.errors.get("csrf_token"):
            abort(400)
        return _page("members/signin.html", form=form, error="member.bad_email", status=400)
    email = form.email.data.strip().lower()
    if not _allowed(email):
        return _page("members/message.html", title="member.too_many_title", body="member.too_many_body", status=429,
                     headers={"Retry-After": "3600"})
    mail = _settings().mail
    if mail is None:
        log.warning("Sign-in asked for, but FOLIO_MAIL_URL is not set: no link can be sent")
        return _page("members/message.html", title="member.no_mail_title", body="member.no_mail_body", status=503)
    from toolkit.mail import MailError, signin_mail

    message = signin_mail(sender=mail.sender, to=email, site=_settings().site_name, link=link_url(email, "signin"),
                          minutes=LINK_LIFETIMES["signin"] // 60, language=_settings().language)
    try:
        mail.mailer().send(message)
    except MailError as error:
        log.error("Sign-in mail could not be sent: %s", error)
        return _page("members/message.html", title="member.no_mail_title", body="member.no_mail_body", status=503)
    # The same page for every address: it says nothing about what the address bought.
    return _page("members/sent.html", email=email, minutes=LINK_LIFETIMES["signin"] // 60)


@bp.route("/signin/confirm", methods=["GET", "POST"])
def confirm():
    """GET shows a button and changes nothing (mail scanners open links); POST signs in."""
    form = TokenForm()
    token = request.args.get("token", "") if request.method == "GET" else (form.token.data or "")
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    email = read_link_token(token)
    if email is None:
        return _page("members/message.html", title="member.bad_link_title", body="member.bad_link_body", status=400,
                     link=("signin", "member.sign_in_again"))
    if request.method == "GET":
        form.token.data = token
        return _page("members/confirm.html", form=form, email=email)
    if not use_link_token(token):
        log.info("Sign-in link refused: already used")
        return _page("members/message.html", title="member.used_link_title", body="member.used_link_body",
                     status=400, link=("signin", "member.sign_in_again"))
    response = set_signin_cookie(clear_cookie(_no_store(redirect(url_for("members.library"), 303))), email)
    log.info("Member signed in by email link")
    events.emit("signin", email, "-", _settings().secret_key)
    return response


@bp.route("/library")
def library():
    email = access.reader_email()
    if email is None:
        return _no_store(redirect(url_for("members.signin"), 303))
    entitlements = access.reader_entitlements()
    manifest = current_app.extensions["folio"].manifest()
    shelves = [_shelf(manifest, item) for item in entitlements.granted if item.product_id in manifest.products]
    # What no longer opens (a pending bank transfer is not "gone": it has not arrived yet).
    gone = [(manifest.products[pid].title if pid in manifest.products else pid, state)
            for _, pid, state in entitlements.revoked if pid not in entitlements.products and state != "pending"]
    return _page("members/library.html", email=email, shelves=shelves, gone=_unique(gone),
                 subscriber=entitlements.subscriber, action=ActionForm())


@bp.route("/portal", methods=["POST"])
def portal():
    """Stripe's billing portal for the signed-in member (cancel at period end, switch plan, card, invoices)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if access.reader_email() is None:
        return _no_store(redirect(url_for("members.signin"), 303))
    customer = access.reader_entitlements().subscriber
    if customer is None:
        return _no_store(redirect(url_for("members.library"), 303))
    services = current_app.extensions["folio"]
    session = services.stripe.v1.billing_portal.sessions.create(
        params={"customer": customer, "return_url": _external("members.library")})
    return _no_store(redirect(session.url, 303))


@bp.route("/signout", methods=["GET", "POST"])
def signout():
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        response = _page("members/message.html", title="member.signed_out_title", body="member.signed_out_body",
                         link=("signin", "member.sign_in_again"))
        return clear_cookie(clear_signin_cookie(response))
    return _page("members/signout.html", action=form)


# --------------------------------------------------------------------------
# Helpers


def _settings():
    return current_app.extensions["folio"].settings


def _allowed(email: str) -> bool:
    """Count this request against the per-email and per-client limits; False once either is spent."""
    from flask_limiter.util import get_remote_address
    from limits import parse

    limiter = next(iter(current_app.extensions["limiter"])).limiter
    # One person, however the address is spelled (case, +tag); the store sees only a digest.
    digest = hashlib.sha256(canonical_address(email).encode()).hexdigest()[:32]
    per_email = limiter.hit(parse(_settings().signin_limit), "folio-signin-email", digest)
    per_client = limiter.hit(parse(_settings().signin_client_limit), "folio-signin-client", get_remote_address())
    return per_email and per_client


def _shelf(manifest, item) -> dict:
    """One product on the library page: its title, its download links (checked again on click), its pages."""
    product = manifest.products[item.product_id]
    downloads = [{"title": obj.title or obj.role, "url": download_url(product.id, obj.key), "role": obj.role}
                 for obj in product.downloads]
    pages = [{"title": page.title, "url": read_url(product.id, page)} for page in product.pages]
    return {"id": product.id, "title": product.title, "kind": product.kind, "downloads": downloads,
            "pages": pages, "source": item.source, "status": item.status, "until": item.until}


def download_url(product_id: str, key: str) -> str:
    """The gate's download URL of a product's object: the gate checks the reader, then redirects to S3."""
    return url_for("read.download", product=product_id, key=key)


def read_url(product_id: str, page) -> str:
    """The gate's read-online URL of a gated page."""
    return url_for("read.page", product=product_id, page=page.source)


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _external(endpoint: str) -> str:
    """An absolute URL on this gate, always under gate_url (never from the request's Host)."""
    return _settings().gate_url.rstrip("/") + url_for(endpoint)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
    settings = _settings()
    response = make_response(render_template(template, t=strings(settings.language),
                                             lang=language_of(settings.language), site_url=settings.site_url,
                                             **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    # Pages here carry tokens in their URL or signed links in their body.
    return _no_store(response)
