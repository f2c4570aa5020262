"""Run the gate under gunicorn, in this process (what `folio gate` does).

gunicorn pre-forks worker processes, so a 2-core machine uses both cores
(Python threads share one), and restarts a worker that dies; each worker
runs a few threads because most of a request is spent waiting on Stripe
or S3. Its access log leaves out query strings, which carry session ids.
"""

from __future__ import annotations

from typing import Callable

# Remote address, request line without the query string, status, bytes, seconds.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss'


def serve(app_factory: Callable, host: str, port: int, workers: int, threads: int,
          access_log: bool = True) -> None:
    """Serve the app `app_factory()` builds (in each worker) until interrupted."""
    from gunicorn.app.base import BaseApplication

    class GateServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-" if access_log else None)
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("proc_name", "folio-gate")

        def load(self):
            return app_factory()

    GateServer().run()
