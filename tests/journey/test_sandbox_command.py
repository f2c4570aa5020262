"""`folio serve --sandbox`: one command starts everything on 127.0.0.1; Ctrl-C leaves nothing behind."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.journey.stack_fixtures import write_tiny_site
from tests import processes
from tests.loopback import free_port, wait_for

READY = "Ctrl-C stops everything."
URL_LINE = re.compile(r"^(Site|Gate|Mail|Stripe|S3)\s+(http://127\.0\.0\.1:\d+)")


def session_members(session_id: int) -> list[int]:
    """Processes still alive in a session (what `start_new_session` put the command and its children in)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id and fields[0] != "Z":  # fields[3]: session id; Z: a zombie
            alive.append(int(stat.parent.name))
    return alive


def port_open(url: str) -> bool:
    host, port = url.split("//", 1)[1].split(":")
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, int(port))) == 0


@pytest.mark.slow
def test_the_sandbox_starts_everything_and_ctrl_c_stops_it_all(tmp_path, folio_env, venv_bin):
    config = write_tiny_site(tmp_path / "site")
    command = [str(venv_bin / "folio"), "serve", "--sandbox", "-f", str(config), "-a", f"127.0.0.1:{free_port()}"]
    process = processes.start(command, cwd=config.parent, env=folio_env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    urls, output = {}, []
    try:
        deadline = time.monotonic() + 120
        for line in process.stdout:
            output.append(line)
            found = URL_LINE.match(line.strip())
            if found:
                urls[found.group(1)] = found.group(2)
            if READY in line or time.monotonic() > deadline:
                break
        assert set(urls) == {"Site", "Gate", "Mail", "Stripe", "S3"}, "".join(output)
        assert wait_for(lambda: port_open(urls["Site"]), 90)  # MkDocs builds the site once more before it listens
        site = urllib.request.urlopen(urls["Site"] + "/courses/c/02-deeper/").read().decode()
        assert "Sandbox" in site and urls["Gate"] + "/checkout/course:c" in site
        assert "Sandbox" in urllib.request.urlopen(urls["Gate"] + "/signin").read().decode()
        assert "Sandbox" in urllib.request.urlopen(urls["Mail"]).read().decode()
        assert "Sandbox" in urllib.request.urlopen(urls["Stripe"]).read().decode()
    finally:
        rest = processes.stop(process, signal.SIGINT, timeout=30)  # Ctrl-C; killed if it does not stop
    assert process.returncode == 0, "".join(output) + rest
    assert "Sandbox stopped." in rest
    assert "Traceback" not in "".join(output) + rest
    assert [name for name, url in urls.items() if port_open(url)] == []
    assert session_members(process.pid) == []


def test_the_sandbox_listens_only_on_loopback(tmp_path, folio_env, venv_bin):
    config = write_tiny_site(tmp_path / "site")
    result = processes.run([str(venv_bin / "folio"), "serve", "--sandbox", "-f", str(config), "-a", "0.0.0.0:8000"],
                           cwd=config.parent, env=folio_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "only listens on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr
