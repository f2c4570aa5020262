"""pytest fixtures for the Stripe stand-in; import them into a test module explicitly:

    from tests.sandbox.stripe_fixtures import stripe_standin, stripe_client  # noqa: F401

`stripe_standin` is a started `StripeStandIn` (function scope: every test gets a fresh,
empty Stripe); `stripe_client` is stripe-python's `StripeClient` pointed at it, with
retries off so a fault injected by the test reaches the code under test unchanged.
`WebhookReceiver` is a loopback endpoint that records what the stand-in POSTs; `make_price`,
`checkout`, `post_form` and `events_received` are the small steps most tests take.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import stripe

from toolkit.sandbox.stripe import StripeStandIn
from tests.loopback import serve_in_thread

API_KEY = "sk_test_sandbox"
WEBHOOK_SECRET = "whsec_sandbox"


@pytest.fixture
def stripe_standin() -> Iterator[StripeStandIn]:
    with StripeStandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as standin:
        yield standin


@pytest.fixture
def stripe_client(stripe_standin):
    return stripe_standin.client()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """An HTTP endpoint on 127.0.0.1 that answers `status` and keeps every request it gets."""

    status: int = 200
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhook"
        serve_in_thread(self._server)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook_receiver(stripe_standin) -> Iterator[WebhookReceiver]:
    """A receiver the stand-in delivers its webhooks to."""
    receiver = WebhookReceiver()
    stripe_standin.webhook_url = receiver.url
    yield receiver
    receiver.close()


# --------------------------------------------------------------------------
# Steps


def make_price(client, amount=4900, lookup_key=None, recurring=None, **extra):
    """A new product ("Async Python in Production") with one USD price."""
    product = client.v1.products.create(params={"name": "Async Python in Production"})
    params = {"product": product.id, "unit_amount": amount, "currency": "usd", **extra}
    if lookup_key:
        params["lookup_key"] = lookup_key
    if recurring:
        params["recurring"] = {"interval": recurring}
    return client.v1.prices.create(params=params)


def checkout(client, price, mode="payment", **extra):
    """An open Checkout Session for one of `price`."""
    return client.v1.checkout.sessions.create(params={
        "mode": mode,
        "line_items": [{"price": price.id, "quantity": 1}],
        "success_url": "https://gate.example/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://site.example/courses/async-python/",
        **extra,
    })


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(url: str, fields: dict) -> tuple[int, dict, str]:
    """POST a form as a browser would, without following the redirect: (status, headers, body)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    try:
        with opener.open(request) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def events_received(receiver: WebhookReceiver, secret: str = WEBHOOK_SECRET) -> list:
    """Every webhook the receiver got, verified exactly as a real endpoint must verify it."""
    return [stripe.Webhook.construct_event(r.body, r.headers["Stripe-Signature"], secret)
            for r in receiver.received]
