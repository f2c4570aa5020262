"""Scan each page for paid text while MkDocs renders the next one.

A forked process builds the leak guard's fingerprints and then scans every
page MkDocs has written, as it is told of them by `on_post_page` (one page
behind: when page N+1 is rendered, page N is on disk), remembering a hash of
exactly the bytes it scanned. Only paths go through the pipe, so MkDocs never
waits on it. After the build, a file in site/ whose bytes hash the same needs
no second look; everything else (search index, sitemap, feeds, assets, a page
another plugin rewrote, a page read while it was being written) is scanned then. Where forking is not
possible (see `toolkit.build.background`), nothing is scanned early and the final
scan covers every file.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import threading
from pathlib import Path
from typing import Iterable, Mapping

from toolkit.build.background import can_fork, receive_result, send_result, yield_cpu_to_parent
from toolkit.leakguard.scan import Fingerprints, Leak, SiteScan, scan_files, site_files

_END = b""


def page_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class PageScanner:
    """Fingerprints paid text and scans rendered pages in a second process."""

    def __init__(self, site_dir: Path, paid: Mapping[str, str], public: Iterable[str], paid_sources: Iterable[str]):
        self._site_dir = Path(site_dir)
        self._paid, self._public = dict(paid), list(public)
        self._sources = list(paid_sources)
        self._process = None
        self._pending: str | None = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            pages_in, self._pages_out = context.Pipe(duplex=False)
            self._results_in, results_out = context.Pipe(duplex=False)
            self._process = context.Process(target=self._child, args=(pages_in, results_out), daemon=True)
            self._process.start()
            pages_in.close()
            results_out.close()

    def feed(self, rel: str) -> None:
        """Tell the scanning process of the page about to be written; it reads the one before."""
        if self._process is None:
            return
        if self._pending is not None:
            self._pages_out.send_bytes(self._pending.encode())
        self._pending = rel

    def cancel(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def finish(self, site_dir: Path, trusted_dirs: Iterable[Path] = ()) -> tuple[list[Leak], int]:
        """Every leak in site_dir, and how many files were scanned after the build."""
        fingerprints, scanned = self._collect()
        site_dir = Path(site_dir)
        leaks: list[Leak] = []
        rest: list[Path] = []
        for path in site_files(site_dir, trusted_dirs):
            rel = path.relative_to(site_dir).as_posix()
            record = scanned.get(rel)
            if record is not None and page_digest(path.read_bytes()) == record[0]:
                leaks += record[1]
            else:
                rest.append(path)
        leaks += scan_files(site_dir, rest, fingerprints, self._sources)
        return leaks, len(rest)

    def _collect(self) -> tuple[Fingerprints, dict]:
        if self._process is None:
            return Fingerprints.build(self._paid, self._public), {}
        if self._pending is not None:
            self._pages_out.send_bytes(self._pending.encode())
        self._pages_out.send_bytes(_END)
        self._pages_out.close()
        return receive_result(self._results_in, self._process, "leak guard page scan")

    def _child(self, pages_in, results_out) -> None:
        # A thread empties the pipe while fingerprints are built, so MkDocs never waits on us.
        yield_cpu_to_parent()
        inbox: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=_drain, args=(pages_in, inbox), daemon=True).start()
        send_result(results_out, self._scan_pages, inbox)

    def _scan_pages(self, inbox: queue.SimpleQueue) -> tuple[Fingerprints, dict]:
        """Fingerprints, then every page named in `inbox` scanned, with the digest of what was read."""
        fingerprints = Fingerprints.build(self._paid, self._public)
        scan = SiteScan(fingerprints, self._sources)
        scanned = {}
        while (data := inbox.get()) != _END:
            rel = data.decode()
            try:
                raw = (self._site_dir / rel).read_bytes()
            except OSError:
                continue  # not written (yet): the final check scans it
            scanned[rel] = (page_digest(raw), scan.text(rel, raw.decode("utf-8", errors="replace")))
        return fingerprints, scanned


def _drain(pages_in, inbox: queue.SimpleQueue) -> None:
    while True:
        try:
            data = pages_in.recv_bytes()
        except EOFError:
            data = _END
        inbox.put(data)
        if data == _END:
            return
