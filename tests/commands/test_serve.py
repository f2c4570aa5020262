"""`folio serve`: a port already taken is a clear sentence, and Ctrl-C stops it however it was started."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests import processes, sites
from tests.loopback import wait_for
from toolkit.cli import main

PAGES = {"index.md": "# Home\n\nWelcome.\n"}


@pytest.fixture
def taken_port():
    """A port someone listens on (as a preview still running would)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize("sandbox", [False, True], ids=["serve", "sandbox"])
def test_a_taken_port_is_named_with_a_free_one_to_pass_and_nothing_starts(tmp_path, monkeypatch, taken_port,
                                                                          sandbox):
    sites.write_site(tmp_path, PAGES)
    monkeypatch.chdir(tmp_path)
    args = ["serve", "--dev-addr", f"127.0.0.1:{taken_port}"] + (["--sandbox"] if sandbox else [])

    result = CliRunner().invoke(main, args)

    assert result.exit_code == 1
    assert f"127.0.0.1:{taken_port} is already in use" in result.output
    command = "folio serve --sandbox --dev-addr" if sandbox else "folio serve --dev-addr"
    suggested = int(result.output.split(f"{command} 127.0.0.1:", 1)[1].split()[0].rstrip("."))
    assert suggested != taken_port and 0 < suggested < 65536
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert ("make serve ADDR=127.0.0.1:" in result.output) == sandbox  # `make serve` runs the sandbox
    assert "Site " not in result.output  # no URL printed for a sandbox that is not running
    assert not (tmp_path / ".folio/sandbox").exists()


def _ignore_sigint() -> None:
    """What `nohup`, or a script's background job, hands its children: SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_ctrl_c_stops_folio_serve_even_when_it_started_with_sigint_ignored(tmp_path, folio_env):
    sites.write_site(tmp_path, PAGES)
    with socket.socket() as probe:  # a port for the server; released just before it starts
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "from toolkit.cli import main; main()", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=tmp_path, env=folio_env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_ignore_sigint,
            start_new_session=True)
    try:
        assert wait_for(lambda: "Serving on" in log.read_text(), 60), log.read_text()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0, log.read_text()
    finally:
        processes.kill_group(server) if server.poll() is None else None
    assert "Traceback" not in log.read_text()
