"""The sandbox's own pages: caught mail, and the payments in the Stripe stand-in with buttons that
do what a bank or a buyer would (refund, dispute, a membership falling behind or cancelled).

One small WSGI app, served next to the mail catcher by `folio serve --sandbox`, so a person
trying Folio can see a refund revoke access without writing code.
"""

from __future__ import annotations

import html

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from toolkit.content.prices import format_minor
from toolkit.sandbox.smtp import MailBox, _page, mail_page

SUBSCRIPTION_STATUSES = ("active", "past_due", "unpaid", "canceled")


def sandbox_pages(box: MailBox, standin, report=None):
    """`/payments` (the stand-in's completed checkouts, with actions), `/report` (`report()`: the
    operator's report of the sandbox's own data) and everything else: the mail page."""
    mail = mail_page(box, nav="<p>Mail · <a href='/payments'>Payments</a></p>")

    def app(environ, start_response):
        request = Request(environ)
        if report is not None and request.path.rstrip("/") == "/report":
            response = _report(report)
            response.headers["Cache-Control"] = "no-store"
            return response(environ, start_response)
        if request.path.rstrip("/") != "/payments":
            return mail(environ, start_response)
        if request.method == "POST":
            response = _act(standin, request.form)
        else:
            response = _page("Sandbox payments", _payments(standin))
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)

    return app


def _report(report) -> Response:
    try:
        return Response(report(), content_type="text/html; charset=utf-8")
    except Exception as error:  # a bad mkdocs.yml, say: shown, never a traceback
        return _page("No report", f"<p>{html.escape(str(error))}</p><p><a href='/payments'>Back</a></p>", status=500)


def _act(standin, form) -> Response:
    action, target = form.get("action", ""), form.get("target", "")
    try:
        if action == "refund":
            standin.refund(target)
        elif action == "dispute":
            standin.dispute(target)
        elif action in SUBSCRIPTION_STATUSES:
            standin.set_subscription_status(target, action)
        else:
            return _page("Bad request", "<p>Unknown action. <a href='/payments'>Back</a></p>", status=400)
    except Exception as error:  # the stand-in's own error (e.g. refunding twice), shown as is
        return _page("Not done", f"<p>{html.escape(str(error))}</p><p><a href='/payments'>Back</a></p>", status=409)
    return redirect("/payments", 303)


def _payments(standin) -> str:
    client = standin.client()
    sessions = [s.to_dict() for s in client.v1.checkout.sessions.list(
        params={"status": "complete", "limit": 100}).auto_paging_iter()]
    rows = "".join(_row(client, session) for session in sessions)
    nav = "<p><a href='/'>Mail</a> · Payments · <a href='/report'>Operator's report (folio report)</a></p>"
    if not rows:
        return nav + "<h1>Sandbox payments</h1><p>No completed checkout yet. Buy something on the site.</p>"
    return (nav + "<h1>Sandbox payments</h1><p>What a bank or a buyer might do next. "
            "The gate notices at its next check with Stripe (the library, or an expired member cookie).</p>"
            "<table><tr><th>Email</th><th>Product</th><th>Amount</th><th>State</th><th></th></tr>"
            f"{rows}</table>")


def _row(client, session: dict) -> str:
    email = (session.get("customer_details") or {}).get("email") or ""
    product = (session.get("metadata") or {}).get("folio_product", "?")
    amount = format_minor(session["amount_total"], session["currency"]) if session.get("currency") else ""
    if session.get("mode") == "subscription" and session.get("subscription"):
        subscription = client.v1.subscriptions.retrieve(session["subscription"]).to_dict()
        state = f"subscription {subscription['status']}"
        actions = "".join(_button(status, subscription["id"], f"Make {status.replace('_', ' ')}")
                          for status in SUBSCRIPTION_STATUSES if status != subscription["status"])
    else:
        state = _charge_state(client, session)
        actions = _button("refund", session["id"], "Refund") + _button("dispute", session["id"], "Dispute")
    return (f"<tr><td>{html.escape(email)}</td><td>{html.escape(product)}</td><td>{html.escape(amount)}</td>"
            f"<td>{html.escape(state)}</td><td>{actions}</td></tr>")


def _charge_state(client, session: dict) -> str:
    if not session.get("payment_intent"):
        return session.get("payment_status", "")
    intent = client.v1.payment_intents.retrieve(session["payment_intent"],
                                                params={"expand": ["latest_charge"]}).to_dict()
    charge = intent.get("latest_charge") or {}
    if charge.get("disputed"):
        return "disputed"
    if charge.get("refunded") or charge.get("amount_refunded"):
        return "refunded"
    return session.get("payment_status", "")


def _button(action: str, target: str, label: str) -> str:
    return (f"<form method='post' action='/payments' style='display:inline'>"
            f"<input type='hidden' name='action' value='{html.escape(action)}'>"
            f"<input type='hidden' name='target' value='{html.escape(target)}'>"
            f"<button type='submit'>{html.escape(label)}</button></form> ")
