"""What Stripe said each email may read, kept a short while in the gate's shared store.

`current(email)` is the only way the gate learns what a reader may read:

- an entry younger than `gate.entitlement_refresh` seconds is the answer (no Stripe call);
- an older one, or none, is asked of Stripe again (`toolkit.pay.entitlements`) and stored;
- when Stripe answers 429, fails, or this instance's Stripe budget is spent, an entry younger
  than `gate.entitlement_ttl` is served as it is (and a warning logged): what was already
  granted stays granted until it expires, and nothing is ever granted from stale data;
  with no such entry the error propagates and the reader gets the "try again" page.

Webhooks call `refresh(email)`, which drops the entry first (so a refund revokes even when
Stripe cannot be asked right now) and then stores Stripe's new answer. Entries are keyed by a
digest of the address, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from toolkit.pay.entitlements import Entitlements, entitlements_for, normalise_email

log = logging.getLogger(__name__)

KEY_PREFIX = "folio:entitled:"


class EntitlementCache:
    def __init__(self, store, secret: str, refresh: int, ttl: int) -> None:
        self.store = store
        self._secret = secret.encode()
        self.refresh_after = refresh
        self.ttl = ttl

    def key(self, email: str) -> str:
        digest = hmac.new(self._secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]
        return KEY_PREFIX + digest

    def get(self, email: str) -> Entitlements | None:
        raw = self.store.get(self.key(email))
        if raw is None:
            return None
        try:
            found = Entitlements.from_dict(json.loads(raw))
        except ValueError:
            return None
        if found is None or found.email != normalise_email(email) or time.time() - found.checked_at > self.ttl:
            return None
        return found

    def put(self, entitlements: Entitlements) -> None:
        current = self.get(entitlements.email)
        if current is not None and current.checked_at > entitlements.checked_at:
            return  # a newer answer (e.g. a webhook's) is already there: keep it
        left = self.ttl - (time.time() - entitlements.checked_at)
        if left > 0:
            self.store.set(self.key(entitlements.email), json.dumps(entitlements.to_dict()), int(left) + 1)

    def drop(self, email: str) -> None:
        self.store.delete(self.key(email))


def current(services, email: str) -> Entitlements:
    """What `email` may read now: from the cache while fresh, else from Stripe (see the module doc)."""
    import stripe

    cache = services.entitled
    found = cache.get(email)
    if found is not None and time.time() - found.checked_at < cache.refresh_after:
        return found
    try:
        answer = ask_stripe(services, email)
    except stripe.StripeError as error:
        if found is None:
            raise
        log.warning("Stripe could not be asked (%s, HTTP %s): serving the entitlements Stripe confirmed "
                    "%.0f s ago until they expire", type(error).__name__, error.http_status,
                    time.time() - found.checked_at)
        return found
    cache.put(answer)
    return answer


def refresh(services, email: str) -> Entitlements:
    """Forget what was cached for `email`, then ask Stripe (errors propagate; the entry stays dropped)."""
    services.entitled.drop(email)
    answer = ask_stripe(services, email)
    services.entitled.put(answer)
    return answer


def ask_stripe(services, email: str) -> Entitlements:
    return entitlements_for(services.stripe, email, services.manifest(),
                            past_due_grants=services.settings.past_due_grants)
