"""Preview never contaminates: a `folio serve` session leaves gated/ as `folio build` wrote it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.loopback import free_port
from tests.gated.figures import figures_site
from toolkit.plugin.staging import build_site
from toolkit.errors import FolioError
from toolkit.gated.manifest import Manifest
from toolkit.store.publish import read_gated


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(check, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError("timed out")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
def test_a_folio_serve_session_leaves_gated_publishable(tmp_path):
    config = figures_site(tmp_path)
    build_site(config)
    gated = tmp_path / "gated"
    before = tree(gated)
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-c", "from toolkit.cli import main; main()", "serve", "-f", str(config),
         "-a", f"127.0.0.1:{port}"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/"))
        chapter = tmp_path / "content/courses/optics/02-mirrors.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAn edit made while previewing.\n",
                           encoding="utf-8")
        preview = tmp_path / ".folio-cache/gated-preview/manifest.json"
        wait_for(lambda: preview.is_file() and any(
            b"An edit made while previewing" in p.read_bytes()
            for p in (tmp_path / ".folio-cache/gated-preview/course/optics").glob("02-mirrors.*.html")))
    finally:
        serve.send_signal(signal.SIGINT)
        output = serve.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output

    assert tree(gated) == before  # not one byte of gated/ changed
    assert read_gated(gated).objects  # what `folio publish` checks: a production build, files as listed
    assert Manifest.load(preview).build == "preview"
    with pytest.raises(FolioError, match="refusing to publish a preview build"):
        read_gated(preview.parent)
