"""Preview never contaminates: a `folio serve` session leaves gated/ as `folio build` wrote it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import processes
from tests.loopback import free_port, http_body, wait_for
from tests.gated.figures import figures_site
from toolkit.plugin.staging import build_site
from toolkit.errors import FolioError
from toolkit.gated.manifest import Manifest
from toolkit.store.publish import read_gated


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}




@pytest.mark.slow
def test_a_folio_serve_session_leaves_gated_publishable(tmp_path):
    config = figures_site(tmp_path)
    build_site(config)
    gated = tmp_path / "gated"
    before = tree(gated)
    port = free_port()
    serve = processes.start(
        [sys.executable, "-c", "from toolkit.cli import main; main()", "serve", "-f", str(config),
         "-a", f"127.0.0.1:{port}"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: http_body(f"http://127.0.0.1:{port}/") is not None)
        chapter = tmp_path / "content/courses/optics/02-mirrors.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAn edit made while previewing.\n",
                           encoding="utf-8")
        preview = tmp_path / ".folio-cache/gated-preview/manifest.json"
        assert wait_for(lambda: preview.is_file() and any(
            b"An edit made while previewing" in p.read_bytes()
            for p in (tmp_path / ".folio-cache/gated-preview/course/optics").glob("02-mirrors.*.html")))
    finally:
        output = processes.stop(serve, signal.SIGINT, timeout=30)  # Ctrl-C; killed if it does not stop
    assert "Traceback" not in output

    assert tree(gated) == before  # not one byte of gated/ changed
    assert read_gated(gated).objects  # what `folio publish` checks: a production build, files as listed
    assert Manifest.load(preview).build == "preview"
    with pytest.raises(FolioError, match="refusing to publish a preview build"):
        read_gated(preview.parent)
