"""A small threaded HTTP/1.1 server for the stand-in's WSGI app, with keep-alive.

werkzeug's development server closes every connection after one answer, so every
stripe-python call would pay for a new TCP connection; Stripe keeps connections alive,
and so does this server, which makes the stand-in's share of a benchmark honest. It
reads each request body whole (Content-Length) before answering, so the next request
line on the connection is always where it should be. It can also hang up on an API
call without answering, for `drop_next`.
"""

from __future__ import annotations

import io
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import unquote

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection is kept open


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FolioStripeStandIn/1.0"
    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK would hold every answer on a kept-alive connection ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_DELETE = do_HEAD = do_PUT = do_PATCH = do_GET

    def _serve(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.send_error(411, "Length Required")
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        drop = self.server.take_drop(self.path)
        if drop == "before":
            self._hang_up()
            return
        status, headers, data = self._call_app(body)
        if drop == "after":
            # The work is done; only the answer is lost on the way (a timeout, a reset).
            self._hang_up()
            return
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _call_app(self, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        path, _, query = self.path.partition("?")
        environ = {
            "REQUEST_METHOD": self.command, "SCRIPT_NAME": "", "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]), "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0], "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[f"HTTP_{key}"] = value
        started: dict = {}

        def start_response(status, headers, exc_info=None):
            started.update(status=status, headers=headers)

        chunks = self.server.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return started["status"], started["headers"], data

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # request lines would carry session ids into test output for nothing


class StandInServer(ThreadingHTTPServer):
    """One thread per connection; `stop` also closes idle keep-alive connections."""

    daemon_threads = True

    def __init__(self, host: str, port: int, app: Callable, take_drop: Callable[[str], str | None]):
        super().__init__((host, port), _Handler)
        self.app = app
        self._take_drop = take_drop
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def take_drop(self, path: str) -> str | None:
        return self._take_drop(path)

    def opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._lock:
            connections, self._connections = set(self._connections), set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        log.debug("stripe stand-in: error serving %s", client_address, exc_info=True)
