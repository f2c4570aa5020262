"""Publish a gated/ folder to a local S3 server, then republish it unchanged.

    python benchmarks/bench_publish.py [--gated DIR] [--out benchmarks/results/publish.json]

The first publish is the baseline; the unchanged republish is reported as a
ratio of it (requests, bytes, seconds), measured in the same run. Without
--gated the generated 300-page site is built (benchmarks/sitegen.py +
`folio build`); if that is not possible, a synthetic gated/ of about 100 pages
and their bundles is written instead, and the report says so.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def built_site_gated(workdir: Path) -> tuple[Path, str] | None:
    """gated/ of the generated 300-page site, or None when it cannot be built here."""
    if not (REPO / "benchmarks" / "sitegen.py").is_file():
        return None
    site = workdir / "site"
    try:
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "sitegen.py"), str(site), "--pages", "300"],
                       check=True, capture_output=True)
        folio = ["-c", "from toolkit.cli import main; main()"]
        subprocess.run([sys.executable, *folio, "build", "-f", str(site / "mkdocs.yml")],
                       check=True, capture_output=True, cwd=site)
    except subprocess.CalledProcessError as error:
        print(f"note: could not build the generated site ({error.stderr.decode()[-200:].strip()})", file=sys.stderr)
        return None
    gated = site / "gated"
    return (gated, "generated 300-page site") if (gated / "manifest.json").is_file() else None


def synthetic_gated(workdir: Path) -> tuple[Path, str]:
    """About 100 paid pages of ~20 KB in five courses, with their zip and EPUB bundles."""
    from tests.gatedsite import GatedSite

    site = GatedSite.sample(workdir / "gated", pages_per_course=20, courses=5, padding=20_000)
    site.write()
    return site.root, "synthetic gated/ (5 courses x 20 pages + membership)"


def publish_twice(gated: Path) -> list[dict]:
    """Reports of a first publish into an empty bucket and of an unchanged republish."""
    from moto.server import ThreadedMotoServer

    from toolkit.store.publish import PublishOptions, publish
    from toolkit.store.client import StorageSettings, make_client

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        settings = StorageSettings.from_mapping(
            {"bucket": "folio-bench", "prefix": "v1/", "region": "us-east-1",
             "endpoint_url": f"http://{host}:{port}"}, environ={})
        options = PublishOptions(create_bucket=True)
        return [publish(make_client(settings), settings, gated, options).as_json() for _ in range(2)]
    finally:
        server.stop()


def summarize(reports: list[dict], source: str, gated: Path) -> dict:
    first, second = reports
    runs = [{"run": name, "objects_uploaded": r["uploaded"]["count"], "bytes_uploaded": r["uploaded"]["bytes"],
             "requests": r["requests"], "seconds": r["seconds"]}
            for name, r in zip(("first publish", "unchanged republish"), reports)]
    return {
        "source": source,
        "gated_objects": first["uploaded"]["count"] + first["skipped"]["count"],
        "gated_bytes": sum(p.stat().st_size for p in gated.rglob("*") if p.is_file()),
        "runs": runs,
        "republish_vs_first": {
            "requests": round(second["requests"] / first["requests"], 4),
            "seconds": round(second["seconds"] / first["seconds"], 4),
            "bytes": second["uploaded"]["bytes"] / first["uploaded"]["bytes"],
        },
    }


def print_table(result: dict) -> None:
    print(f"{result['source']}: {result['gated_objects']} objects, {result['gated_bytes'] / 1e6:.1f} MB")
    print(f"{'run':<22}{'uploaded':>10}{'bytes':>14}{'requests':>10}{'seconds':>10}")
    for run in result["runs"]:
        print(f"{run['run']:<22}{run['objects_uploaded']:>10}{run['bytes_uploaded']:>14,}"
              f"{run['requests']:>10}{run['seconds']:>10.3f}")
    ratio = result["republish_vs_first"]
    print(f"republish / first: requests x{ratio['requests']}, seconds x{ratio['seconds']}, bytes x{ratio['bytes']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gated", type=Path, help="A gated/ folder with manifest.json (default: build one).")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "publish.json")
    args = parser.parse_args(argv)
    os.environ.update(FAKE_CREDENTIALS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    with tempfile.TemporaryDirectory() as tmp:
        if args.gated:
            gated, source = args.gated, str(args.gated)
        else:
            gated, source = built_site_gated(Path(tmp)) or synthetic_gated(Path(tmp))
        result = summarize(publish_twice(gated), source, gated)
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
