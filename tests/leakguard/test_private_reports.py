"""A private operator's report (`folio report`) copied into a site is a leak, whatever text it holds."""

from __future__ import annotations

import gzip
import json

from toolkit.leakguard.private import PRIVATE_MARKER
from toolkit.leakguard.scan import Fingerprints, scan_site
from toolkit.report.content import COUNTS
from toolkit.report.output import report_files
from toolkit.report.strings import EN


def _document() -> dict:
    return {"schema": 1, "site": "S", "language": "en", "generated": "2026-12-01 00:00 UTC",
            "period": {"since": "2026-11-01", "until": "2026-11-30", "label": "2026-11"},
            "content": {"head": None, "read": [], "totals": dict.fromkeys(COUNTS, 0), "people": [], "courses": {},
                        "months": {}}}


def test_every_report_file_is_refused_in_a_site(tmp_path):
    site = tmp_path / "site"
    (site / "ops").mkdir(parents=True)
    (site / "index.html").write_text("<p>Welcome</p>", encoding="utf-8")
    names = []
    for name, data in report_files(_document(), EN).items():
        (site / "ops" / name).write_bytes(data)
        names.append(f"ops/{name}")
    (site / "ops" / "report.json.gz").write_bytes(gzip.compress((site / "ops" / "report.json").read_bytes()))
    leaks = scan_site(site, Fingerprints.build({"paid.md": "nothing paid here at all today"}))
    assert sorted(leak.file for leak in leaks) == sorted(names + ["ops/report.json.gz"])
    assert all("folio report" in leak.snippet and leak.page == "" for leak in leaks)


def test_the_marker_alone_makes_a_file_private(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "copy.json").write_text(json.dumps({"private": PRIVATE_MARKER}), encoding="utf-8")
    (site / "clean.json").write_text(json.dumps({"private": "folio-private"}), encoding="utf-8")
    leaks = scan_site(site, Fingerprints.build({"paid.md": "nothing paid here at all today"}))
    assert [leak.file for leak in leaks] == ["copy.json"]
