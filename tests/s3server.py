"""Loopback S3 for tests: moto's server, and a proxy in front of it that misbehaves on cue.

Import the fixtures into a test module explicitly:

    from tests.s3server import moto_endpoint, s3_proxy, s3_env  # noqa: F401

The proxy records every request (method, path, status) so tests can assert
what went over the wire, and can answer 503 SlowDown, 403 AccessDenied or
drop the connection halfway through a request body.
"""

from __future__ import annotations

import http.client
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from tests.loopback import serve_in_thread

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    # Keep a developer's own AWS configuration out of the tests.
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
UNSET_ENV = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION",
             "FOLIO_S3_BUCKET", "FOLIO_S3_PREFIX", "FOLIO_S3_REGION", "FOLIO_S3_ENDPOINT_URL")


@pytest.fixture(scope="session")
def s3_env() -> Iterator[None]:
    """Fake credentials for the whole session, never real secrets."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_ENV.items():
            patch.setenv(name, value)
        for name in UNSET_ENV:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def moto_endpoint(s3_env) -> Iterator[str]:
    """URL of a moto S3 server on 127.0.0.1, shared by the session (use fresh bucket names)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # bound by moto: no free-port race
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture()
def s3_proxy(moto_endpoint) -> Iterator["FaultyProxy"]:
    """A fresh recording proxy in front of moto, for one test."""
    proxy = FaultyProxy(moto_endpoint)
    yield proxy
    proxy.close()


@dataclass
class Seen:
    """One request as the proxy saw it, and what it answered."""

    method: str
    path: str
    status: int  # 0: connection dropped


Rule = Callable[[str, str], bool]  # (method, path) -> does this fault apply?


def any_request(method: str, path: str) -> bool:
    return True


def uploads(method: str, path: str) -> bool:
    """Object PUTs (single or multipart parts), not bucket-level calls."""
    return method == "PUT" and path.count("/") >= 2


@dataclass
class Fault:
    kind: str  # "status" or "drop"
    remaining: int  # how many more matching requests it hits; -1 forever
    rule: Rule
    status: int = 503
    code: str = "SlowDown"
    headers: dict = field(default_factory=dict)


ERROR_BODY = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{code} (injected by the test proxy)</Message></Error>'


class FaultyProxy:
    """An HTTP proxy on 127.0.0.1 that forwards to `upstream` unless a fault says otherwise."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = serve_in_thread(self._server)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- what tests call -------------------------------------------------

    def fail(self, times: int, status: int = 503, code: str = "SlowDown", when: Rule = any_request,
             headers: dict | None = None) -> None:
        """Answer the next `times` matching requests with an S3 error (-1: every one)."""
        self.faults.append(Fault("status", times, when, status, code, headers or {}))

    def drop(self, times: int, when: Rule = uploads) -> None:
        """Read half of the next `times` matching request bodies, then hang up."""
        self.faults.append(Fault("drop", times, when))

    def heal(self) -> None:
        self.faults.clear()

    def forget(self) -> None:
        self.seen.clear()

    def methods(self) -> list[str]:
        return [seen.method for seen in self.seen]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- internals -----------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.remaining != 0 and fault.rule(method, path):
                    fault.remaining -= 1 if fault.remaining > 0 else 0
                    return fault
        return None

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.seen.append(Seen(method, path, status))

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _any(self) -> None:
                path_only = self.path.split("?", 1)[0]
                fault = proxy._take_fault(self.command, path_only)
                length = int(self.headers.get("Content-Length") or 0)
                if fault and fault.kind == "drop":
                    self.rfile.read(length // 2)
                    proxy._record(self.command, path_only, 0)
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                body = self.rfile.read(length) if length else b""
                if fault:
                    status, headers, payload = self._error(fault)
                else:
                    status, headers, payload = self._forward(body)
                proxy._record(self.command, path_only, status)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def _error(self, fault: Fault):
                payload = ERROR_BODY.format(code=fault.code).encode()
                headers = [("Content-Type", "application/xml"), *fault.headers.items()]
                return fault.status, headers, payload

            def _forward(self, body: bytes):
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    payload = response.read()
                    skip = {"content-length", "connection", "transfer-encoding"}
                    kept = [(k, v) for k, v in response.getheaders() if k.lower() not in skip]
                    return response.status, kept, payload
                finally:
                    upstream.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any

        return Handler


# -- buckets ------------------------------------------------------------------

PRIVATE = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
           "RestrictPublicBuckets": True}


@pytest.fixture()
def moto_s3(moto_endpoint):
    """A boto3 client straight to moto (no proxy) for arranging and inspecting buckets."""
    import boto3

    return boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")


@pytest.fixture()
def bucket(moto_s3) -> str:
    """A fresh, empty bucket that blocks public access."""
    return new_bucket(moto_s3)


def new_bucket(client, private: bool = True, region: str = "us-east-1") -> str:
    import uuid

    name = f"folio-test-{uuid.uuid4().hex[:12]}"
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=name, **extra)
    if private:
        client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PRIVATE)
    return name


def stored_keys(client, bucket: str) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def read_object(client, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()
