"""Members come back: receipt, sign-in by email, library, portal, sign-out, refunds and disputes.

Everything runs on one sandbox stack per module: the gate over real HTTP for Stripe's
webhooks, moto's S3, the Stripe stand-in and a real SMTP server (aiosmtpd). The reader is
the gate's WSGI app with a cookie jar; each test uses its own email address.
"""

from __future__ import annotations

import dataclasses
import io
import time
import urllib.request
import zipfile

import pytest

from tests.journey.stack_fixtures import Reader, csrf_of, new_email, s3_env, tiny_stack  # noqa: F401
from toolkit.gate import create_app

PAID_TEXT = "secret handshake of the tiny course"
CHAPTER = "courses/c/02-deeper.md"


@pytest.fixture()
def reader(tiny_stack, request) -> Reader:
    reader = Reader(tiny_stack)
    # Each test is its own client address, so per-client limits do not spill between tests.
    reader.client.environ_base["REMOTE_ADDR"] = f"127.0.{len(request.node.name) % 250}.{id(reader) % 250}"
    return reader


def test_a_purchase_mails_one_receipt_that_signs_in_to_the_library(reader):
    reader.buy("course:c")
    receipt = reader.wait_for_mail("receipt")
    assert "Tiny course" in receipt.subject
    assert "19.00 USD" in receipt.text

    response = reader.confirm(receipt.links()[0])

    assert response.status_code == 303 and response.headers["Location"].endswith("/library")
    assert "Tiny course" in reader.library()
    # No waiting for "a late duplicate": the stand-in delivers each webhook synchronously and the gate
    # sends the receipt before it answers, so every mail this purchase caused is in the box already.
    assert all(delivery.ok for delivery in reader.stack.standin.deliveries)
    assert len([m for m in reader.mails() if "receipt" in m.subject]) == 1


def test_signin_answers_the_same_for_a_buyer_and_a_stranger(tiny_stack):
    buyer, stranger = Reader(tiny_stack), Reader(tiny_stack)
    buyer.buy("course:c")

    answers = [who.ask_for_link() for who in (buyer, stranger)]

    bodies = [a.get_data(as_text=True).replace(who.email, "EMAIL") for a, who in zip(answers, (buyer, stranger))]
    assert [a.status_code for a in answers] == [200, 200]
    assert bodies[0] == bodies[1]
    def shape(response):
        return sorted((name, value if name not in ("Date", "Set-Cookie") else value.split("=")[0])
                      for name, value in response.headers.items())
    assert shape(answers[0]) == shape(answers[1])
    # Both get a link: the difference shows only in the library, after signing in.
    assert stranger.wait_for_mail("sign-in").links()


def test_opening_the_link_changes_nothing_until_the_button_is_pressed(reader):
    reader.buy("course:c")
    reader.ask_for_link()
    link = reader.wait_for_mail("sign-in").links()[0]

    page = reader.client.get(link.split(reader.stack.urls.gate, 1)[1])

    assert page.status_code == 200 and "Sign in?" in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers or "folio_signin" not in page.headers.get("Set-Cookie", "")
    assert reader.client.get("/library").status_code == 303  # still signed out


@pytest.mark.parametrize("token", ["", "garbage", "eyJlIjoiYUBiLmMiLCJwIjoic2lnbmluIn0.bad.sig"])
def test_a_bad_link_signs_nobody_in(reader, token):
    page = reader.client.get(f"/signin/confirm?token={token}")
    assert page.status_code == 400
    assert "does not work any more" in page.get_data(as_text=True)


def test_a_link_older_than_15_minutes_is_refused(reader, monkeypatch):
    reader.ask_for_link()
    link = reader.wait_for_mail("sign-in").links()[0]
    later = time.time() + 15 * 60 + 60 + 5  # its lifetime, plus the minute of clock skew allowed between instances
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    page = reader.client.get(link.split(reader.stack.urls.gate, 1)[1])
    assert page.status_code == 400


def test_a_cookie_token_does_not_pass_as_a_link(reader):
    reader.buy("course:c")
    reader.sign_in()
    cookie = reader.client.get_cookie("folio_signin").value
    assert reader.client.get(f"/signin/confirm?token={cookie}").status_code == 400


def test_sign_in_links_are_limited_per_email(tiny_stack):
    email = new_email()
    answers = []
    for n in range(6):
        reader = Reader(tiny_stack, email)
        reader.client.environ_base["REMOTE_ADDR"] = f"127.1.0.{n + 1}"  # a different client each time
        answers.append(reader.ask_for_link().status_code)
    assert answers == [200] * 5 + [429]
    assert len(tiny_stack.smtp.box.to(email)) == 5


def test_sign_in_links_are_limited_per_client(tiny_stack):
    reader = Reader(tiny_stack)
    reader.client.environ_base["REMOTE_ADDR"] = "127.2.0.1"
    answers = [reader.ask_for_link(new_email()).status_code for _ in range(21)]
    assert answers == [200] * 20 + [429]
    refused = reader.ask_for_link(new_email())
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_the_library_has_fresh_downloads_and_read_links(reader):
    reader.buy("course:c")
    reader.sign_in()

    html = reader.library()

    # Each download link goes through the gate, which checks the reader again and redirects to S3.
    link = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/download/"))
    answer = reader.client.get(link)
    assert answer.status_code == 303 and "X-Amz-Signature" in answer.headers["Location"]
    archive = urllib.request.urlopen(answer.headers["Location"]).read()
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        assert any(PAID_TEXT in bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist())
    page = reader.read("course:c", CHAPTER)
    assert page.status_code == 200 and PAID_TEXT in page.get_data(as_text=True)


def test_a_refund_revokes_access_at_the_next_check(reader):
    session_id = reader.buy("course:c")
    reader.sign_in()
    assert reader.read("course:c", CHAPTER).status_code == 200

    reader.stack.standin.refund(session_id)

    html = reader.library()
    assert "Tiny course" in html and "refunded" in html and 'class="read"' not in html
    page = reader.read("course:c", CHAPTER)
    assert page.status_code == 403 and "This purchase was refunded" in page.get_data(as_text=True)


def test_a_dispute_revokes_access_at_the_next_check(reader):
    session_id = reader.buy("course:c")
    reader.sign_in()
    reader.stack.standin.dispute(session_id)

    assert "disputed" in reader.library()
    assert reader.read("course:c", CHAPTER).status_code == 403


def test_a_refund_webhook_revokes_a_signed_in_readers_next_read(reader):
    """No cookie lifetime to wait out: the refund's webhook replaces the cached verdict at once."""
    session_id = reader.buy("course:c")
    reader.sign_in()
    assert reader.read("course:c", CHAPTER).status_code == 200  # the verdict is cached now

    reader.stack.standin.refund(session_id)  # the stand-in delivers charge.refunded to the gate

    page = reader.read("course:c", CHAPTER)
    assert page.status_code == 403 and "This purchase was refunded" in page.get_data(as_text=True)
    download = reader.client.get("/download/course:c/" + _download_key(reader, "course:c"))
    assert download.status_code == 303 and "X-Amz-Signature" not in download.headers["Location"]


def _download_key(reader, product: str) -> str:
    manifest = reader.stack.gate_app.extensions["folio"].manifest()
    return manifest.products[product].downloads[0].key


def test_a_member_gets_the_archive_and_the_billing_portal(reader):
    reader.buy("membership", plan="monthly")
    reader.sign_in()

    html = reader.library()
    assert "Membership: active" in html
    assert reader.read("course:c", CHAPTER).status_code == 200
    portal = reader.client.post("/portal", data={"csrf_token": csrf_of(html)})
    assert portal.status_code == 303
    assert portal.headers["Location"].startswith(reader.stack.standin.url + "/portal/")


def test_a_buyer_without_subscription_is_sent_back_from_the_portal(reader):
    reader.buy("course:c")
    reader.sign_in()
    html = reader.library()
    assert "Manage or cancel" not in html
    portal = reader.client.post("/portal", data={"csrf_token": csrf_of(html)})
    assert portal.status_code == 303 and portal.headers["Location"].endswith("/library")


def test_the_portal_needs_the_form_token(reader):
    assert reader.client.post("/portal").status_code == 400


@pytest.mark.parametrize("status, grants", [
    ("active", True), ("trialing", True), ("past_due", False), ("canceled", False), ("unpaid", False),
    ("incomplete_expired", False), ("paused", False),
])
def test_only_active_or_trialing_memberships_grant(tiny_stack, status, grants):
    from toolkit.pay.entitlements import entitlements_for

    reader = Reader(tiny_stack)
    session_id = reader.buy("membership", plan="monthly")
    subscription = tiny_stack.standin.client().v1.checkout.sessions.retrieve(session_id).subscription
    if status != "active":
        tiny_stack.standin.set_subscription_status(subscription, status)
    manifest = tiny_stack.gate_app.extensions["folio"].manifest()

    found = entitlements_for(tiny_stack.standin.client(), reader.email, manifest)

    assert ("membership" in found.products) is grants


def test_past_due_grants_when_the_setting_says_so(tiny_stack):
    from toolkit.pay.entitlements import entitlements_for

    reader = Reader(tiny_stack)
    session_id = reader.buy("membership", plan="monthly")
    subscription = tiny_stack.standin.client().v1.checkout.sessions.retrieve(session_id).subscription
    tiny_stack.standin.set_subscription_status(subscription, "past_due")
    manifest = tiny_stack.gate_app.extensions["folio"].manifest()

    found = entitlements_for(tiny_stack.standin.client(), reader.email, manifest, past_due_grants=True)
    assert "membership" in found.products


def test_signing_out_clears_both_cookies(reader):
    reader.buy("course:c")
    reader.sign_in()
    html = reader.library()

    out = reader.client.post("/signout", data={"csrf_token": csrf_of(html)})

    assert out.status_code == 200
    assert reader.client.get_cookie("folio_signin") is None
    assert reader.client.get_cookie("folio_member") is None
    assert reader.client.get("/library").status_code == 303
    assert reader.read("course:c", CHAPTER).status_code == 303


def test_sign_in_pages_say_sandbox(reader):
    assert "Sandbox" in reader.client.get("/signin").get_data(as_text=True)


def test_paid_pages_say_sandbox_in_the_sandbox_only(reader, s3_env):  # noqa: F811
    reader.buy("course:c")
    reader.sign_in()
    assert 'class="sandbox-banner"' in reader.read("course:c", CHAPTER).get_data(as_text=True)

    settings = reader.stack.gate_app.extensions["folio"].settings
    production = create_app(dataclasses.replace(settings, sandbox=False)).test_client()
    assert 'class="sandbox-banner"' not in production.get("/signin").get_data(as_text=True)


def test_a_sign_in_link_works_once(reader):
    reader.ask_for_link()
    link = reader.wait_for_mail("sign-in").links()[0]
    assert reader.confirm(link).status_code == 303
    other = Reader(reader.stack, reader.email)  # the same link, opened again in another browser
    page = other.client.get("/signin/confirm?" + link.split("?", 1)[1])
    token = link.split("token=", 1)[1]
    second = other.client.post("/signin/confirm", data={"token": token, "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert second.status_code == 400 and "already used" in second.get_data(as_text=True)
    assert other.client.get("/library").status_code == 303


def test_a_link_minted_by_an_instance_a_minute_ahead_works(reader, monkeypatch):
    from toolkit.gate.members import make_link_token

    with reader.stack.gate_app.test_request_context():
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda: time.time_ns() / 1e9 + 50)
        ahead = make_link_token(reader.email, "signin")
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda: time.time_ns() / 1e9 + 120)
        too_far = make_link_token(reader.email, "signin")
    monkeypatch.undo()
    assert reader.client.get(f"/signin/confirm?token={ahead}").status_code == 200
    assert reader.client.get(f"/signin/confirm?token={too_far}").status_code == 400


def test_the_per_address_limit_counts_case_and_plus_tags_as_one_address(tiny_stack):
    local, domain = new_email().split("@")
    spellings = [f"{local}@{domain}", f"{local.upper()}@{domain}", f"{local}+1@{domain}", f"{local}+2@{domain.upper()}",
                 f"{local}+x@{domain}", f"{local}+y@{domain}", f"{local}+z@{domain}"]
    answers = []
    for n, email in enumerate(spellings):
        reader = Reader(tiny_stack, email)
        reader.client.environ_base["REMOTE_ADDR"] = f"127.3.0.{n + 1}"  # a different client each time
        answers.append(reader.ask_for_link().status_code)
    assert answers == [200] * 5 + [429] * 2


def test_the_mailed_link_is_built_on_gate_url_whatever_the_host_header(reader):
    page = reader.client.get("/signin", headers={"Host": "evil.example"}).get_data(as_text=True)
    response = reader.client.post("/signin", data={"email": reader.email, "csrf_token": csrf_of(page)},
                                  headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200
    link = reader.wait_for_mail("sign-in").links()[0]
    assert link.startswith(reader.stack.urls.gate + "/signin/confirm?token=") and "evil" not in link
