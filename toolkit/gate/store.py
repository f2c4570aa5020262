"""Small values with a lifetime, in the same store the rate limits count in (`gate.rate_limit_storage`).

The gate keeps three kinds of shared facts besides its counters: what Stripe said an email
may read (the entitlement cache), magic-link tokens already used, and nothing else. They
go where Flask-Limiter's counters go, so one setting makes every instance agree:

- `memory://`: a dictionary in this process (then `folio gate` runs one process, see
  `toolkit.commands.gate`);
- `redis://`, `rediss://`, `redis+sentinel://`, `redis+cluster://`, `valkey://`: the Redis
  client the `limits` storage already opened (`SET … EX … NX`, `GET`, `DEL`);
- `memcached://`: the pymemcache client of the `limits` storage (`set`, `add`, `get`, `delete`).

Keys are prefixed with `folio:` and never contain an email address (callers pass digests).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

PREFIX = "folio:"


class SharedStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def add(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...


class MemoryStore:
    """One process's dictionary, expiring entries lazily (bounded: the oldest half goes when full)."""

    MAX_ITEMS = 100_000

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._items[key]
                return None
            return found[1]

    def set(self, key: str, value: str, ttl: int) -> None:
        with self._lock:
            self._bound()
            self._items[key] = (time.monotonic() + ttl, value)

    def add(self, key: str, value: str, ttl: int) -> bool:
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] > time.monotonic():
                return False
            self._bound()
            self._items[key] = (time.monotonic() + ttl, value)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def _bound(self) -> None:
        if len(self._items) < self.MAX_ITEMS:
            return
        now = time.monotonic()
        for key in [k for k, (expires, _) in self._items.items() if expires <= now]:
            del self._items[key]
        if len(self._items) >= self.MAX_ITEMS:
            for key in sorted(self._items, key=lambda k: self._items[k][0])[: self.MAX_ITEMS // 2]:
                del self._items[key]


class _ClientStore:
    """A store kept by a network client (Redis, Memcached): values come back as bytes."""

    def __init__(self, client) -> None:
        self._client = client

    def get(self, key: str) -> str | None:
        value = self._client.get(key)
        return value.decode() if isinstance(value, bytes) else value


class RedisStore(_ClientStore):
    def set(self, key: str, value: str, ttl: int) -> None:
        self._client.set(key, value, ex=max(1, int(ttl)))

    def add(self, key: str, value: str, ttl: int) -> bool:
        return bool(self._client.set(key, value, ex=max(1, int(ttl)), nx=True))

    def delete(self, key: str) -> None:
        self._client.delete(key)


class MemcachedStore(_ClientStore):
    def set(self, key: str, value: str, ttl: int) -> None:
        self._client.set(key, value, expire=max(1, int(ttl)), noreply=False)

    def add(self, key: str, value: str, ttl: int) -> bool:
        return bool(self._client.add(key, value, expire=max(1, int(ttl)), noreply=False))

    def delete(self, key: str) -> None:
        self._client.delete(key, noreply=False)


def store_for(limits_storage) -> SharedStore:
    """The shared store beside the rate-limit counters of `limits_storage` (a `limits` storage)."""
    from limits.storage import MemcachedStorage, MemoryStorage

    if isinstance(limits_storage, MemoryStorage):
        return MemoryStore()
    if isinstance(limits_storage, MemcachedStorage):
        return MemcachedStore(limits_storage.storage)
    client = getattr(limits_storage, "storage", None)
    if client is not None and hasattr(client, "set") and hasattr(client, "get"):
        return RedisStore(client)
    from toolkit.errors import FolioError

    raise FolioError(f"gate.rate_limit_storage: the gate cannot keep shared values in a "
                     f"{type(limits_storage).__name__}; use memory://, redis:// or memcached://.")
