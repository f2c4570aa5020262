"""`folio serve` watches content/ and settles: writing the public tree never loops the rebuilds."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests import processes
from tests.loopback import free_port, http_body, wait_for
from tests.sites import write_site

FOLIO = Path(sys.executable).with_name("folio")



def test_serve_rebuilds_on_a_content_edit_and_then_settles(tmp_path):
    write_site(tmp_path, {"index.md": "# Home\n", "articles/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\n\n# A\n\n"
                          "First version of the text.\n"}, plugins=["search"])
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = processes.start([str(FOLIO), "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path, stdout=out,
                                 stderr=subprocess.STDOUT)
    try:
        page = f"http://127.0.0.1:{port}/articles/a/"
        assert wait_for(lambda: "First version" in (http_body(page) or ""), 60), log.read_text()
        source = tmp_path / "content/articles/a.md"
        source.write_text(source.read_text().replace("First version", "Second version"), encoding="utf-8")
        assert wait_for(lambda: "Second version" in (http_body(page) or ""), 60), log.read_text()
        # Settled: no new build for 2 s (a rebuild loop would rebuild every second or so), within 30 s.
        assert quiet_for(2.0, lambda: log.read_text().count("Documentation built"), 30), "rebuilds did not settle"
        builds = log.read_text().count("Documentation built")
        assert builds <= 3, log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        processes.stop(server)


def quiet_for(quiet: float, measure, seconds: float) -> bool:
    """True once `measure()` has not changed for `quiet` s; False if it is still changing after `seconds`."""
    deadline = time.monotonic() + seconds
    last, since = measure(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = measure()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
    return False
