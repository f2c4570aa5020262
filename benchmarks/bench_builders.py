"""Builders: `folio build --builder zensical` against plain `zensical build` and plain `mkdocs build`.

One generated site (sitegen), built as a user builds it, each as its own command (so every row
pays its own start-up): plain `mkdocs build` and plain `zensical build` of content/ without Folio
(the same pages, paid text and all: the baseline), `folio build --builder zensical` and
`folio build --builder mkdocs` (public tree, leak guard, gated/, swap). Every build is a rebuild
with unchanged content (after one warm-up build of each kind): the common case while writing, and
each builder keeps its own caches (Zensical's .cache/, Folio's .folio-cache/).

Goal (issue 26): folio --builder zensical <= 1.2x plain Zensical, and below plain MkDocs.

    python benchmarks/bench_builders.py [--pages 60] [--runs 3]

Each run builds plain Zensical, folio --builder zensical, plain MkDocs, folio --builder mkdocs in
turn; a ratio is a folio build over the plain build of the same run (a shared machine's drift
cancels to first order), and each figure is the median over the runs. Seconds are medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitegen import generate_site, write_plain_mkdocs_yml  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "builders.json"
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="folio-bench-builders-") as tmp:
        root = generate_site(Path(tmp) / "site", pages=args.pages)
        plain = write_plain_mkdocs_yml(root)
        plain_zensical = root / "zensical-plain.yml"
        config = yaml.safe_load(plain.read_text(encoding="utf-8"))
        config["site_dir"] = "site-zensical-plain"
        plain_zensical.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        kinds = {
            "plain zensical build": [str(BIN / "zensical"), "build", "-f", str(plain_zensical)],
            "folio build --builder zensical": [str(BIN / "folio"), "build", "--builder", "zensical",
                                               "-d", str(root / "site-folio-zensical")],
            "plain mkdocs build": [str(BIN / "mkdocs"), "build", "-q", "-f", str(plain), "-d",
                                   str(root / "site-mkdocs-plain")],
            "folio build --builder mkdocs": [str(BIN / "folio"), "build", "-d", str(root / "site-folio-mkdocs")],
        }
        for command in kinds.values():
            timed(command, root)  # warm-up: caches filled, imports compiled
        seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(args.runs):
            for kind, command in kinds.items():
                seconds[kind].append(timed(command, root))
        pages = sum(1 for _ in (root / "content").rglob("*.md"))
        shutil.rmtree(root, ignore_errors=True)

    def ratio(kind: str, base: str) -> float:
        return round(statistics.median(a / b for a, b in zip(seconds[kind], seconds[base])), 3)

    result = {
        "pages": pages, "runs": args.runs,
        "seconds": {kind: round(statistics.median(values), 3) for kind, values in seconds.items()},
        "per_run_seconds": {kind: [round(v, 3) for v in values] for kind, values in seconds.items()},
        "folio_zensical_over_plain_zensical": ratio("folio build --builder zensical", "plain zensical build"),
        "folio_zensical_over_plain_mkdocs": ratio("folio build --builder zensical", "plain mkdocs build"),
        "folio_mkdocs_over_plain_mkdocs": ratio("folio build --builder mkdocs", "plain mkdocs build"),
        "goal": "folio --builder zensical <= 1.2x plain zensical, and < 1.0x plain mkdocs",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{pages} pages, {args.runs} runs (median seconds; ratio = median of per-run ratios)")
    print(f"{'build':34} {'seconds':>8}")
    for kind, value in result["seconds"].items():
        print(f"{kind:34} {value:8.3f}")
    print(f"folio --builder zensical / plain zensical: {result['folio_zensical_over_plain_zensical']:.2f}x  (goal <= 1.2x)")
    print(f"folio --builder zensical / plain mkdocs:   {result['folio_zensical_over_plain_mkdocs']:.2f}x  (goal < 1.0x)")
    print(f"folio --builder mkdocs   / plain mkdocs:   {result['folio_mkdocs_over_plain_mkdocs']:.2f}x")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
