"""The gate's structured events: one JSON line per grant, refund, dispute, revocation, read, download, sign-in.

The format is a contract with `folio report` (see docs/security/gate.md, "Events"): every line
is a JSON object on the logger `folio.events` at INFO with

    {"v": 1, "ts": "2026-11-03T12:34:56Z", "event": "...", "reader": "<16 hex>", "product": "...", ...}

`reader` is a keyed hash (HMAC-SHA256, key FOLIO_EVENTS_KEY, else the gate's secret key, first
16 hex digits) of the normalised address: lower case, `+tag` removed from the local part. No
email address, IP address, token or signed URL ever goes into an event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time

from toolkit.gate.identity import canonical_address

logger = logging.getLogger("folio.events")

EVENTS = ("grant", "refund", "dispute", "revoke", "read", "download", "signin")
REASONS = ("refund", "dispute", "canceled", "payment_failed", "expired")
ENV_KEY = "FOLIO_EVENTS_KEY"


def reader_hash(email: str, secret: str) -> str:
    key = (os.environ.get(ENV_KEY) or secret).encode()
    return hmac.new(key, canonical_address(email).encode(), hashlib.sha256).hexdigest()[:16]


def emit(event: str, email: str, product: str, secret: str, *, page: str | None = None,
         obj: str | None = None, session: str | None = None, reason: str | None = None) -> None:
    """Write one event line (nothing is raised: an event never breaks the request it describes)."""
    if event not in EVENTS or not email or not product:
        return
    record = {"v": 1, "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event,
              "reader": reader_hash(email, secret), "product": product}
    if page:
        record["page"] = page
    if obj:
        record["object"] = obj
    if session:
        record["session"] = session
    if reason in REASONS:
        record["reason"] = reason
    logger.info(json.dumps(record, separators=(",", ":"), ensure_ascii=False))


def log_to_stream(stream=None) -> None:
    """`folio gate`: events as bare JSON lines on stderr (or `stream`), for any log shipper to pick up."""
    import sys

    logger.setLevel(logging.INFO)
    if not any(getattr(handler, "folio_events", False) for handler in logger.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.folio_events = True
        logger.addHandler(handler)
        logger.propagate = False
