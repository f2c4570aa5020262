"""Leak-guard concurrency a maintainer can trust.

- The verdict is the same under any PYTHONHASHSEED and any way of running the helper
  (forked, spawned, inline): nothing derived from Python's per-process hash() crosses a
  process boundary.
- A helper process never outlives its build, even one killed with SIGKILL.
- A helper that dies is reported as such, never blamed on a page.
- Forking happens only where it is safe; tests choose the path on purpose.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests import sites
from toolkit.plugin.background import ENV, HelperDied, Job, start_method
from toolkit.errors import FolioError

FOLIO = Path(sys.executable).with_name("folio")
LOCKED_SRC = "courses/leaklab/02-locked.md"

# Runs the leak guard on a small planted site with the given helper method, prints the verdict.
VERDICT_SCRIPT = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from toolkit.plugin.guard_in_build import GuardInputs, LeakGuard

    def main():
        site = Path(sys.argv[1])
        paid = {"courses/c/02.md": "The circuit breaker opens after three consecutive timeouts and stays open.\\n\\n"
                                   "熔断器在连续三次超时之后打开，并且保持打开状态整整九十秒，然后才允许一个探测请求通过。",
                "courses/c/03.md": "Every retry spends from a shared budget that refills at one token per second."}
        inputs = GuardInputs(paid=paid, public=["Circuit breakers, explained."], sources=sorted(paid),
                             allow_phrases=["refills at one token per second"], allow_files=[])
        guard = LeakGuard(inputs, method=sys.argv[2])
        report = guard.check(site)
        print(json.dumps({"method": guard.method, "leaks": [[l.file, l.page, l.snippet] for l in report.leaks],
                          "allowed": [[a.file, a.page, a.rule] for a in report.allowed], "scanned": report.scanned}))

    if __name__ == "__main__":  # a spawned helper imports this script again
        main()
''')


def planted_site(root: Path) -> Path:
    site = root / "site"
    pages = {
        "index.html": "<p>Circuit breakers, explained.</p>",
        "a/index.html": "<p>The circuit breaker opens after three consecutive timeouts and stays open.</p>",
        "b/index.html": "<p>然后才允许一个探测请求通过。熔断器在连续三次超时之后打开，并且保持打开状态整整九十秒</p>",
        "c/index.html": "<p>Every retry spends from a shared budget that refills</p>",
        "d/index.html": "<p>The shared budget that refills at one token per second is public.</p>",
    }
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def verdict(site: Path, method: str, seed: str) -> dict:
    script = site.parent / "verdict.py"
    script.write_text(VERDICT_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop(ENV, None)
    result = subprocess.run([sys.executable, str(script), str(site), method], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_same_verdict_under_any_hash_seed_and_start_method(tmp_path):
    site = planted_site(tmp_path)
    verdicts = {(method, seed): verdict(site, method, seed)
                for method in ("fork", "spawn", "inline") for seed in ("0", "1", "4242", "random")}
    for (method, _), found in verdicts.items():
        assert found["method"] == method  # each path really ran (a plain script has no other thread)
    leaks = {json.dumps(found["leaks"]) for found in verdicts.values()}
    allowed = {json.dumps(found["allowed"]) for found in verdicts.values()}
    assert len(leaks) == 1 and len(allowed) == 1
    found = next(iter(verdicts.values()))
    assert {(file, page) for file, page, _ in found["leaks"]} == {
        ("a/index.html", "courses/c/02.md"), ("b/index.html", "courses/c/02.md"), ("c/index.html", "courses/c/03.md")}
    assert [file for file, _, _ in found["allowed"]] == ["d/index.html"]


# --- where helpers run ----------------------------------------------------------------------


def test_fork_is_refused_while_another_thread_runs(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert start_method("fork") == "inline"
        assert start_method() == "inline"
        assert Job(sum, [1, 2]).method == "inline"
    finally:
        stop.set()
        thread.join()


def test_inline_can_be_forced_and_a_typo_is_an_error(monkeypatch):
    monkeypatch.setenv(ENV, "inline")
    assert start_method() == "inline"
    monkeypatch.setenv(ENV, "forked")
    with pytest.raises(FolioError, match="FOLIO_BACKGROUND=forked: unknown value"):
        start_method()


def _boom(_):
    raise FolioError("a clear problem")


@pytest.mark.parametrize("method", ["spawn", "inline"])
def test_job_gives_result_and_folio_errors_on_every_path(method):
    assert Job(sorted, [3, 1, 2], method=method).result() == [1, 2, 3]
    with pytest.raises(FolioError, match="a clear problem"):
        Job(_boom, None, method=method).result()


def _sleep(seconds):
    time.sleep(seconds)


def test_a_helper_that_dies_is_reported_as_dead():
    job = Job(_sleep, 60, name="leak guard", method="spawn")
    os.kill(job.pid, signal.SIGKILL)
    with pytest.raises(HelperDied) as caught:
        job.result()
    message = str(caught.value)
    assert message.startswith(f"leak guard: its helper process (pid {job.pid}) was killed by signal SIGKILL")
    assert "nothing was published" in message and "Nothing points at your content" in message


# --- real builds, each path on purpose -------------------------------------------------------


def folio_build(root: Path, method: str, timeout: int = 180) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env[ENV] = method
    return subprocess.run([str(FOLIO), "build"], cwd=root, capture_output=True, text=True, timeout=timeout, env=env)


KILL_HELPER = '''
import multiprocessing, os, signal

def on_post_build(config):
    for child in multiprocessing.active_children():
        if child.name == "folio leak guard":
            os.kill(child.pid, signal.SIGKILL)
            child.join()
'''


def test_build_whose_helper_is_killed_fails_naming_the_helper_not_a_page(tmp_path):
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks/kill.py").write_text(KILL_HELPER, encoding="utf-8")
    sites.adversarial_site(tmp_path, plugins=["search"], extra={"hooks": ["hooks/kill.py"]})
    result = folio_build(tmp_path, "fork")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "leak guard: its helper process" in result.stderr and "killed by signal SIGKILL" in result.stderr
    assert "Traceback" not in result.stderr
    assert "paid text of" not in result.stderr and "Error building page" not in result.stderr
    assert not (tmp_path / "site").exists()


STALL = '''
import os, time
from pathlib import Path

def on_post_page(output, page, config):
    Path(config.config_file_path).with_name("rendering.pid").write_text(str(os.getpid()))
    time.sleep(60)
    return output
'''


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped by whoever adopted it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_build_killed_with_sigkill_leaves_no_helper_behind(tmp_path):
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks/stall.py").write_text(STALL, encoding="utf-8")
    sites.adversarial_site(tmp_path, plugins=["search"], extra={"hooks": ["hooks/stall.py"]})
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env[ENV] = "fork"
    build = subprocess.Popen([str(FOLIO), "build"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        marker = tmp_path / "rendering.pid"
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), "the build never reached rendering"
        helpers = children_of(build.pid)
        assert helpers, "the build started no helper process"
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in helpers if alive(pid)]
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()


BUSY_HELPER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from toolkit.plugin.background import Job

    def work(marker):
        Path(marker).write_text("busy")  # the helper is now in its work, never reading its pipe
        time.sleep(120)

    if __name__ == "__main__":
        marker = Path(sys.argv[2])
        job = Job(work, str(marker), name="busy", method=sys.argv[1])
        while not marker.exists():
            time.sleep(0.05)
        print(job.pid, flush=True)
        time.sleep(120)
''')


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_busy_helper_dies_with_its_build(tmp_path, method):
    """The helper is in the middle of its work (not waiting on the build) when the build is SIGKILLed."""
    script = tmp_path / "busy.py"
    script.write_text(BUSY_HELPER, encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(script), method, str(tmp_path / "busy")],
                             stdout=subprocess.PIPE, text=True)
    try:
        helper = int(build.stdout.readline())
        assert alive(helper)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 5
        while alive(helper) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(helper)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_a_helper_takes_only_idle_cpu_until_the_build_waits_for_it():
    """While MkDocs renders, a helper must not slow it down; once the build waits, it must not starve."""
    job = Job(_sleep, 30, name="idle helper", method="spawn")
    try:
        deadline = time.monotonic() + 20
        while os.sched_getscheduler(job.pid) != os.SCHED_IDLE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.sched_getscheduler(job.pid) == os.SCHED_IDLE
        job.hand()
        assert os.sched_getscheduler(job.pid) == os.SCHED_OTHER
    finally:
        job.cancel()


def _slow_list(seconds):
    time.sleep(seconds)
    return []


def _keep_note(state, note):
    state.append(note)


def _notes_seen(state):
    return state


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_telling_a_busy_helper_never_makes_the_build_wait(method):
    """Notes are an optimisation: a helper still preparing must not block MkDocs' page writes."""
    job = Job(_slow_list, 1.5, name="busy helper", finish=_notes_seen, note=_keep_note, method=method)
    started = time.perf_counter()
    for n in range(20_000):  # far more than a pipe holds while nobody reads it
        job.tell(("site", f"page-{n:05d}/index.html" + "x" * 100))
    assert time.perf_counter() - started < 1.0
    seen = job.result()
    assert len(seen) < 20_000 and seen == sorted(seen)  # some notes dropped, none out of order
