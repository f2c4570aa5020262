"""Drive the gate's /success and /read on loopback and split each request's time into Stripe, S3 and the gate.

    python benchmarks/bench_gate.py [--rate 200] [--read-rates 200,800] [--seconds 5] [--members 100]
                                    [--workers 2] [--out benchmarks/results/gate.json]

It also reports what the entitlement cache buys (issue 21): the Stripe calls per 1,000 reads
of `--members` signed-in members (each request's `Server-Timing: stripecalls` says how many
calls it made), the time from a refund (the stand-in delivers `charge.refunded` to the gate)
to the refunded reader's next read being refused, and /read p50/p99 at each of
`--read-rates` with the cache in place (the gate's own time, as the other rows).

Everything runs on 127.0.0.1: moto's S3 server holds a published catalogue (one
course of 10 pages of ~20 KB with a figure each, a membership), the Stripe
stand-in runs in its own process, and the gate runs as `folio gate` (gunicorn)
in its own process with `gate.server_timing` on, so every response says how
long it waited on Stripe and on S3 (`Server-Timing`). Each route is driven at
a fixed rate (open loop: requests leave on schedule whether or not earlier
ones have returned) for a bounded time, then as fast as 8 clients can go.
The baseline, measured in the same run, is /healthz: the server and Flask
alone, no Stripe, no S3. The goal: the gate's own share of p99 <= 5 ms at 200
requests per second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

API_KEY, WEBHOOK_SECRET = "sk_test_bench", "whsec_bench"
SECRET_KEY = "bench-only-secret-key-0123456789abcdef"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                    "AWS_EC2_METADATA_DISABLED": "true"}
COURSE = "course:async-python"
TIMING = re.compile(r"(\w+);dur=([0-9.]+)")
MAX_REQUESTS = 20_000  # whatever the flags say, one run never sends more


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# -- the setup: S3, Stripe, the gate ------------------------------------------------------------


def start_standin(port: int, webhook_url: str) -> subprocess.Popen:
    code = ("import time; from toolkit.sandbox.stripe import StripeStandIn; "
            f"s = StripeStandIn(api_key={API_KEY!r}, webhook_secret={WEBHOOK_SECRET!r}, port={port}, "
            f"webhook_url={webhook_url!r}); s.start(); time.sleep(3600)")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    wait_for(f"http://127.0.0.1:{port}/v1/prices")
    return process


def start_redis() -> tuple[subprocess.Popen, str]:
    """A redis-server on a free loopback port, without persistence."""
    import shutil

    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("--store redis needs redis-server (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def publish_catalogue(root: Path, endpoint: str):
    from tests.gatedsite import GatedSite
    from toolkit.store.client import StorageSettings, make_client
    from toolkit.store.publish import PublishOptions, publish

    site = GatedSite.sample(root / "gated", pages_per_course=10, padding=20_000)
    manifest = site.write()
    storage = StorageSettings(bucket="folio-bench", prefix="v1/", region="us-east-1", endpoint_url=endpoint)
    publish(make_client(storage), storage, root / "gated", PublishOptions(create_bucket=True))
    return storage, manifest, root / "gated"


def write_config(root: Path, storage, gate_port: int, store_uri: str = "memory://") -> Path:
    config = {
        "site_name": "Gate benchmark", "site_url": "https://site.example.org/", "docs_dir": "docs",
        "plugins": [{"folio": {
            "gate_url": f"http://127.0.0.1:{gate_port}",
            "storage": {"bucket": storage.bucket, "prefix": storage.prefix, "region": "us-east-1",
                        "endpoint_url": storage.endpoint_url},
            # The budget is lifted: the /success rows measure the gate, not a refusal of Stripe calls.
            "gate": {"server_timing": True, "checkout_limit": "100000 per minute",
                     "page_limit": "1000000 per minute", "stripe_retries": 0,
                     "stripe_budget": "100000 per second", "rate_limit_storage": store_uri},
        }}],
    }
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
    path = root / "mkdocs.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def start_gate(config: Path, port: int, workers: int, standin_url: str) -> subprocess.Popen:
    env = {**os.environ, **FAKE_CREDENTIALS, "STRIPE_API_KEY": API_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "FOLIO_SECRET_KEY": SECRET_KEY, "STRIPE_API_BASE": standin_url}
    folio = Path(sys.executable).with_name("folio")
    command = [str(folio), "gate", "-f", str(config), "--port", str(port), "--workers", str(workers),
               "--threads", "16"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    return process


def paid_sessions(standin_url: str, manifest, gated_dir: Path, count: int, email=lambda n: "bench@example.org"
                  ) -> list[str]:
    """Sell the catalogue in the stand-in and pay `count` sessions through its hosted page (buyer n: `email(n)`)."""
    import requests
    import stripe

    from tests.gate.gatekit import sell
    from toolkit.pay.checkout import create_session, offer_for

    client = stripe.StripeClient(API_KEY, base_addresses={"api": standin_url})
    if not client.v1.prices.list(params={"limit": 1}).data:
        sell(client, manifest, gated_dir)
    ids = []
    for n in range(count):
        session = create_session(client, offer_for(manifest, COURSE, "one_time"),
                                 "https://site.example.org/", "https://site.example.org/")
        requests.post(f"{standin_url}/pay/{session.id}", data={"action": "pay", "email": email(n)},
                      allow_redirects=False, timeout=30)
        ids.append(session.id)
    return ids


# -- driving it ---------------------------------------------------------------------------------


class Sample:
    __slots__ = ("total", "stripe", "s3", "gate", "cpu", "stripecpu", "stripecalls", "status")

    def __init__(self, total: float, timing: str, status: int) -> None:
        parts = {name: float(ms) for name, ms in TIMING.findall(timing)}
        self.total, self.status = total * 1000, status
        self.stripe, self.s3, self.gate = parts.get("stripe", 0.0), parts.get("s3", 0.0), parts.get("gate", 0.0)
        self.cpu = parts.get("cpu", 0.0)
        self.stripecpu = parts.get("stripecpu", 0.0)
        self.stripecalls = int(parts.get("stripecalls", 0.0))


def drive(make_request, rate: float | None, seconds: float, clients: int = 8) -> tuple[list[Sample], float]:
    """Open loop at `rate` req/s (or closed loop with `clients` when rate is None) for `seconds`."""
    import requests

    local = threading.local()
    samples: list[Sample] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        method, url, cookies = make_request(i)
        started = time.perf_counter()
        response = http.request(method, url, cookies=cookies, allow_redirects=False, timeout=10)
        elapsed = time.perf_counter() - started
        with lock:
            samples.append(Sample(elapsed, response.headers.get("Server-Timing", ""), response.status_code))

    began = time.perf_counter()
    if rate:
        count = min(int(rate * seconds), MAX_REQUESTS)
        with ThreadPoolExecutor(max_workers=64) as pool:
            for i in range(count):
                delay = began + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, i)
    else:
        stop = began + seconds

        def client(k: int) -> None:
            i = k
            while time.perf_counter() < stop and i < MAX_REQUESTS:
                one(i)
                i += clients

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
    return samples, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else 0.0


def summarize(route: str, mode: str, samples: list[Sample], wall: float) -> dict:
    ok = [s for s in samples if s.status < 400]
    totals = [s.total for s in ok]
    p99 = percentile(totals, 99)
    slowest = [s for s in ok if s.total >= p99] or ok
    return {
        "route": route, "mode": mode, "requests": len(samples), "errors": len(samples) - len(ok),
        "requests_per_s": round(len(samples) / wall, 1),
        "p50_ms": round(percentile(totals, 50), 2), "p99_ms": round(p99, 2),
        "stripe_p50_ms": round(percentile([s.stripe for s in ok], 50), 2),
        "s3_p50_ms": round(percentile([s.s3 for s in ok], 50), 2),
        "waiting_share_p50": round(statistics.median([(s.stripe + s.s3) / s.total for s in ok]), 3) if ok else 0,
        # The gate's own time inside the server (Flask, signing, templates), without the waits.
        "gate_own_p50_ms": round(percentile([s.gate for s in ok], 50), 2),
        "gate_own_p99_ms": round(percentile([s.gate for s in ok], 99), 2),
        # CPU the request's thread used in the gate: its cost, whatever else the machine is doing.
        "gate_cpu_p50_ms": round(percentile([s.cpu for s in ok], 50), 2),
        "gate_cpu_p99_ms": round(percentile([s.cpu for s in ok], 99), 2),
        # The same without the CPU stripe-python's HTTP client burns on the Stripe call.
        "gate_cpu_outside_stripe_client_p99_ms": round(percentile([s.cpu - s.stripecpu for s in ok], 99), 2),
        # Of the slowest 1 %: how much was the gate's own time (the rest: Stripe, S3, network, queueing).
        "gate_own_in_p99_requests_ms": round(statistics.mean(s.gate for s in slowest), 2) if slowest else 0,
    }


def print_table(rows: list[dict]) -> None:
    header = (f"{'route':<10}{'mode':<12}{'req':>6}{'err':>5}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
              f"{'stripe p50':>11}{'s3 p50':>8}{'wait %':>7}{'gate p50':>9}{'gate p99':>9}{'cpu p50':>8}{'cpu p99':>8}{'w/o http':>9}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['route']:<10}{r['mode']:<12}{r['requests']:>6}{r['errors']:>5}{r['requests_per_s']:>8}"
              f"{r['p50_ms']:>8}{r['p99_ms']:>8}{r['stripe_p50_ms']:>11}{r['s3_p50_ms']:>8}"
              f"{r['waiting_share_p50'] * 100:>6.0f}%{r['gate_own_p50_ms']:>9}{r['gate_own_p99_ms']:>9}"
              f"{r['gate_cpu_p50_ms']:>8}{r['gate_cpu_p99_ms']:>8}{r['gate_cpu_outside_stripe_client_p99_ms']:>9}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="Requests per second of the fixed-rate runs.")
    parser.add_argument("--read-rates", default="200,800", help="Rates of the cached /read runs (req/s).")
    parser.add_argument("--members", type=int, default=100, help="Signed-in members reading.")
    parser.add_argument("--store", choices=("memory", "redis"), default="memory",
                        help="The gate's shared store: memory:// (one process) or a redis-server started here "
                             "(then --workers processes share it).")
    parser.add_argument("--seconds", type=float, default=5, help="Length of each run (at most 30).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the gate.")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "gate.json")
    args = parser.parse_args(argv)
    seconds = min(args.seconds, 30)
    os.environ.update(FAKE_CREDENTIALS)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    moto.start()
    standin_port, gate_port = free_port(), free_port()
    standin = start_standin(standin_port, f"http://127.0.0.1:{gate_port}/webhook")
    redis, store_uri = start_redis() if args.store == "redis" else (None, "memory://")
    gate = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            host, port = moto.get_host_and_port()
            storage, manifest, gated_dir = publish_catalogue(Path(tmp), f"http://{host}:{port}")
            standin_url = f"http://127.0.0.1:{standin_port}"
            gate = start_gate(write_config(Path(tmp), storage, gate_port, store_uri), gate_port, args.workers,
                              standin_url)
            sessions = paid_sessions(standin_url, manifest, gated_dir, 20)
            base = f"http://127.0.0.1:{gate_port}"
            rows = run_all(base, manifest, sessions, args.rate, seconds)
            read_rates = [float(rate) for rate in args.read_rates.split(",") if rate.strip()]
            cache = run_cache(base, standin_url, manifest, gated_dir, args.members, read_rates, seconds)
    finally:
        for process in (gate, standin, redis):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        moto.stop()
    # memory:// holds counters and the cache in one process, so `folio gate` runs one worker then.
    processes = args.workers if args.store == "redis" else 1
    result = {"rate": args.rate, "seconds": seconds, "gate_workers": processes, "store": args.store,
              "runs": rows + cache["runs"],
              "stripe_calls_per_1000_reads": cache["stripe_calls_per_1000_reads"],
              "refund_to_revoked_ms": cache["refund_to_revoked_ms"], "members": args.members,
              "goal": "gate's own share of p99 <= 5 ms at 200 req/s"}
    print(f"gate: {processes} process(es), shared store {args.store}")
    print_table(rows + cache["runs"])
    print(f"\nStripe calls per 1,000 reads of {args.members} members: {cache['stripe_calls_per_1000_reads']} "
          f"(first reads included; {cache['stripe_calls_cold']} calls for the first read of each member)")
    print(f"Refund to revoked access: median {cache['refund_to_revoked_ms']['p50']} ms, "
          f"max {cache['refund_to_revoked_ms']['max']} ms over {cache['refund_to_revoked_ms']['samples']} refunds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def run_all(base: str, manifest, sessions: list[str], rate: float, seconds: float) -> list[dict]:
    import requests

    member = requests.Session()
    member.get(f"{base}/success", params={"session_id": sessions[0]}, timeout=10)
    cookie = member.cookies.get_dict()
    pages = [page.source for page in manifest.products[COURSE].pages]
    routes = {
        "/healthz": lambda i: ("GET", f"{base}/healthz", None),
        "/success": lambda i: ("GET", f"{base}/success?session_id={sessions[i % len(sessions)]}", None),
        "/read": lambda i: ("GET", f"{base}/read/{COURSE}/{pages[i % len(pages)]}", cookie),
    }
    rows = []
    for route, make in routes.items():
        drive(make, None, 1, clients=4)  # warm up: connections, manifest and page caches
        rows.append(summarize(route, f"{rate:g} req/s", *drive(make, rate, seconds)))
        rows.append(summarize(route, "max (8 cl.)", *drive(make, None, seconds)))
    return rows


def run_cache(base: str, standin_url: str, manifest, gated_dir: Path, members: int, read_rates: list[float],
              seconds: float) -> dict:
    """What the entitlement cache buys: Stripe calls per 1,000 reads, refund-to-revoked time, /read at each rate."""
    import requests

    emails = [f"member-{n}@bench.example.org" for n in range(members)]
    sessions = paid_sessions(standin_url, manifest, gated_dir, members, email=lambda n: emails[n])
    cookies = []
    for session_id in sessions:  # each member signed in by their success page (identity only)
        http = requests.Session()
        assert http.get(f"{base}/success", params={"session_id": session_id}, timeout=30).status_code == 200
        cookies.append(http.cookies.get_dict())
    pages = [page.source for page in manifest.products[COURSE].pages]

    def read(i: int):
        return ("GET", f"{base}/read/{COURSE}/{pages[i % len(pages)]}", cookies[i % members])

    # 1,000 reads spread over the members, right after they bought (the success page dropped
    # each member's cache entry, so each first read asks Stripe once).
    samples, _ = _exactly(read, 1000)
    calls = sum(s.stripecalls for s in samples)
    cold = sum(s.stripecalls for s in samples[:members])
    runs = []
    for rate in read_rates:
        drive(read, None, 1, clients=4)
        runs.append(summarize("/read", f"{rate:g} req/s cached", *drive(read, rate, seconds)))
    # Refund to revoked: refund a member's purchase through the API, then read until refused.
    stripe_http = requests.Session()
    stripe_http.headers["Authorization"] = f"Bearer {API_KEY}"
    delays = []
    for n in range(min(10, members)):
        jar = cookies[n]
        assert requests.get(f"{base}/read/{COURSE}/{pages[0]}", cookies=jar, allow_redirects=False,
                            timeout=10).status_code == 200
        started = time.perf_counter()
        stripe_http.post(f"{standin_url}/v1/refunds", data={"payment_intent": _intent(stripe_http, standin_url,
                                                                                   sessions[n])}, timeout=30)
        while requests.get(f"{base}/read/{COURSE}/{pages[0]}", cookies=jar, allow_redirects=False,
                           timeout=10).status_code == 200:
            if time.perf_counter() - started > 30:
                break
        delays.append((time.perf_counter() - started) * 1000)
    return {"runs": runs, "stripe_calls_per_1000_reads": round(calls * 1000 / len(samples), 1),
            "stripe_calls_cold": cold,
            "refund_to_revoked_ms": {"p50": round(statistics.median(delays), 1), "max": round(max(delays), 1),
                                     "samples": len(delays)}}


def _exactly(make_request, count: int) -> tuple[list[Sample], float]:
    """`count` requests, in order, from 8 clients."""
    import requests

    samples: list[Sample] = [None] * count  # type: ignore[list-item]

    def one(i: int) -> None:
        method, url, cookies = make_request(i)
        started = time.perf_counter()
        response = requests.request(method, url, cookies=cookies, allow_redirects=False, timeout=30)
        samples[i] = Sample(time.perf_counter() - started, response.headers.get("Server-Timing", ""),
                            response.status_code)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(count)))
    return samples, time.perf_counter() - began


def _intent(http, standin_url: str, session_id: str) -> str:
    return http.get(f"{standin_url}/v1/checkout/sessions/{session_id}", timeout=10).json()["payment_intent"]


if __name__ == "__main__":
    main()
