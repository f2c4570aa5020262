"""`folio serve --builder zensical`: Zensical's own server on the public tree, rewritten on every edit.

Zensical watches its docs_dir (the public tree) and rebuilds what changed; Folio watches the
authors' content/ and rewrites the tree (teasers, headers, paywalls, the allow-listed files) when
a file there changes. An edit that Folio refuses (bad front matter, a paid include) is reported and
the tree, so the preview, stays as it was. The preview runs neither the leak guard nor gated/:
the tree holds only public text, and `folio build --builder zensical` checks the output.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

from toolkit.errors import FolioError
from toolkit.plugin.pipeline import ZensicalSite

SETTLE_SECONDS = 0.2  # editors write a file in several steps: rewrite once they are done


def serve_with_zensical(config_file, dev_addr: str, strict: bool, echo: Callable[..., None]) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    from toolkit.plugin import builders

    site = ZensicalSite(config_file, strict=strict, command="serve")
    try:
        generated = site.write_tree()
    finally:
        site.release_lock()
    changed = threading.Event()

    class Edits(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in ("created", "modified", "deleted", "moved"):
                changed.set()

    observer = Observer()
    observer.schedule(Edits(), str(site.plugin.tree.content_dir), recursive=True)
    observer.start()
    server = subprocess.Popen(builders.zensical_command() + ["serve", "-f", str(generated), "-a", dev_addr],
                              cwd=generated.parent)
    echo(f"Serving {site.plugin.tree.content_dir} with Zensical on http://{dev_addr}/ (Ctrl-C stops it)")
    try:
        while server.poll() is None:
            if not changed.wait(0.5):
                continue
            time.sleep(SETTLE_SECONDS)
            changed.clear()
            try:
                site.write_tree()
                echo("Folio: public tree rewritten; Zensical rebuilds it")
            except FolioError as exc:
                echo(f"Error: {exc}\nThe preview keeps the last good tree.", err=True)
            finally:
                site.release_lock()
        if server.returncode:
            raise FolioError(f"zensical serve stopped (exit {server.returncode})")
    finally:
        observer.stop()
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        observer.join(5)
