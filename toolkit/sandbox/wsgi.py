"""Serve a WSGI app on 127.0.0.1 in a background thread (sandbox and tests only).

Werkzeug's threaded server is plenty for one person clicking through the sandbox and
for tests; `folio gate` uses a production server instead.
"""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import BaseWSGIServer, make_server


class QuietWSGIServer:
    """A threaded WSGI server on `host:port` (0: any free port) that logs nothing per request."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0) -> None:
        # Werkzeug logs every request line, which would print tokens and signed URLs.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self._server.daemon_threads = True
        # A 0.05 s poll (not socketserver's 0.5 s): stop() returns as soon as the loop notices.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=f"wsgi:{self.port}",
                                        daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "QuietWSGIServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "QuietWSGIServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
