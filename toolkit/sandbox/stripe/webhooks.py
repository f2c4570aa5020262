"""Webhook delivery signed with Stripe's scheme, so `stripe.Webhook.construct_event` accepts it.

`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the
endpoint secret>`. The body is sent exactly as signed; receivers must verify the raw bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT = 10.0


def payload(event: dict) -> bytes:
    """The bytes Stripe would POST: pretty-printed JSON, as Stripe sends it."""
    return json.dumps(event, indent=2).encode("utf-8")


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode("ascii") + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver an event: the receiver's HTTP status, or why there was none."""

    event_id: str
    type: str
    url: str
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def deliver(event: dict, url: str, secret: str, timestamp: int | None = None) -> Delivery:
    body = payload(event)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature_header(body, secret, timestamp),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
            return Delivery(event["id"], event["type"], url, response.status)
    except urllib.error.HTTPError as error:
        return Delivery(event["id"], event["type"], url, error.code)
    except (urllib.error.URLError, OSError) as error:
        return Delivery(event["id"], event["type"], url, None, str(error))
