"""Helpers for tests that start servers on 127.0.0.1: a free port, and waiting for a condition.

`wait_for` is the one polling helper of the suite: every test that waits for a server, a
log line or a file asks it.
"""

from __future__ import annotations

import socket
import threading
import time


# How often a test server's loop looks for shutdown(): socketserver's default, 0.5 s, made every
# server's teardown wait up to half a second (about 20 s in one subset of the suite).
SHUTDOWN_POLL = 0.05


def serve_in_thread(server, name: str | None = None) -> threading.Thread:
    """Run a socketserver-style `server` in a daemon thread that notices shutdown() within SHUTDOWN_POLL."""
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL,), name=name, daemon=True)
    thread.start()
    return thread


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
