"""Helpers for tests that start servers on 127.0.0.1: a free port, and waiting for a condition.

`wait_for` is the one polling helper of the suite: every test that waits for a server, a
log line or a file asks it.
"""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (also handy as an 'unreachable endpoint')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds: float = 90, every: float = 0.05) -> bool:
    """True as soon as `predicate()` is, polling every `every` s; False after `seconds`.

    Errors a server raises while it is starting (refused connections) count as "not yet".
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            if predicate():
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


def http_body(url: str, timeout: float = 5) -> str | None:
    """The body at `url` when it answers 200, else None (for `wait_for(lambda: http_body(url))`)."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode() if response.status == 200 else None
    except OSError:
        return None
