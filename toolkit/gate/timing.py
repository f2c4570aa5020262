"""How long a request waited on Stripe and on S3, so the gate's own share can be measured.

The Stripe client and the S3 client report each HTTP call here; with
`gate.server_timing` on, every response carries a `Server-Timing` header
(`stripe;dur=…, s3;dur=…, gate;dur=…, cpu;dur=…`, milliseconds; and `stripecalls;dur=N`,
the number of Stripe API calls the request made, which is a count, not a time) that
benchmarks read: `gate` is the request's wall time minus its waits (so it
grows when the machine is busy), `cpu` the CPU time its thread used, `stripecpu` the part of it spent inside
stripe-python's HTTP client.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from flask import Flask, g, has_request_context

_local = threading.local()


def add_wait(service: str, seconds: float) -> None:
    """Count `seconds` spent waiting on `service` ("stripe" or "s3") against the current request."""
    if has_request_context():
        waits = g.setdefault("folio_waits", {})
        waits[service] = waits.get(service, 0.0) + seconds


@contextmanager
def waiting(service: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        add_wait(service, time.perf_counter() - started)


def time_s3_calls(client) -> None:
    """Hook botocore's call events: every S3 API call (retries included) counts as waiting on S3."""

    def started(**_):
        _local.s3_started = time.perf_counter()

    def finished(**_):
        began = getattr(_local, "s3_started", None)
        if began is not None:
            add_wait("s3", time.perf_counter() - began)
            _local.s3_started = None

    client.meta.events.register("before-call.s3", started)
    client.meta.events.register("after-call.s3", finished)
    client.meta.events.register("after-call-error.s3", finished)


def timed_stripe_http_client(timeout: float, pool_size: int = 32, before=None):
    """stripe-python's requests-based HTTP client, reporting each request's time as waiting on Stripe.

    One connection pool for all threads; `trust_env` off because reading the proxy
    variables of the environment on every call cost more CPU than the rest of a request
    (a proxy for Stripe is stripe-python's own `proxy` option, not the environment).
    """
    import requests
    import stripe

    session = requests.Session()
    session.trust_env = False
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)

    class TimedRequestsClient(stripe.RequestsClient):
        def request(self, *args, **kwargs):
            if before is not None:
                before()  # the budget: may refuse the call before it leaves
            add_wait("stripecalls", 1.0)
            cpu = time.thread_time()
            try:
                with waiting("stripe"):
                    return super().request(*args, **kwargs)
            finally:
                # The CPU the HTTP client itself burns (connect, TLS, parse) while "waiting".
                add_wait("stripecpu", time.thread_time() - cpu)

    return TimedRequestsClient(timeout=timeout, session=session)


def install(app: Flask, enabled: bool) -> None:
    """Start a clock per request; with `enabled`, report the waits in a Server-Timing header."""

    @app.before_request
    def start_clock():
        g.folio_started = time.perf_counter()
        g.folio_cpu_started = time.thread_time()

    if not enabled:
        return

    @app.after_request
    def report(response):
        total = time.perf_counter() - g.get("folio_started", time.perf_counter())
        waits = g.get("folio_waits", {})
        own = max(0.0, total - waits.get("stripe", 0.0) - waits.get("s3", 0.0))
        cpu = time.thread_time() - g.get("folio_cpu_started", time.thread_time())
        parts = [f"{name};dur={waits.get(name, 0.0) * 1000:.3f}" for name in ("stripe", "s3")]
        response.headers["Server-Timing"] = ", ".join([*parts, f"gate;dur={own * 1000:.3f}",
                                                        f"cpu;dur={cpu * 1000:.3f}",
                                                        f"stripecpu;dur={waits.get('stripecpu', 0.0) * 1000:.3f}",
                                                        f"stripecalls;dur={int(waits.get('stripecalls', 0))}"])
        return response
