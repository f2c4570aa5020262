"""A local mail server for the sandbox and the tests: aiosmtpd on 127.0.0.1 that keeps what it gets.

Nothing is delivered anywhere. `SandboxSMTP` receives over real SMTP (so Folio's own
SMTP transport is what gets tested), keeps every message in memory, and serves a small
page listing them, so a person trying `folio serve --sandbox` can open a sign-in link.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Callable, Iterable

from aiosmtpd.controller import Controller
from werkzeug.wrappers import Request, Response

from toolkit.sandbox.wsgi import QuietWSGIServer

_URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the server received it."""

    id: int
    received: datetime
    mail_from: str
    recipients: tuple[str, ...]
    raw: bytes = field(repr=False)

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part else ""

    def links(self) -> list[str]:
        """Every http(s) link in the plain-text body, in order."""
        return _URL.findall(self.text)


class MailBox:
    """aiosmtpd handler: keeps every message and wakes whoever waits for one."""

    def __init__(self) -> None:
        self._messages: list[ReceivedMail] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._changed:
            mail = ReceivedMail(len(self._messages) + 1, datetime.now(timezone.utc), envelope.mail_from,
                                tuple(envelope.rcpt_tos), envelope.original_content or envelope.content)
            self._messages.append(mail)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._changed:
            return list(self._messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.messages if address.lower() in (r.lower() for r in mail.recipients)]

    def wait_for(self, match: Callable[[ReceivedMail], bool], timeout: float = 10.0, after: int = 0) -> ReceivedMail:
        """The first message after the `after`-th that `match`es, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for mail in self._messages[after:]:
                    if match(mail):
                        return mail
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no matching mail within {timeout} s ({len(self._messages)} received)")
                self._changed.wait(left)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()


class _AnyPortController(Controller):
    """aiosmtpd's Controller, able to listen on port 0 (any free port) like every test server here."""

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SandboxSMTP:
    """An SMTP server on 127.0.0.1 that keeps messages, and its web page.

    `smtp_options` go to aiosmtpd's SMTP class (e.g. `tls_context`, `require_starttls`,
    `authenticator`, `auth_require_tls`) and `ssl_context` makes it SMTPS, so the tests
    can check STARTTLS, SSL and login against a real server.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, ssl_context=None, **smtp_options) -> None:
        self.box = MailBox()
        smtp_options.setdefault("server_hostname", "sandbox.folio.local")
        self._controller = _AnyPortController(self.box, hostname=host, port=port, ssl_context=ssl_context,
                                              **smtp_options)
        self._page: QuietWSGIServer | None = None
        self._scheme = "smtps" if ssl_context else "smtp"

    def start(self, page: bool = False) -> "SandboxSMTP":
        self._controller.start()
        if page:
            self._page = QuietWSGIServer(mail_page(self.box)).start()
        return self

    def stop(self) -> None:
        if self._page:
            self._page.stop()
            self._page = None
        self._controller.stop()

    def __enter__(self) -> "SandboxSMTP":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def url(self) -> str:
        """What FOLIO_MAIL_URL is set to for this server (no TLS, no login)."""
        return f"{self._scheme}://127.0.0.1:{self.port}"

    @property
    def page_url(self) -> str | None:
        return self._page.url if self._page else None

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.box.messages


# --------------------------------------------------------------------------
# The mail page


BANNER = "Sandbox — mail is caught here and never delivered"
_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans SC',sans-serif;margin:0;color:#1f1f24;background:#f5f5f7}
.sandbox-banner{background:#ffb300;color:#1f1f24;padding:8px 16px;font-weight:600;text-align:center}
main{max-width:880px;margin:0 auto;padding:16px}
table{width:100%;border-collapse:collapse;background:#fff}td,th{padding:8px;border-bottom:1px solid #ddd;text-align:left}
pre{white-space:pre-wrap;word-break:break-all;background:#fff;padding:12px;border-radius:6px}
iframe{width:100%;height:520px;border:1px solid #ddd;background:#fff}
"""


def mail_page(box: MailBox, nav: str = ""):
    """The WSGI app listing caught mail: `/` (list), `/<id>` (one message), `/messages.json`.

    `nav` is HTML put above the list (the sandbox links its payments page there).
    """

    def app(environ, start_response):
        request = Request(environ)
        path = request.path.strip("/")
        if path == "messages.json":
            response = Response(json.dumps([_as_json(mail) for mail in box.messages], ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        elif path == "":
            response = _page("Sandbox mail", nav + _list(reversed(box.messages)))
        elif path.isdigit() and 0 < int(path) <= len(box.messages):
            response = _page(box.messages[int(path) - 1].subject, _one(box.messages[int(path) - 1]))
        else:
            response = _page("Not found", "<p>No such message. <a href='/'>All mail</a></p>", status=404)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response(environ, start_response)

    return app


def _page(title: str, body: str, status: int = 200) -> Response:
    document = (
        f"<!doctype html><html><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)} · {BANNER}</title><style>{_STYLE}</style></head><body>"
        f"<div class='sandbox-banner' role='status'>{BANNER}</div><main>{body}</main></body></html>"
    )
    return Response(document, status=status, content_type="text/html; charset=utf-8")


def _list(messages: Iterable[ReceivedMail]) -> str:
    rows = "".join(
        f"<tr><td>{mail.received:%H:%M:%S}</td><td>{html.escape(', '.join(mail.recipients))}</td>"
        f"<td><a class='mail' href='/{mail.id}'>{html.escape(mail.subject)}</a></td></tr>"
        for mail in messages
    )
    if not rows:
        return "<h1>Sandbox mail</h1><p>No mail yet. Buy something or ask for a sign-in link; it shows up here.</p>"
    return ("<h1>Sandbox mail</h1><p>Newest first. Reload to see new mail.</p>"
            f"<table><tr><th>Time (UTC)</th><th>To</th><th>Subject</th></tr>{rows}</table>")


def _one(mail: ReceivedMail) -> str:
    text = _URL.sub(lambda m: f"<a href='{m.group(0)}'>{m.group(0)}</a>", html.escape(mail.text, quote=False))
    frame = ""
    if mail.html:
        # The HTML part is shown as the member would see it, with no scripts and no way to act.
        frame = f"<h2>HTML</h2><iframe sandbox='' srcdoc='{html.escape(mail.html, quote=True)}'></iframe>"
    return (f"<p><a href='/'>All mail</a></p><h1>{html.escape(mail.subject)}</h1>"
            f"<p>From {html.escape(str(mail.message['From']))} to {html.escape(', '.join(mail.recipients))}</p>"
            f"<h2>Text</h2><pre class='mail-text'>{text}</pre>{frame}")


def _as_json(mail: ReceivedMail) -> dict:
    return {"id": mail.id, "received": mail.received.isoformat(), "from": mail.mail_from,
            "to": list(mail.recipients), "subject": mail.subject, "text": mail.text, "links": mail.links()}
