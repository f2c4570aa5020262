"""FOLIO_MAIL_URL picks the transport; each one delivers to a real server or fails with a clear MailError."""

from __future__ import annotations

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.mail.fixtures import SENDER, server_tls, smtp_server, tls_files  # noqa: F401
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from toolkit.errors import FolioError
from toolkit.mail import MailError, MailSettings, mailer_from_url, signin_mail
from toolkit.sandbox.smtp import SandboxSMTP

PASSWORD = "p@ss/w:rd"  # written %40 and %2F in the URL


def a_mail(to: str = "reader@example.com"):
    return signin_mail(sender=SENDER, to=to, site="Folio", link="http://127.0.0.1:1/signin?token=t", minutes=15,
                       language="en")


def only_ann(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"ann" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture()
def trust(tls_files, monkeypatch):
    """Make the test certificate trusted the way an operator would: SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))


def test_plain_smtp_delivers_to_the_server(smtp_server):
    mailer_from_url(smtp_server.url).send(a_mail())

    mail = smtp_server.box.wait_for(lambda m: True, timeout=5)
    assert mail.recipients == ("reader@example.com",)
    assert mail.subject == "Your sign-in link for Folio"
    assert mail.links() == ["http://127.0.0.1:1/signin?token=t"]


def test_starttls_with_login(tls_files, trust):
    server = SandboxSMTP(tls_context=server_tls(tls_files), require_starttls=True, authenticator=only_ann,
                         auth_require_tls=True).start()
    try:
        mailer_from_url(f"smtp://ann:p%40ss%2Fw:rd@127.0.0.1:{server.port}?starttls=1").send(a_mail())
        assert server.box.wait_for(lambda m: True, timeout=5).subject == "Your sign-in link for Folio"
    finally:
        server.stop()


def test_smtps_with_login(tls_files, trust):
    # The whole connection is TLS; aiosmtpd only tracks STARTTLS, so it must be told not to insist on it.
    server = SandboxSMTP(ssl_context=server_tls(tls_files), authenticator=only_ann, auth_require_tls=False).start()
    try:
        mailer_from_url(f"smtps://ann:p%40ss%2Fw:rd@127.0.0.1:{server.port}").send(a_mail())
        assert len(server.box.wait_for(lambda m: True, timeout=5).raw) > 0
    finally:
        server.stop()


def test_a_wrong_password_is_a_mail_error_that_does_not_repeat_it(tls_files, trust):
    server = SandboxSMTP(tls_context=server_tls(tls_files), require_starttls=True, authenticator=only_ann).start()
    try:
        with pytest.raises(MailError) as caught:
            mailer_from_url(f"smtp://ann:guessed@127.0.0.1:{server.port}?starttls=1").send(a_mail())
        assert "refused the user name or password" in str(caught.value)
        assert "guessed" not in str(caught.value)
        assert server.messages == []
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused(tls_files):
    server = SandboxSMTP(ssl_context=server_tls(tls_files)).start()
    try:
        with pytest.raises(MailError, match="TLS failed"):
            mailer_from_url(f"smtps://127.0.0.1:{server.port}").send(a_mail())
        assert server.messages == []
    finally:
        server.stop()


def test_a_server_that_is_not_there_is_a_mail_error():
    from tests.loopback import free_port

    with pytest.raises(MailError, match=r"SMTP 127\.0\.0\.1:\d+"):
        mailer_from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2").send(a_mail())


@pytest.mark.parametrize("url, message", [
    ("ftp://host", "not one of smtp://, smtps://, ses://"),
    ("smtp://", "no host"),
    ("smtp://host:abc", "port is not a number"),
    ("smtps://host?starttls=1", "smtps:// is TLS already"),
    ("smtp://host?tls=1", "unknown option tls"),
    ("smtp://host?starttls=maybe", "starttls must be 1 or 0"),
    ("ses://", "needs a region"),
    ("smtp://ann:secret@mail.example.com:25", "would send the password in clear"),
])
def test_a_bad_mail_url_names_the_setting_and_never_the_password(url, message):
    with pytest.raises(FolioError) as caught:
        mailer_from_url(url)
    assert caught.value.message.startswith("FOLIO_MAIL_URL: ")
    assert message in caught.value.message
    assert "secret" not in caught.value.message


def test_mail_settings_come_from_the_environment():
    assert MailSettings.from_env({}) is None
    settings = MailSettings.from_env({"FOLIO_MAIL_URL": "smtp://ann:secret@127.0.0.1:2525",
                                      "FOLIO_MAIL_FROM": SENDER})
    assert settings.sender == SENDER
    assert "secret" not in repr(settings)
    with pytest.raises(FolioError, match="FOLIO_MAIL_FROM: not set"):
        MailSettings.from_env({"FOLIO_MAIL_URL": "smtp://127.0.0.1:2525"})


def test_ses_sends_the_raw_message(moto_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", moto_endpoint)
    ses = boto3.client("ses", region_name="eu-west-1", endpoint_url=moto_endpoint)
    ses.verify_email_identity(EmailAddress="no-reply@folio.test")
    before = ses.get_send_quota()["SentLast24Hours"]

    mailer_from_url("ses://eu-west-1").send(a_mail())

    assert ses.get_send_quota()["SentLast24Hours"] == before + 1


def test_ses_refusing_the_sender_is_a_mail_error(moto_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", moto_endpoint)
    message = a_mail()
    message.replace_header("From", "Stranger <nobody@unverified.test>")
    with pytest.raises(MailError, match="SES ap-southeast-1: MessageRejected"):
        mailer_from_url("ses://ap-southeast-1").send(message)
