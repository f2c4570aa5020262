"""The `folio` plugin's settings in mkdocs.yml, declared as typed MkDocs options.

Sections owned by other modules (``storage``, ``leaderboard``) are kept as
plain mappings here and validated by those modules, so each idea has one home.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MembershipConfig(base.Config):
    """Membership plans: each grants every `paid` and `members` page."""

    monthly = c.Optional(c.Type(str))
    yearly = c.Optional(c.Type(str))


class _AtLeast(c.Type):
    """A number of a given type that must not be below `minimum`."""

    def __init__(self, kind, minimum, default):
        super().__init__(kind, default=default)
        self.minimum = minimum

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or value < self.minimum:
            raise base.ValidationError(f"expected a number >= {self.minimum}, got {value!r}")
        return value


class _RateLimit(c.Type):
    """A Flask-Limiter limit such as `10 per minute` or `100/hour;1000/day`."""

    def __init__(self, default):
        super().__init__(str, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise base.ValidationError(f"expected a rate limit such as '10 per minute', got {value!r}") from None
        return value


class _StorageUri(c.Type):
    """Where shared rate-limit counters live: memory://, redis://, rediss://, memcached://."""

    SCHEMES = ("memory://", "redis://", "rediss://", "redis+sentinel://", "redis+cluster://",
               "memcached://", "valkey://", "valkeys://")

    def __init__(self, default):
        super().__init__(str, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if not value.startswith(self.SCHEMES):
            raise base.ValidationError(f"expected a URI starting with one of {', '.join(self.SCHEMES)}, got {value!r}")
        return value


class GateConfig(base.Config):
    """`gate:` settings of the gate service. Its secrets come from the environment, never from here."""

    # Origins besides site_url's that may post to /checkout (e.g. a staging copy of the site).
    origins = c.ListOfItems(c.Type(str), default=[])
    # Where rate-limit counters live; memory:// is per process, so several instances share redis/memcached.
    rate_limit_storage = _StorageUri(default="memory://")
    checkout_limit = _RateLimit(default="10 per minute")
    page_limit = _RateLimit(default="120 per minute")
    # Seconds a member cookie stays valid: it only caches what Stripe said, so keep it short.
    cookie_max_age = _AtLeast(int, 60, default=3600)
    # Seconds signed download/page/asset links live (default: 15 min downloads, 5 min pages).
    link_ttl = c.Optional(_AtLeast(int, 1, default=None))
    # Seconds an instance reuses the published manifest before reading it again.
    manifest_ttl = _AtLeast(int, 0, default=60)
    # Paid page HTML kept in each process (immutable under hashed keys), in MiB; 0 turns it off.
    page_cache_mb = _AtLeast(int, 0, default=32)
    # Reverse proxies / load balancers in front of the gate whose X-Forwarded-* headers are trusted.
    proxy_hops = _AtLeast(int, 0, default=0)
    stripe_timeout = _AtLeast((int, float), 1, default=10)
    stripe_retries = _AtLeast(int, 0, default=1)
    # Send a Server-Timing header (time waiting on Stripe and S3); for benchmarks and debugging.
    server_timing = c.Type(bool, default=False)
    # Members (toolkit/gate/members.py): does a `past_due` subscription still open the archive?
    past_due_grants = c.Type(bool, default=False)
    # Sign-in links one email address / one client address may ask for.
    signin_limit = _RateLimit(default="5 per hour")
    signin_client_limit = _RateLimit(default="20 per hour")
    # Days a sign-in by email lasts on a device (entitlements are re-checked every cookie_max_age).
    signin_days = _AtLeast(int, 1, default=30)


class FolioConfig(base.Config):
    """`plugins: - folio: {...}` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    # Words kept public on a paid page that has no `<!-- more -->` marker.
    teaser_words = c.Type(int, default=120)
    # Where the gate service lives; the paywall's forms post there.
    gate_url = c.Optional(c.Type(str))
    membership = c.SubConfig(MembershipConfig)
    # Private output folder, relative to mkdocs.yml.
    gated_dir = c.Type(str, default="gated")
    # Unknown front matter keys fail the build instead of warning.
    strict = c.Type(bool, default=False)
    # Run the leak guard after every build (turning it off is for debugging only).
    leak_guard = c.Type(bool, default=True)
    storage = c.Type(dict, default={})
    leaderboard = c.Type(dict, default={})
    gate = c.SubConfig(GateConfig)
