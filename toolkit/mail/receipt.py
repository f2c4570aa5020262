"""One receipt per Checkout Session, however often and however concurrently the webhook arrives.

There is no database, so the "already sent" fact lives on the Checkout Session itself, in
its metadata under `folio_receipt`:

    claimed:<attempt>:<unix time>:<nonce>   a delivery is sending it now
    failed:<attempt>                        that attempt could not send; the next may try
    sent:<attempt>                          done: nobody sends again

Claiming is a compare-and-set built from Stripe's idempotency keys: every delivery that
wants to send attempt N writes its own claim (a random nonce in the body) under the same
key `folio-receipt-<session>-<N>`. Stripe runs the first request with that key; any other
body with the same key is refused (`idempotency_error`, or 409 while the first is in
flight). Exactly one delivery wins attempt N; the others read the session again and see
the winner's claim.

Guarantees, and the choice behind them:

- Two deliveries never send at the same time, and once `sent` is recorded nobody sends again.
- A send that fails (SMTP refused, SES error) releases the claim (`failed:N`) and the
  webhook answers non-2xx, so Stripe's retry claims attempt N+1 and sends exactly one mail.
- A delivery that finds a live claim answers non-2xx too (`ReceiptBusy`), so Stripe asks
  again later instead of trusting a sender that may die.
- **At least once across crashes.** A claim older than the lease (10 minutes, far longer
  than an SMTP timeout) is presumed dead and may be taken over. If a process died after the
  mail left but before `sent` was written, the member gets a second receipt; we prefer that
  to a receipt that never comes. If the mail left but `sent` cannot be written (Stripe
  down), we still answer success and log it, so no retry sends it twice.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Callable

import stripe

from toolkit.mail.transport import Mailer, MailError

log = logging.getLogger(__name__)

STATE_KEY = "folio_receipt"
LEASE_SECONDS = 600
_MAX_ROUNDS = 4  # claim attempts before giving the delivery back to Stripe's retry


class ReceiptBusy(Exception):
    """Another delivery holds a live claim on this receipt: answer non-2xx so Stripe retries later."""


@dataclass(frozen=True)
class ReceiptState:
    """What `folio_receipt` says about a session's receipt."""

    phase: str  # "none" | "claimed" | "failed" | "sent"
    attempt: int = 0
    since: float = 0.0

    @classmethod
    def of(cls, session: Any) -> "ReceiptState":
        return cls.parse((session.get("metadata") or {}).get(STATE_KEY))

    @classmethod
    def parse(cls, value: str | None) -> "ReceiptState":
        if not value:
            return cls("none")
        phase, _, rest = str(value).partition(":")
        fields = rest.split(":")
        try:
            attempt = int(fields[0])
            since = float(fields[1]) if phase == "claimed" else 0.0
        except (ValueError, IndexError):
            # Someone wrote something we do not understand. Sending could duplicate a
            # receipt, not sending loses one; treat it as a dead claim of attempt 0.
            log.warning("Receipt: unreadable %s value; treating it as an expired claim", STATE_KEY)
            return cls("claimed", 0, 0.0)
        if phase not in ("claimed", "failed", "sent"):
            return cls("claimed", attempt, 0.0)
        return cls(phase, attempt, since)

    def live(self, now: float, lease: float) -> bool:
        return self.phase == "claimed" and now - self.since < lease


def send_receipt_once(
    client: stripe.StripeClient,
    session_id: str,
    build: Callable[[Any], EmailMessage],
    mailer: Mailer,
    *,
    lease: float = LEASE_SECONDS,
    clock: Callable[[], float] = time.time,
) -> str:
    """Send the session's receipt unless it went already: "sent" or "already_sent".

    Raises ReceiptBusy (another delivery is sending), MailError (the mail service failed;
    the claim is released) or stripe.StripeError (Stripe unreachable): each means "answer
    non-2xx, let Stripe retry".
    """
    sessions = client.v1.checkout.sessions
    session = _plain(sessions.retrieve(session_id))
    for _ in range(_MAX_ROUNDS):
        state = ReceiptState.of(session)
        if state.phase == "sent":
            return "already_sent"
        if state.live(clock(), lease):
            raise ReceiptBusy(f"receipt for {session_id} is being sent by another delivery")
        attempt = state.attempt + 1
        claim = f"claimed:{attempt}:{clock():.0f}:{secrets.token_hex(8)}"
        try:
            session = _write(sessions, session_id, claim, f"folio-receipt-{session_id}-{attempt}")
        except stripe.IdempotencyError:
            session = _plain(sessions.retrieve(session_id))  # someone else took attempt N first
            continue
        except stripe.StripeError as error:
            if error.http_status != 409:  # 409: the winner's request is still in flight
                raise
            session = _plain(sessions.retrieve(session_id))
            continue
        if (session.get("metadata") or {}).get(STATE_KEY) == claim:
            break
        session = _plain(sessions.retrieve(session_id))
    else:
        raise ReceiptBusy(f"receipt for {session_id}: could not claim it; another delivery keeps winning")

    try:
        mailer.send(build(session))
    except Exception:
        _release(sessions, session_id, attempt)
        raise
    try:
        _write(sessions, session_id, f"sent:{attempt}", f"folio-receipt-{session_id}-{attempt}-sent")
    except stripe.StripeError as error:
        log.error("Receipt for %s was sent but could not be recorded in Stripe (%s); "
                  "it will not be sent again unless the claim expires and the webhook is retried",
                  session_id, type(error).__name__)
    return "sent"


def _write(sessions: Any, session_id: str, value: str, key: str) -> dict:
    return _plain(sessions.update(session_id, params={"metadata": {STATE_KEY: value}}, options={"idempotency_key": key}))


def _release(sessions: Any, session_id: str, attempt: int) -> None:
    """Mark attempt N failed so the next delivery may send at once (the lease covers us if this fails too)."""
    try:
        _write(sessions, session_id, f"failed:{attempt}", f"folio-receipt-{session_id}-{attempt}-failed")
    except stripe.StripeError as error:
        log.warning("Receipt for %s: could not release the claim (%s); it expires in %d s",
                    session_id, type(error).__name__, LEASE_SECONDS)


def _plain(obj: Any) -> dict:
    """A Stripe object as plain dicts (stripe-python 13+ objects are not dicts any more)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


__all__ = ["ReceiptBusy", "ReceiptState", "STATE_KEY", "LEASE_SECONDS", "send_receipt_once", "MailError"]
