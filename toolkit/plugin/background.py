"""Helper processes: CPU-heavy build work on the second core while MkDocs renders on the first.

A `Job` runs `prepare(*args)` at once in a helper process and, when handed its late
arguments (`hand`, or `result`), `finish(state, *late_args)` there too (late arguments are
what only exists after the build, like the finished site/). Only arguments and results
cross the process boundary, pickled; nothing that depends on the per-process hash seed does.

Where: forked on Linux when the build process has no other thread (forking a threaded
process can deadlock the child: `mkdocs serve` runs a watcher and a web server);
otherwise inline, in the build process, when the result is asked for, with the same
outcome. FOLIO_BACKGROUND=inline forces inline everywhere (`fork` is the default);
tests pass `method=` to run each path on purpose, `spawn` included.

A helper never outlives its build: the kernel kills it when the build process dies
(PR_SET_PDEATHSIG on Linux), and a watchdog thread ends it when its parent changes
(any platform). A helper that dies is reported as such (`HelperDied`), never as a
failure of whatever page was being built.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
from typing import Any, Callable

from toolkit.errors import FolioError

ENV = "FOLIO_BACKGROUND"
METHODS = ("fork", "spawn", "inline")
_PR_SET_PDEATHSIG = 1


class HelperDied(FolioError):
    """A helper process stopped before it sent its result."""


def start_method(requested: str | None = None) -> str:
    """Give how to run a job: "fork" (where safe), "spawn", or "inline".

    `requested` (tests) or FOLIO_BACKGROUND chooses; "fork" falls back to "inline" where
    forking is unsafe, whoever asked for it.
    """
    wanted = (requested or os.environ.get(ENV) or "fork").strip().lower()
    if wanted not in METHODS:
        raise FolioError(f"{ENV}={wanted}: unknown value; use one of {', '.join(METHODS)} (default: fork where safe)")
    if wanted == "fork" and not fork_is_safe():
        return "inline"
    return wanted


def fork_is_safe() -> bool:
    """Forking copies only the calling thread: safe on Linux when no other thread exists."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Job:
    """`prepare(*args)` started now; `result(*late_args)` gives `finish(state, *late_args)` (or the state).

    `yield_cpu` lets the helper run only on CPU time MkDocs' rendering leaves idle; once the
    build waits for the helper (`hand`, `result`) it gets its normal priority back, so a busy
    machine cannot starve it while the build waits.
    """

    def __init__(self, prepare: Callable[..., Any], *args: Any, name: str = "background build step",
                 finish: Callable[..., Any] | None = None, method: str | None = None, yield_cpu: bool = True,
                 note: Callable[[Any, Any], None] | None = None):
        self.name = name
        self._prepare, self._args, self._finish, self._note = prepare, args, finish, note
        self.method = start_method(method)
        self._process = None
        self._yield_cpu = yield_cpu
        self._handed: tuple | None = None
        self._notes: list = []
        if self.method != "inline":
            context = multiprocessing.get_context(self.method)
            self._pipe, child_end = context.Pipe(duplex=True)
            self._process = context.Process(target=_child, name=f"folio {name}", daemon=True,
                                            args=(child_end, os.getpid(), prepare, args, finish, note, yield_cpu))
            self._process.start()
            child_end.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def tell(self, payload: Any) -> None:
        """Pass `payload` to the helper's `note(state, payload)` while it waits for its late arguments.

        Notes only ever save the helper work later (the leak guard is told of each page written
        so it can scan it while MkDocs renders the next): the result must not depend on them,
        so inline, and once the late arguments are handed, they are dropped.
        """
        if self._process is None or self._note is None or self._handed is not None:
            return
        self._notes.append(payload)
        # The helper reads notes only once `prepare` is done; until then the pipe fills, and a full
        # pipe would make the build wait for an optimisation. So notes go out together, when the pipe
        # has room, and any still held when the late arguments are handed are simply dropped.
        if not _has_room(self._pipe):
            return
        notes, self._notes = self._notes, []
        try:
            self._pipe.send_bytes(pickle.dumps(("notes", notes), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # the helper is gone: `result` says so

    def hand(self, *late_args: Any) -> None:
        """Give the job its late arguments now (the build waits for it from here on); `result` collects."""
        if self._handed is not None:
            return
        self._handed = late_args
        self._claim_cpu()
        if self._process is not None and self._finish is not None:
            try:
                self._pipe.send_bytes(pickle.dumps(("finish", late_args), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # the helper is gone; what it left in the pipe (an error, or nothing) says why

    def result(self, *late_args: Any) -> Any:
        """Give the job's result; its FolioError is raised here, a crash or a death as HelperDied."""
        self.hand(*late_args)
        late_args = self._handed
        if self._process is None:
            state = self._prepare(*self._args)
            return self._finish(state, *late_args) if self._finish is not None else state
        try:
            status, payload = pickle.loads(self._pipe.recv_bytes())
        except (EOFError, OSError):
            status, payload = "died", None
        finally:
            self._pipe.close()
            self._process.join(timeout=10)
        if status == "ok":
            return payload
        if status == "folio":
            raise FolioError(payload)
        if status == "died":
            raise HelperDied(self._death_notice())
        raise HelperDied(f"{self.name}: its helper process (pid {self._process.pid}) failed, so the build "
                         f"stopped; nothing was published. This is a bug in Folio, not in your content:\n{payload}")

    def _claim_cpu(self) -> None:
        """The build now waits for this helper: give it its normal share of the CPU back."""
        if self._process is None or not self._yield_cpu or self._process.pid is None:
            return
        try:
            os.sched_setscheduler(self._process.pid, os.SCHED_OTHER, os.sched_param(0))
        except (AttributeError, OSError):  # not Linux, not allowed, or the helper is gone: as it is
            pass

    def _death_notice(self) -> str:
        code = self._process.exitcode
        if code is not None and code < 0:
            how = f"was killed by signal {signal.Signals(-code).name}"
        else:
            how = f"exited with status {code}" if code is not None else "stopped answering"
        return (f"{self.name}: its helper process (pid {self._process.pid}) {how} before it finished, so the "
                f"build stopped and nothing was published. Nothing points at your content: build again "
                f"(if it keeps happening, look for what kills processes, e.g. the out-of-memory killer, "
                f"or set {ENV}=inline).")

    def cancel(self) -> None:
        """Stop the helper now (the build failed or was interrupted)."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=10)
        if self._process is not None:
            self._pipe.close()


def _child(conn, parent_pid: int, prepare, args, finish, note, yield_cpu: bool) -> None:
    _die_with_parent(parent_pid)
    if yield_cpu:
        _yield_cpu_to_parent()
    try:
        state = prepare(*args)
        if finish is None:
            message = ("ok", state)
        else:
            while True:
                try:
                    kind, payload = pickle.loads(conn.recv_bytes())
                except EOFError:  # the build went away without asking: nothing to report to anyone
                    os._exit(0)
                if kind == "finish":
                    break
                if note is not None:
                    for one in payload:
                        note(state, one)
            message = ("ok", finish(state, *payload))
    except FolioError as exc:
        message = ("folio", exc.format_message())
    except BaseException:  # report everything: a silent helper could hide a failure (or a leak)
        message = ("error", traceback.format_exc())
    try:
        conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # the build is gone
    conn.close()


def _has_room(pipe) -> bool:
    """Whether a small message can be written to `pipe` now without waiting (POSIX; elsewhere: assume so)."""
    if os.name != "posix":
        return True
    try:
        return bool(select.select([], [pipe.fileno()], [], 0)[1])
    except (OSError, ValueError):
        return False


def _die_with_parent(parent_pid: int) -> None:
    """End this helper as soon as the build process that started it dies, however it dies."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the watchdog below still applies
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent watchdog", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def _yield_cpu_to_parent() -> None:
    """Run this helper only on CPU time nothing else wants: MkDocs' own rendering must not wait for it.

    Linux's SCHED_IDLE does exactly that (the build raises the helper back when it waits for
    it, see `Job._claim_cpu`); elsewhere a lower priority is the nearest thing.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(10)
    except (AttributeError, OSError):  # no nice() on this platform, or not allowed: run as is
        pass
