"""The two mails Folio sends, each as plain text plus HTML, in English or Chinese (Simplified or Traditional).

Strings live in `toolkit/content/strings.py` (the `mail.` keys of each language's table); the layout in
`toolkit/mail/templates/`. Composing never touches the network, so a test can read
exactly what a member would get.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import jinja2

from toolkit.content.prices import format_minor
from toolkit.content.strings import strings

TEMPLATES = Path(__file__).parent / "templates"

_html = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                           undefined=jinja2.StrictUndefined)
_text = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                           undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def signin_mail(*, sender: str, to: str, site: str, link: str, minutes: int, language: str | None) -> EmailMessage:
    """The mail that carries a sign-in link."""
    subject = strings(language)["mail.signin_subject"].format(site=site)
    return _message("signin", sender, to, subject, language, site=site, link=link, minutes=minutes)


def receipt_mail(*, sender: str, to: str, site: str, title: str, amount: int | None, currency: str | None,
                 reference: str, link: str, days: int, signin_url: str, language: str | None) -> EmailMessage:
    """The receipt after a purchase: what was bought, for how much, and a link into the library."""
    subject = strings(language)["mail.receipt_subject"].format(title=title)
    shown = format_minor(amount, currency) if amount is not None and currency else "—"
    return _message("receipt", sender, to, subject, language, site=site, title=title, amount=shown,
                    reference=reference, link=link, days=days, signin_url=signin_url)


def _message(kind: str, sender: str, to: str, subject: str, language: str | None, **context) -> EmailMessage:
    t = strings(language)
    context.update(t=t, language=t.language, subject=subject)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    # Links in these mails sign people in: keep them out of auto-replies and list archives.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text.get_template(f"{kind}.txt").render(context))
    message.add_alternative(_html.get_template(f"{kind}.html").render(context), subtype="html")
    # After the bodies: set_content() clears every Content-* header.
    message["Content-Language"] = _CONTENT_LANGUAGE[t.table]
    return message


# What each table is written in, as mail clients expect it.
_CONTENT_LANGUAGE = {"en": "en", "zh": "zh-CN", "zh-Hant": "zh-Hant"}


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"
