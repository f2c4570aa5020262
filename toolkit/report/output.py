"""Where a report goes and how it is written: a private folder, swapped in whole.

The default folder is `.folio/report/` beside mkdocs.yml (git-ignored, outside site/).
A folder inside site_dir, docs_dir or the content folder is refused: what is there gets
published. Each report is written to a temporary folder next to its final place, then
renamed into place, so a failed run never leaves a half-written report where a good one was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from toolkit.errors import FolioError
from toolkit.leakguard.private import PRIVATE_MARKER
from toolkit.report import csv_files, html_page

DEFAULT_OUT = Path(".folio") / "report"


def check_out_dir(out_dir: Path, published: dict[str, Path]) -> Path:
    """Return `out_dir` resolved; FolioError if it lies inside a folder that gets published."""
    out = Path(out_dir).resolve()
    for name, folder in published.items():
        folder = Path(folder).resolve()
        if out == folder or folder in out.parents:
            raise FolioError(f"--out {out_dir}: that folder is inside {name} ({folder}), which is published; "
                             f"a report is private. Write it elsewhere, e.g. --out {DEFAULT_OUT}")
    return out


def report_files(document: dict, strings: dict[str, str]) -> dict[str, bytes]:
    """Every file of one report, by name."""
    files = {
        "index.html": html_page.render(document, strings).encode("utf-8"),
        "report.json": (json.dumps({"private": PRIVATE_MARKER, **document}, ensure_ascii=False, indent=1) + "\n")
        .encode("utf-8"),
        "contributors.csv": csv_files.contributors_csv(document),
    }
    if "revenue" in document and not document["revenue"].get("skipped"):
        files["revenue.csv"] = csv_files.revenue_csv(document)
    if document.get("payouts"):
        files["payouts.csv"] = csv_files.payouts_csv(document)
        files["payouts.html"] = html_page.payouts_page(document, strings).encode("utf-8")
    return files


def write_report(out: Path, label: str, files: dict[str, bytes]) -> Path:
    """Write the files into `out/label/`, replacing an earlier report of that period only when all are written."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / label
    work = Path(tempfile.mkdtemp(prefix=f".{label}.writing-", dir=out))
    try:
        for name, data in files.items():
            with open(work / name, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(work, 0o755)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{label}.old-", dir=out))
        os.rename(target, old / label)
    try:
        os.rename(work, target)
    except BaseException:
        if old is not None:
            os.rename(old / label, target)  # the good report goes back
        shutil.rmtree(work, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
