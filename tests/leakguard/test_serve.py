"""A leak during `folio serve` shows the leak report and the preview keeps serving the last
build without leaks (the leaky build is never served, not even locally)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests import sites
from tests import processes
from tests.loopback import free_port, wait_for
from tests.sites import PAID_MARKERS, PAID_SENTENCE

FOLIO = Path(sys.executable).with_name("folio")
LOCKED_SRC = "courses/leaklab/02-locked.md"
PLANTED = f"Paragraph {PAID_MARKERS['paragraph']} continues. {PAID_SENTENCE}"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def test_leak_during_serve_is_reported_and_the_last_good_site_stays_served(tmp_path):
    # notes.txt is published although no page links it, so only the leak guard stands in the way.
    sites.adversarial_site(tmp_path, plugins=["search"], folio={"public_files": ["/notes.txt"]})
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env["TMPDIR"] = str(tmp_path / "tmp")  # the preview's own temporary folders, checked below
    (tmp_path / "tmp").mkdir()
    with log.open("w") as out:
        server = processes.start([str(FOLIO), "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path, env=env,
                                 stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: status(base) == 200), log.read_text()
        (tmp_path / "content/notes.txt").write_text(PLANTED + "\n", encoding="utf-8")
        assert wait_for(lambda: "notes.txt: paid text of" in log.read_text()), log.read_text()
        assert wait_for(lambda: "The preview keeps serving the last build without leaks" in log.read_text(), 30)
        output = log.read_text()
        assert f"notes.txt: paid text of {LOCKED_SRC}" in output and "What to do:" in output
        assert status(base) == 200  # the last good site, still served
        assert status(base + "courses/leaklab/01-intro/") == 200
        assert status(base + "notes.txt") == 404  # the leaky build is not
        assert "Traceback" not in output
    finally:
        processes.stop(server)  # SIGTERM; killed if it does not stop, and the test fails
    # Stopped with SIGTERM, as a service manager does: the preview's site and the copy of its last
    # good build are removed, not left behind in the temporary folder.
    assert list((tmp_path / "tmp").iterdir()) == []
