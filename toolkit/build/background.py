"""Run CPU-heavy build work on the second core while MkDocs renders on the first.

On Linux a forked child inherits the build's state (the content model, the
Markdown settings, even Python's per-process hash seed, so leak-guard
fingerprints made there are valid here) and sends back only its result.
Where forking is not possible or not safe (no `fork`, other threads running,
as under `mkdocs serve`), the work runs inline when the result is asked for,
with the same outcome.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import traceback
from typing import Any, Callable

from toolkit.errors import FolioError


class Job:
    """`fn(*args)` started now, its result (or its error) collected by `result()`."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        self._process = None
        self._pipe = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_child, args=(sender, fn, args), daemon=True)
            self._process.start()
            sender.close()
            self._pipe = receiver

    def result(self) -> Any:
        if self._process is None:
            return self._fn(*self._args)
        return receive_result(self._pipe, self._process, "background build step")

    def cancel(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def yield_cpu_to_parent() -> None:
    """Lower this (child) process's priority: MkDocs' own rendering must not wait for side work."""
    try:
        os.nice(10)
    except (AttributeError, OSError):  # no nice() on this platform, or not allowed: run as is
        pass


def _run_child(sender, fn, args) -> None:
    yield_cpu_to_parent()
    send_result(sender, fn, *args)


def send_result(sender, fn: Callable[..., Any], *args: Any) -> None:
    """In a child: run `fn(*args)` and send its result, or its error, to the parent."""
    try:
        message = ("ok", fn(*args))
    except FolioError as exc:
        message = ("folio", exc.format_message())
    except BaseException:  # report everything: a silent child could hide a failure (or a leak)
        message = ("error", traceback.format_exc())
    sender.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    sender.close()


def receive_result(receiver, process, what: str) -> Any:
    """In the parent: the child's result; its FolioError or crash raised here."""
    try:
        status, payload = pickle.loads(receiver.recv_bytes())
    except EOFError:
        status, payload = "error", f"the process died (exit code {process.exitcode})"
    finally:
        receiver.close()
        process.join()
    if status == "ok":
        return payload
    if status == "folio":
        raise FolioError(payload)
    raise RuntimeError(f"{what} failed:\n{payload}")
