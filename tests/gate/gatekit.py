"""A whole selling setup on 127.0.0.1 for the gate's tests and benchmark.

moto's S3 server holds a published gated catalogue (tests/gatedsite.py's sample:
a course with three paid chapters, a membership, one figure), the Stripe stand-in
sells it under Folio's lookup keys, and the gate runs in a real WSGI server in a
thread, with the stand-in's webhooks pointed at it.

Import the fixtures into a test module explicitly:

    from tests.gate.gatekit import selling, gate  # noqa: F401
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import pytest

from tests.gatedsite import GatedSite
from tests.s3server import moto_endpoint, s3_env  # noqa: F401  (fixtures used below)
from tests.sandbox.stripe_fixtures import API_KEY, WEBHOOK_SECRET
from tests.loopback import serve_in_thread
from toolkit.gate import create_app
from toolkit.gate.settings import GateSettings
from toolkit.gated.manifest import Manifest
from toolkit.pay.checkout import lookup_key
from toolkit.store.client import StorageSettings, make_client
from toolkit.store.publish import PublishOptions, publish

SITE_URL = "https://site.example.org/"
SITE_ORIGIN = "https://site.example.org"
SECRET_KEY = "test-only-secret-key-0123456789abcdef"
COURSE = "course:async-python"
CHAPTER = "courses/async-python/01-chapter.md"
PAID_TEXT = "Paid chapter 1 of async-python."


def publish_sample(root: Path, endpoint: str, bucket: str | None = None) -> tuple[StorageSettings, Manifest, Path]:
    """Write the sample gated/ into `root` and publish it to a fresh private bucket on `endpoint`."""
    from tests.s3server import new_bucket

    import boto3

    admin = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    bucket = bucket or new_bucket(admin)
    site = GatedSite.sample(root / "gated")
    manifest = site.write()
    storage = StorageSettings(bucket=bucket, prefix="v1/", region="us-east-1", endpoint_url=endpoint)
    publish(make_client(storage), storage, root / "gated", PublishOptions())
    return storage, manifest, root / "gated"


def sell(stripe_client, manifest: Manifest, gated_dir: Path) -> dict[str, str]:
    """Run catalog sync (as `folio catalog sync` does); the price id under each lookup key."""
    from toolkit.pay.catalog import sync

    sync(stripe_client, gated_dir)
    keys = [lookup_key(p.id, price.plan) for p in manifest.products.values() for price in p.prices]
    found = stripe_client.v1.prices.list(params={"lookup_keys": keys, "active": True, "limit": 100}).data
    prices = {price.lookup_key: price.id for price in found}
    assert set(prices) == set(keys), f"catalog sync and checkout disagree on lookup keys: {sorted(prices)}"
    return prices


# Stands for "the address GateServer binds" until it has bound (settings need a gate_url to exist).
PENDING_URL = "http://127.0.0.1:9"


def settings_for(storage: StorageSettings, standin_url: str, **overrides) -> GateSettings:
    settings = GateSettings(
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        secret_key=SECRET_KEY,
        storage=storage,
        site_url=SITE_URL,
        gate_url=PENDING_URL,
        stripe_api_base=standin_url,
        stripe_retries=0,
        # Tests send many requests from one address; the limit tests set their own.
        checkout_limit="1000 per minute",
        page_limit="1000 per minute",
    )
    return replace(settings, **overrides)


class GateServer:
    """The gate app in werkzeug's threaded WSGI server on 127.0.0.1 (port 0), in a thread.

    The port is chosen first, so the app is built with its real gate_url (links come only from it).
    """

    def __init__(self, settings: GateSettings) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        self._server = make_server("127.0.0.1", 0, lambda environ, start: self.app(environ, start), threaded=True,
                                   request_handler=QuietHandler)
        if not settings.gate_url or settings.gate_url == PENDING_URL:
            settings = replace(settings, gate_url=self.url)
        self.settings = settings
        self.app = create_app(settings)
        self._thread = serve_in_thread(self._server)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def services(self):
        return self.app.extensions["folio"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Selling:
    """Everything a gate needs, running: bucket, manifest, stand-in with prices."""

    storage: StorageSettings
    manifest: Manifest
    standin: object
    prices: dict[str, str]

    def settings(self, **overrides) -> GateSettings:
        return settings_for(self.storage, self.standin.url, **overrides)

    def client(self):
        return self.standin.client()

    def open_session(self, product_id: str = COURSE, plan: str = "one_time") -> str:
        """A Checkout Session created as the gate creates them (tests that skip POST /checkout)."""
        from toolkit.pay.checkout import create_session, offer_for

        session = create_session(self.client(), offer_for(self.manifest, product_id, plan),
                                 "http://127.0.0.1/success?session_id={CHECKOUT_SESSION_ID}", SITE_URL)
        return session.id


REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path) -> str:
    """A real redis-server on a free loopback port, for the duration of one test."""
    if REDIS is None:
        pytest.skip("needs redis-server (Debian package redis-server; `make chromium` installs it)")
    from tests import processes
    from tests.loopback import free_port

    port = free_port()  # redis-server has no "pick a free port" (0 turns TCP off)
    server = processes.start([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        processes.stop(server, timeout=10)



@pytest.fixture(scope="module")
def published(tmp_path_factory, moto_endpoint) -> tuple[StorageSettings, Manifest, Path]:
    return publish_sample(tmp_path_factory.mktemp("gated-site"), moto_endpoint)


@pytest.fixture
def selling(published, stripe_standin) -> Selling:
    storage, manifest, gated_dir = published
    return Selling(storage, manifest, stripe_standin, sell(stripe_standin.client(), manifest, gated_dir))


@pytest.fixture
def gate(selling) -> Iterator[GateServer]:
    """The gate on loopback, with the stand-in's webhooks pointed at it."""
    server = GateServer(selling.settings())
    selling.standin.webhook_url = f"{server.url}/webhook"
    yield server
    selling.standin.webhook_url = None
    server.close()
