"""`folio serve --builder zensical`: Zensical's server shows the public tree, and an edit in content/ reaches it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import processes
from tests.conftest import copy_example
from tests.loopback import free_port, http_body, wait_for

FOLIO = Path(sys.executable).with_name("folio")
LOCKED = "courses/async-python/04-structured-concurrency"



def zensical_children(pid: int) -> list[int]:
    """Running `zensical serve` processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"zensical" in command:
            found.append(int(stat.parent.name))
    return found


def test_serve_with_zensical_shows_the_paywall_and_follows_an_edit_then_stops(tmp_path, folio_env):
    root = copy_example(tmp_path / "site")
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = processes.start([str(FOLIO), "serve", "--builder", "zensical", "-a", f"127.0.0.1:{port}"],
                                 cwd=root, stdout=out, stderr=subprocess.STDOUT, env=folio_env)
    children: list[int] = []
    try:
        page = f"http://127.0.0.1:{port}/{LOCKED}/"
        assert wait_for(lambda: 'id="folio-paywall"' in (http_body(page) or ""), 60), log.read_text()
        assert wait_for(lambda: "Buy the course" in (http_body(page) or ""), 30)
        source = root / f"content/{LOCKED}.md"
        source.write_text(source.read_text(encoding="utf-8").replace("# Structured concurrency",
                                                                     "# Structured concurrency, revised"),
                          encoding="utf-8")
        assert wait_for(lambda: "Structured concurrency, revised" in (http_body(page) or ""), 60), log.read_text()
        # Zensical may be writing the page again as we ask (an empty answer): ask until it serves one.
        assert wait_for(lambda: (http_body(page) or "").count('id="folio-paywall"') == 1, 30), (http_body(page) or "")[:2000]
        children = zensical_children(server.pid)
        assert children
    finally:
        processes.stop(server)
    assert server.returncode is not None
    for child in children:  # Zensical's server ends with Folio's
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1][:3]
    assert "Traceback" not in log.read_text()
