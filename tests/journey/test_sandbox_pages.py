"""The sandbox's own pages: caught mail, and payments a person can refund or dispute by hand."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from tests.journey.stack_fixtures import Reader, s3_env, tiny_stack  # noqa: F401


def get(url: str) -> str:
    return urllib.request.urlopen(url).read().decode("utf-8")


def post(url: str, **fields) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    return urllib.request.urlopen(request).status  # follows the 303 back to the list


def test_the_mail_page_lists_what_the_sandbox_sent(tiny_stack):
    reader = Reader(tiny_stack)
    reader.buy("course:c")
    mail = reader.wait_for_mail("receipt")

    listing = get(tiny_stack.urls.mail + "/")
    one = get(f"{tiny_stack.urls.mail}/{mail.id}")
    caught = json.loads(get(tiny_stack.urls.mail + "/messages.json"))

    assert "never delivered" in listing and mail.subject in listing
    assert "/signin/confirm?token=" in one
    assert any(m["to"] == [reader.email] and m["links"] for m in caught)


def test_a_refund_on_the_payments_page_revokes_access(tiny_stack):
    reader = Reader(tiny_stack)
    session_id = reader.buy("course:c")
    reader.sign_in()
    assert reader.email in get(tiny_stack.urls.mail + "/payments")

    assert post(tiny_stack.urls.mail + "/payments", action="refund", target=session_id) == 200

    assert "refunded" in reader.library()
    # The signed-in reader is told why (a refund), not sent to the paywall.
    assert reader.read("course:c", "courses/c/02-deeper.md").status_code == 403


def test_a_membership_can_be_cancelled_on_the_payments_page(tiny_stack):
    reader = Reader(tiny_stack)
    session_id = reader.buy("membership", plan="monthly")
    subscription = tiny_stack.standin.client().v1.checkout.sessions.retrieve(session_id).subscription

    post(tiny_stack.urls.mail + "/payments", action="canceled", target=subscription)

    reader.sign_in()
    assert "Membership: active" not in reader.library()


def test_an_unknown_action_is_refused(tiny_stack):
    request = urllib.request.Request(tiny_stack.urls.mail + "/payments", data=b"action=rm&target=x", method="POST")
    try:
        urllib.request.urlopen(request)
        raise AssertionError("expected 400")
    except urllib.error.HTTPError as error:
        assert error.code == 400
