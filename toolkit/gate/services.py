"""The gate's connections to Stripe and S3, and the two things it may keep in memory.

Each process keeps only what no other instance needs and what can be
fetched again at any time: the published manifest for `manifest_ttl`
seconds, paid page HTML under its content-hashed key (immutable, checked
against the manifest's sha256), and each signed link for a tenth of its
lifetime (at most a minute), so a link handed out always has at least 90 % of
its life left while a busy gate signs each object about once a minute
instead of on every request. Everything about a reader lives in Stripe and
in the reader's signed cookie.

What Stripe said each reader may read, and which sign-in links were used, live in the
shared store beside the rate limits (`store`, `entitled`: set by `create_app`). Every Stripe
call this process makes is counted (`stripe_calls`) and held to `gate.stripe_budget`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from toolkit.errors import FolioError
from toolkit.gate.settings import GateSettings
from toolkit.gate.timing import time_s3_calls, timed_stripe_http_client

log = logging.getLogger(__name__)

LINK_REUSE_MAX = 60.0  # seconds a signed link may be handed out again
MAX_LINKS = 10_000


class Services:
    """One per app: a Stripe client, an S3 client, the manifest and the page cache."""

    def __init__(self, settings: GateSettings) -> None:
        from toolkit.store.client import make_client

        self.settings = settings
        self.stripe_calls = StripeBudget(settings.stripe_budget)
        self.stripe = make_stripe_client(settings, self.stripe_calls)
        self.store = None  # toolkit.gate.store.SharedStore, once the limiter's storage exists
        self.entitled = None  # toolkit.gate.entitled.EntitlementCache
        self.s3 = make_client(settings.storage)
        time_s3_calls(self.s3)
        self._manifest = None
        self._manifest_read_at = 0.0
        self._manifest_lock = threading.Lock()
        self.pages = PageCache(settings.page_cache_mb * 1024 * 1024)
        self._links: dict[tuple, tuple[float, object]] = {}

    def manifest(self):
        """The published manifest (the catalog), read again after `manifest_ttl` seconds."""
        if self._manifest is None or time.monotonic() - self._manifest_read_at >= self.settings.manifest_ttl:
            with self._manifest_lock:
                if self._manifest is None or time.monotonic() - self._manifest_read_at >= self.settings.manifest_ttl:
                    from toolkit.store.client import read_published_manifest

                    self._manifest = read_published_manifest(self.s3, self.settings.storage)
                    self._manifest_read_at = time.monotonic()
        return self._manifest

    def sign(self, manifest, product_id: str, key: str, inline: bool = False):
        """A presigned link for `key` of `product_id` (the manifest decides what may be signed)."""
        from toolkit.store.presign import presign_object

        cache_key = (product_id, key, inline)
        now = time.monotonic()
        found = self._links.get(cache_key)
        if found is not None and now - found[0] < min(LINK_REUSE_MAX, found[1].ttl / 10):
            return found[1]
        link = presign_object(self.s3, self.settings.storage, manifest, product_id, key, self.settings.link_ttl,
                              inline=inline)
        if len(self._links) >= MAX_LINKS:
            self._links.clear()  # a crude bound; entries are cheap to make again
        self._links[cache_key] = (now, link)
        return link

    def page_html(self, page) -> str:
        """The gated page's HTML from S3 (or this process's cache), verified against the manifest."""
        cached = self.pages.get(page.key)
        if cached is not None:
            return cached
        storage = self.settings.storage
        body = self.s3.get_object(Bucket=storage.bucket, Key=storage.key_for(page.key))["Body"].read()
        if hashlib.sha256(body).hexdigest() != page.sha256:
            # Fail closed: serve nothing rather than bytes the manifest does not vouch for.
            raise FolioError(f"{page.key}: the stored object does not match the manifest's sha256; publish again.")
        html = body.decode("utf-8")
        self.pages.put(page.key, html, len(body))
        return html


class StripeBudget:
    """This process's Stripe calls: counted, and refused locally past `gate.stripe_budget`.

    A refused call raises `budget_spent()` (a stripe.APIConnectionError that is never
    retried), which every route already answers like Stripe's own 429: serve what the
    entitlement cache granted, else "try again".
    """

    def __init__(self, budget: str) -> None:
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.limit = parse(budget)
        self._window = MovingWindowRateLimiter(MemoryStorage())
        self._lock = threading.Lock()
        self.count = 0
        self.refused = 0

    def take(self) -> None:
        with self._lock:
            if not self._window.hit(self.limit, "stripe"):
                self.refused += 1
                raise budget_spent()
            self.count += 1


def budget_spent():
    """The error a call past the budget raises: a stripe.APIConnectionError that is never retried."""
    import stripe

    error = stripe.APIConnectionError("This gate's Stripe budget (gate.stripe_budget) is spent for now.",
                                      should_retry=False)
    error.http_status = 429
    return error


def make_stripe_client(settings: GateSettings, budget: "StripeBudget | None" = None):
    """stripe-python's client for this gate; STRIPE_API_BASE points it at another Stripe-compatible server."""
    import stripe

    options = {}
    if settings.stripe_api_base:
        options["base_addresses"] = {"api": settings.stripe_api_base.rstrip("/")}
    return stripe.StripeClient(
        settings.stripe_api_key,
        max_network_retries=settings.stripe_retries,
        http_client=timed_stripe_http_client(settings.stripe_timeout, before=budget.take if budget else None),
        **options,
    )


class PageCache:
    """A byte-bounded LRU of page HTML by content-hashed key (so an entry never goes stale)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, html: str, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (html, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
