"""One receipt per Checkout Session, however often and however concurrently Stripe delivers the webhook.

The webhook goes over real HTTP from the Stripe stand-in to the gate of a sandbox stack;
the receipt goes over real SMTP to aiosmtpd. The "already sent" fact lives only in Stripe.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from contextlib import contextmanager

import pytest

from tests.journey.stack_fixtures import Reader, s3_env, tiny_stack  # noqa: F401
from tests.loopback import free_port
from toolkit.mail import MailSettings, ReceiptBusy, send_receipt_once
from toolkit.mail.receipt import STATE_KEY, ReceiptState
from toolkit.mail.transport import MailError
from toolkit.sandbox.stack import SENDER


@contextmanager
def webhooks_held(stack):
    """Stripe records events but delivers none until the test resends them."""
    url, stack.standin.webhook_url = stack.standin.webhook_url, None
    try:
        yield
    finally:
        stack.standin.webhook_url = url


@contextmanager
def mail_down(stack):
    services = stack.gate_app.extensions["folio"]
    settings = services.settings
    services.settings = dataclasses.replace(settings, mail=MailSettings(f"smtp://127.0.0.1:{free_port()}", SENDER))
    try:
        yield
    finally:
        services.settings = settings


def completed_event(stack, session_id: str) -> str:
    return next(e["id"] for e in stack.standin.events
                if e["type"] == "checkout.session.completed" and e["data"]["object"]["id"] == session_id)


def receipts(reader) -> list:
    return [m for m in reader.mails() if "receipt" in m.subject]


def metadata(stack, session_id: str) -> dict:
    return stack.standin.client().v1.checkout.sessions.retrieve(session_id).to_dict()["metadata"]


def test_a_webhook_delivered_twice_sends_one_receipt(tiny_stack):
    reader = Reader(tiny_stack)
    session_id = reader.buy("course:c")
    reader.wait_for_mail("receipt")

    again = tiny_stack.standin.resend(completed_event(tiny_stack, session_id))

    assert again.status == 200
    assert len(receipts(reader)) == 1
    assert metadata(tiny_stack, session_id)[STATE_KEY] == "sent:1"


def test_ten_concurrent_deliveries_send_one_receipt(tiny_stack):
    reader = Reader(tiny_stack)
    with webhooks_held(tiny_stack):
        session_id = reader.buy("course:c")
    event_id = completed_event(tiny_stack, session_id)
    statuses, start = [], threading.Barrier(10)

    def deliver():
        start.wait()
        statuses.append(tiny_stack.standin.resend(event_id).status)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reader.wait_for_mail("receipt")
    # Every delivery was answered (the stand-in waits for the gate, which mails before it answers):
    # a duplicate receipt would be in the box now, no need to wait for one.
    assert len(receipts(reader)) == 1
    # Losers either saw it sent (200) or saw it being sent (409: Stripe would retry them later).
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert tiny_stack.standin.resend(event_id).status == 200
    assert len(receipts(reader)) == 1


def test_a_mail_failure_answers_non_2xx_and_the_retry_sends_exactly_one(tiny_stack):
    reader = Reader(tiny_stack)
    with webhooks_held(tiny_stack):
        session_id = reader.buy("course:c")
    event_id = completed_event(tiny_stack, session_id)

    with mail_down(tiny_stack):
        failed = tiny_stack.standin.resend(event_id)
    assert failed.status == 503
    assert receipts(reader) == []
    assert metadata(tiny_stack, session_id)[STATE_KEY] == "failed:1"

    retried = tiny_stack.standin.resend(event_id)
    assert retried.status == 200
    reader.wait_for_mail("receipt")
    assert tiny_stack.standin.resend(event_id).status == 200
    # Every delivery was answered (the stand-in waits for the gate, which mails before it answers):
    # a duplicate receipt would be in the box now, no need to wait for one.
    assert len(receipts(reader)) == 1
    assert metadata(tiny_stack, session_id)[STATE_KEY] == "sent:2"


class Outbox:
    def __init__(self) -> None:
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


def paid_session(stack) -> str:
    reader = Reader(stack)
    with webhooks_held(stack):
        return reader.buy("course:c")


def test_a_live_claim_makes_another_delivery_wait(tiny_stack):
    session_id = paid_session(tiny_stack)
    client = tiny_stack.standin.client()
    client.v1.checkout.sessions.update(session_id, params={"metadata": {STATE_KEY: f"claimed:1:{time.time():.0f}:x"}})

    with pytest.raises(ReceiptBusy):
        send_receipt_once(client, session_id, lambda s: "mail", Outbox())


def test_a_claim_older_than_the_lease_is_taken_over(tiny_stack):
    session_id = paid_session(tiny_stack)
    client = tiny_stack.standin.client()
    client.v1.checkout.sessions.update(session_id, params={"metadata": {STATE_KEY: "claimed:1:1000:dead"}})
    outbox = Outbox()

    assert send_receipt_once(client, session_id, lambda s: "mail", outbox) == "sent"

    assert outbox.sent == ["mail"]
    assert metadata(tiny_stack, session_id)[STATE_KEY] == "sent:2"


def test_a_failed_send_releases_the_claim(tiny_stack):
    session_id = paid_session(tiny_stack)
    client = tiny_stack.standin.client()

    class Broken:
        def send(self, message):
            raise MailError("SMTP 127.0.0.1:1: refused")

    with pytest.raises(MailError):
        send_receipt_once(client, session_id, lambda s: "mail", Broken())
    assert ReceiptState.parse(metadata(tiny_stack, session_id)[STATE_KEY]) == ReceiptState("failed", 1)


def test_stripe_unreachable_sends_nothing_and_raises(tiny_stack):
    import stripe

    session_id = paid_session(tiny_stack)
    outbox = Outbox()
    tiny_stack.standin.fail_next(500, count=1)
    with pytest.raises(stripe.StripeError):
        send_receipt_once(tiny_stack.standin.client(), session_id, lambda s: "mail", outbox)
    assert outbox.sent == []


@pytest.mark.parametrize("value, phase", [(None, "none"), ("sent:3", "sent"), ("failed:2", "failed"),
                                          ("claimed:1:5:n", "claimed"), ("gibberish", "claimed"),
                                          ("weird:1", "claimed")])
def test_the_receipt_state_is_read_failing_towards_sending(value, phase):
    assert ReceiptState.parse(value).phase == phase
