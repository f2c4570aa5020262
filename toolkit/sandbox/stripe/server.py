"""`StripeStandIn`: the stand-in's threaded HTTP server and its Python API for tests.

See CONTRACTS.md section B. The server (`http.StandInServer`) is a threaded HTTP/1.1
server with keep-alive on loopback, which can also hang up without answering (`drop_next`).
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections import deque

from werkzeug.wrappers import Request

from toolkit.sandbox.stripe.api import Api
from toolkit.sandbox.stripe.http import StandInServer
from toolkit.sandbox.stripe import objects
from toolkit.sandbox.stripe.ledger import Ledger
from toolkit.sandbox.stripe.pages import Pages
from toolkit.sandbox.stripe.webhooks import Delivery, deliver

class StripeStandIn:
    """A stateful Stripe on 127.0.0.1 for tests and the sandbox (never for real payments)."""

    def __init__(self, api_key: str = "sk_test_sandbox", webhook_secret: str = "whsec_sandbox",
                 webhook_url: str | None = None, host: str = "127.0.0.1", port: int = 0):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.host, self.port = host, port
        self.deliveries: list[Delivery] = []
        self._faults: deque[int] = deque()
        self._drops: deque[str] = deque()
        self._fault_lock = threading.Lock()
        self.ledger = Ledger(base_url=lambda: self.url, api_version=self._api_version,
                             webhooks_enabled=lambda: bool(self.webhook_url))
        self._api = Api(self.ledger, api_key, self._take_fault)
        self._pages = Pages(self.ledger, self.complete_checkout, self._flush)
        self._server = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------
    # Lifecycle

    def start(self) -> "StripeStandIn":
        if self._server is not None:
            return self
        self._server = StandInServer(self.host, self.port, self.wsgi_app, self._take_drop)
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() (and so every test's teardown) fast.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="stripe-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "StripeStandIn":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self, **options):
        """A stripe-python `StripeClient` pointed at this stand-in (retries off unless asked)."""
        import stripe

        options.setdefault("max_network_retries", 0)
        return stripe.StripeClient(self.api_key, base_addresses={"api": self.url}, **options)

    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith("/v1/"):
            response = self._api.handle(request)
        else:
            response = self._pages.handle(request)
        self._flush()
        return response(environ, start_response)

    # ------------------------------------------------------------------
    # What a buyer, a bank or a card network does (tests drive these)

    def complete_checkout(self, session_id: str, outcome: str = "paid", email: str | None = None) -> dict:
        """Finish a Checkout Session as the hosted page would.

        outcome: "paid" (card), "async_pending" (bank transfer started: complete, unpaid),
        "async_succeeded" / "async_failed" (the transfer settles; pending first if still open),
        "expire" (the session times out), "abandon" (the buyer leaves: it stays open).
        Raises `StripeError` if the session cannot take that step. Returns the session.
        """
        with self.ledger.lock:
            session = copy.deepcopy(self.ledger.complete_session(session_id, outcome, email))
        self._flush()
        return session

    def refund(self, target: str, amount: int | None = None) -> dict:
        """Refund the payment of a Checkout Session, PaymentIntent or charge (all of it by default)."""
        with self.ledger.lock:
            refund = copy.deepcopy(self.ledger.refund(self.ledger.charge_of(target), amount))
        self._flush()
        return refund

    def dispute(self, target: str, reason: str = "fraudulent") -> dict:
        """The buyer's bank disputes the payment of a Checkout Session, PaymentIntent or charge."""
        with self.ledger.lock:
            dispute = copy.deepcopy(self.ledger.dispute(self.ledger.charge_of(target), reason))
        self._flush()
        return dispute

    def close_dispute(self, dispute_id: str, status: str = "won") -> dict:
        """The bank closes a dispute: "won" (money stays with the seller), "lost" or "warning_closed"."""
        with self.ledger.lock:
            dispute = copy.deepcopy(self.ledger.close_dispute(dispute_id, status))
        self._flush()
        return dispute

    def end_period(self, subscription_id: str) -> dict:
        """Time reaches the end of the paid period: cancel (if set to cancel at period end) or renew."""
        with self.ledger.lock:
            subscription = copy.deepcopy(self.ledger.end_period(subscription_id))
        self._flush()
        return subscription

    def fail_renewal(self, subscription_id: str) -> dict:
        """The renewal payment fails: `invoice.payment_failed`, then the subscription is past_due."""
        with self.ledger.lock:
            invoice = copy.deepcopy(self.ledger.fail_renewal(subscription_id))
        self._flush()
        return invoice

    def set_subscription_status(self, subscription_id: str, status: str) -> dict:
        """Move a subscription to `status` (e.g. "past_due", "canceled"), emitting Stripe's event."""
        with self.ledger.lock:
            subscription = copy.deepcopy(self.ledger.set_subscription_status(subscription_id, status))
        self._flush()
        return subscription

    def renew(self, subscription_id: str) -> dict:
        """The subscription's next period starts and its invoice is paid (Stripe's renewal)."""
        with self.ledger.lock:
            subscription = self.ledger.get("subscription", subscription_id)
            if subscription["status"] not in ("active", "past_due", "trialing"):
                raise ValueError(f"subscription {subscription_id} is {subscription['status']}; it does not renew")
            invoice = copy.deepcopy(self.ledger.invoice_period(subscription))
        self._flush()
        return invoice

    @contextlib.contextmanager
    def at(self, timestamp: int):
        """Everything the stand-in does inside the block happens at `timestamp` (seeding a past year).

        The clock is one per process: use it from one test at a time, never under a live gate.
        """
        previous, objects.CLOCK.pinned = objects.CLOCK.pinned, int(timestamp)
        try:
            yield self
        finally:
            objects.CLOCK.pinned = previous

    # ------------------------------------------------------------------
    # Faults

    def fail_next(self, status: int = 429, count: int = 1) -> None:
        """The next `count` API calls answer `status` (429 or 5xx) with Stripe's error JSON."""
        if status != 429 and not 500 <= status <= 599:
            raise ValueError("fail_next takes 429 or a 5xx status")
        with self._fault_lock:
            self._faults.extend([status] * count)

    def drop_next(self, count: int = 1, after_processing: bool = False) -> None:
        """The next `count` API calls get their connection closed without an answer.

        With `after_processing`, each call is carried out first and only the answer is lost,
        as when a request times out after Stripe handled it: what idempotency keys are for.
        """
        with self._fault_lock:
            self._drops.extend(["after" if after_processing else "before"] * count)

    def _take_fault(self) -> int | None:
        with self._fault_lock:
            return self._faults.popleft() if self._faults else None

    def _take_drop(self, path: str) -> str | None:
        if not path.startswith("/v1/"):
            return None
        with self._fault_lock:
            return self._drops.popleft() if self._drops else None

    # ------------------------------------------------------------------
    # Events and webhooks

    @property
    def events(self) -> list[dict]:
        """Every event emitted so far, oldest first (each one POSTed to `webhook_url` if it was set)."""
        with self.ledger.lock:
            return [copy.deepcopy(self.ledger.objects[event_id]) for event_id in self.ledger.by_kind["event"]]

    def resend(self, event_id: str, timestamp: int | None = None) -> Delivery:
        """Deliver an event again (Stripe retries), freshly signed, at `timestamp` if given."""
        with self.ledger.lock:
            event = copy.deepcopy(self.ledger.get("event", event_id))
        return self._deliver(event, timestamp)

    def _flush(self) -> None:
        for event in self.ledger.take_outbox():
            if self.webhook_url:
                self._deliver(event)

    def _deliver(self, event: dict, timestamp: int | None = None) -> Delivery:
        url = self.webhook_url
        if not url:
            raise ValueError("webhook_url is not set")
        delivery = deliver(event, url, self.webhook_secret, timestamp)
        with self.ledger.lock:
            self.deliveries.append(delivery)
            if delivery.ok:
                self.ledger.objects[event["id"]]["pending_webhooks"] = 0
        return delivery

    def _api_version(self) -> str | None:
        if self._api.last_version:
            return self._api.last_version
        import stripe

        return getattr(stripe, "api_version", None)
