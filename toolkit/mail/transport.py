"""How mail leaves: SMTP (plain, STARTTLS or SSL, with or without login) or Amazon SES.

One setting chooses the transport, `FOLIO_MAIL_URL`:

    smtp://user:password@smtp.example.com:587?starttls=1   STARTTLS, then login
    smtps://user:password@smtp.example.com:465              TLS from the first byte
    smtp://127.0.0.1:1025                                   no TLS, no login (loopback only)
    ses://eu-west-1                                         Amazon SES v2 through boto3

The sender is `FOLIO_MAIL_FROM`. User name and password are percent-decoded, so a
password holding `@` or `/` is written `%40` / `%2F`. Nothing here logs the URL or the
password, and no error message repeats them.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Mapping, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from toolkit.errors import FolioError

log = logging.getLogger(__name__)

URL_VARIABLE = "FOLIO_MAIL_URL"
FROM_VARIABLE = "FOLIO_MAIL_FROM"
EXAMPLE = "smtp://user:password@smtp.example.com:587?starttls=1"
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class MailError(Exception):
    """A message could not be handed to the mail service (the caller decides whether to retry)."""


class Mailer(Protocol):
    """Anything that can hand one finished message to a mail service."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes (`url`) and whom it comes from (`sender`)."""

    url: str
    sender: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "MailSettings | None":
        """The settings from FOLIO_MAIL_URL / FOLIO_MAIL_FROM, or None when mail is not set up."""
        environ = os.environ if environ is None else environ
        url = environ.get(URL_VARIABLE, "").strip()
        if not url:
            return None
        sender = environ.get(FROM_VARIABLE, "").strip()
        if not sender or "@" not in parseaddr(sender)[1]:
            raise FolioError(
                f"{FROM_VARIABLE}: {'not set' if not sender else repr(sender) + ' is not an address'}; "
                f"{URL_VARIABLE} is set, so mail needs a sender, e.g. {FROM_VARIABLE}='Folio <no-reply@example.com>'"
            )
        settings = cls(url, sender)
        settings.mailer()  # report a bad URL now, at start-up, not at the first purchase
        return settings

    def mailer(self) -> "Mailer":
        return mailer_from_url(self.url)

    def __repr__(self) -> str:  # the URL may hold a password
        return f"MailSettings(url=<{urlsplit(self.url).scheme}://…>, sender={self.sender!r})"


def mailer_from_url(url: str) -> Mailer:
    """The transport `url` names; a FolioError naming FOLIO_MAIL_URL (never its password) if it is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "ses":
        region = parts.netloc or parts.path.strip("/")
        if not region:
            raise FolioError(f"{URL_VARIABLE}: ses:// needs a region, e.g. ses://eu-west-1")
        return SesMailer(region)
    if scheme not in DEFAULT_PORTS:
        raise FolioError(
            f"{URL_VARIABLE}: the scheme {scheme + '://' if scheme else '(none)'} is not one of smtp://, smtps://, "
            f"ses://; e.g. {EXAMPLE}"
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise FolioError(f"{URL_VARIABLE}: the port is not a number; e.g. {EXAMPLE}") from None
    if not parts.hostname:
        raise FolioError(f"{URL_VARIABLE}: no host; e.g. {EXAMPLE}")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"starttls", "timeout"})
    if unknown:
        raise FolioError(f"{URL_VARIABLE}: unknown option {', '.join(unknown)}; the options are starttls and timeout")
    starttls = _flag(query.get("starttls", "0"))
    if scheme == "smtps" and starttls:
        raise FolioError(f"{URL_VARIABLE}: smtps:// is TLS already; drop ?starttls=1 or use smtp://")
    security = "ssl" if scheme == "smtps" else ("starttls" if starttls else "none")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if username and security == "none" and not _is_loopback(parts.hostname):
        # A password sent in clear over the network is a password given away.
        raise FolioError(
            f"{URL_VARIABLE}: a login without TLS to {parts.hostname} would send the password in clear; "
            f"add ?starttls=1 or use smtps://"
        )
    try:
        timeout = float(query.get("timeout", "10"))
    except ValueError:
        raise FolioError(f"{URL_VARIABLE}: timeout must be a number of seconds") from None
    return SmtpMailer(parts.hostname, port, security, username, password, timeout)


def _flag(value: str) -> bool:
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise FolioError(f"{URL_VARIABLE}: starttls must be 1 or 0, not {value!r}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class SmtpMailer:
    """SMTP through the standard library: one connection per message (mail is rare here)."""

    host: str
    port: int
    security: str  # "none" | "starttls" | "ssl"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"SMTP {self.host}:{self.port}: {_describe(error)}") from None
        if refused:
            raise MailError(f"SMTP {self.host}:{self.port} refused {', '.join(sorted(refused))}")
        log.info("Mail: sent %r over SMTP %s:%s", message["Subject"], self.host, self.port)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the server refused the user name or password"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return f"{error.smtp_code} {text}"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    return str(error) or type(error).__name__


@dataclass
class SesMailer:
    """Amazon SES (v2 API) through boto3 with its usual credential chain; the raw MIME message is sent as is.

    Recipients come from the message's own To header (SES reads it from the raw message).
    """

    region: str

    def send(self, message: EmailMessage) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("sesv2", region_name=self.region)
        try:
            client.send_email(
                FromEmailAddress=message["From"],
                Content={"Raw": {"Data": message.as_bytes()}},
            )
        except ClientError as error:
            detail = error.response.get("Error", {})
            raise MailError(f"SES {self.region}: {detail.get('Code', 'error')}: {detail.get('Message', '')}") from None
        except BotoCoreError as error:
            raise MailError(f"SES {self.region}: {error}") from None
        log.info("Mail: sent %r through SES %s", message["Subject"], self.region)
