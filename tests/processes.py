"""Child processes of tests: started with default signal handling, never left running.

A test suite may itself be started with SIGINT ignored (under `nohup`, as a background job
of a script, by some CI runners). An ignored signal is inherited through fork and exec, so
a `folio serve` started by such a test would ignore the Ctrl-C meant to stop it. Every
child started here gets SIGINT (and the other signals a shell might have set aside) back
at its default, runs in a session of its own, and is stopped, by force if it must be,
when the test is done: whether it passed, failed or timed out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator

# Signals a parent may have left ignored that a child must see as the default.
RESET_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP)


def default_signals() -> None:
    """In the forked child, before exec: the default action for every signal in RESET_SIGNALS."""
    for number in RESET_SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def start(args, **kwargs) -> subprocess.Popen:
    """`subprocess.Popen`, its child with default signal handling, in a new session (its own process group)."""
    kwargs.setdefault("start_new_session", True)
    return subprocess.Popen(args, preexec_fn=default_signals, restore_signals=True, **kwargs)


def run(args, *, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """`subprocess.run` with the same start as `start`, and the whole process group killed on timeout."""
    kwargs.setdefault("start_new_session", True)
    capture = kwargs.pop("capture_output", False)
    if capture:
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
    with running(args, **kwargs) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def collect_output(process: subprocess.Popen) -> list[str]:
    """Read a text-mode child's stdout line by line in a thread, into the list returned (live).

    For a test that must see a line (a port, "Serving on") while the child runs; `stop` then
    waits for the reader instead of reading the pipe itself.
    """
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    process._test_reader = (reader, lines)  # type: ignore[attr-defined]
    return lines


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the child's process group (the child and whatever it started), then reap the child."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


def stop(process: subprocess.Popen, how: int = signal.SIGTERM, timeout: float = 20) -> str:
    """Stop a child with `how` (SIGTERM, or SIGINT as Ctrl-C would), SIGKILL after `timeout` s.

    Returns what is left of its output when it was piped (text or bytes, decoded), else "".
    Raises subprocess.TimeoutExpired after killing it if it did not stop in time, so a
    test that expected a clean stop fails, and no process is left behind.
    """
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(how)
    collected = getattr(process, "_test_reader", None)
    if collected is not None:
        reader, lines = collected
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            raise
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        reader.join(timeout=5)
        return "".join(lines)
    try:
        out, _ = process.communicate(timeout=timeout)
    except ValueError:  # the test closed its pipes already
        out = process.wait(timeout=timeout) and ""
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise
    finally:
        # Whatever the child started in its session goes too (a helper it forgot, a gunicorn worker).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if isinstance(out, bytes):
        return out.decode(errors="replace")
    return out or ""


@contextlib.contextmanager
def running(args, *, how: int = signal.SIGTERM, timeout: float = 20, **kwargs) -> Iterator[subprocess.Popen]:
    """A child started by `start`, stopped by `stop` when the block ends, however it ends."""
    process = start(args, **kwargs)
    try:
        yield process
    finally:
        if process.returncode is None:
            try:
                stop(process, how, timeout)
            except subprocess.TimeoutExpired:
                pass  # killed; the test's own assertions say what went wrong
