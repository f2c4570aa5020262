"""Build speed: `folio build` against plain `mkdocs build` on the same generated site.

Both builds run in this process, alternating, on a generated site of 300+
pages with a third of them paid. The baseline is the same mkdocs.yml with the
folio plugin removed (Material theme, search, same pages). Reported:

- cold: gated/, the public tree (.folio/public) and .folio-cache/ (cached renderings,
  asset hashes) removed before each folio build: a first build on a fresh clone, with
  everything written, rendered and packed;
- warm: rebuild with unchanged content (gated products, renderings and the public tree reused);
- the plugin's own phases: content (load, validate, split), gated output (on the
  second core), and the leak guard's share after the build (its fingerprints were
  built on the second core while MkDocs rendered; the scan of site/ is what is left);
- the leak guard's share of a whole build of the repository's example site.

    python benchmarks/bench_build.py [--pages 300] [--runs 15]

Each run builds plain, then cold, then unchanged, and one more plain build ends the
sitting, so every folio build sits between two plain builds. Its ratio is its time over
the mean of those two (a machine whose speed drifts, as a shared VM's does, then cancels
out to first order); a figure is the median of those ratios over the runs. Seconds are
medians.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitegen import generate_site, write_plain_mkdocs_yml  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "build.json"
REPO = Path(__file__).resolve().parent.parent


def example_site_share(tmp: Path, runs: int) -> dict:
    """The leak guard's share of a whole `folio build` of the repository's example site."""
    copy = tmp / "example"
    copy.mkdir()
    for name in ("mkdocs.yml", "content", "theme", ".folio/public/README.md"):
        source = REPO / name
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
    totals, scans = [], []
    for _ in range(runs):
        seconds, plugin = timed_build(copy / "mkdocs.yml", tmp / "example-site")
        totals.append(seconds)
        scans.append(plugin.timings["leakguard"])
    total, scan = statistics.median(totals), statistics.median(scans)
    return {"build_s": round(total, 3), "leakguard_s": round(scan, 4), "leakguard_share": round(scan / total, 4)}


def timed_build(config_file: Path, site_dir: Path):
    """Seconds for one MkDocs build of `config_file`, and the folio plugin (or None)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir))
    # Every build starts from a collected heap: garbage left by the build before it (a folio build's
    # is larger) must not be collected on the next build's time.
    gc.collect()
    started = time.perf_counter()
    build(config)
    elapsed = time.perf_counter() - started
    return elapsed, config["plugins"].get("folio")


def _quartiles(values: list[float]) -> list[float]:
    """The first and third quartiles of `values` (both the value itself for a single run)."""
    if len(values) < 2:
        return [round(values[0], 3)] * 2 if values else []
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return [round(q1, 3), round(q3, 3)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as tmp:
        root = generate_site(Path(tmp) / "site-src", pages=args.pages)
        plain = write_plain_mkdocs_yml(root)
        folio_yml = root / "mkdocs.yml"
        gated = root / "gated"
        timed_build(plain, Path(tmp) / "warmup")  # imports, theme caches: not part of any figure
        baseline, cold, warm, phases = [], [], [], []
        for _ in range(args.runs):
            baseline.append(timed_build(plain, Path(tmp) / "plain")[0])
            # Cold: as on a fresh clone. No gated/, no cached renderings or asset hashes, an empty
            # public tree (every page and asset written again).
            shutil.rmtree(gated, ignore_errors=True)
            shutil.rmtree(root / ".folio-cache", ignore_errors=True)
            shutil.rmtree(root / ".folio" / "public", ignore_errors=True)
            (root / ".folio" / "public").mkdir(parents=True)
            seconds, plugin = timed_build(folio_yml, Path(tmp) / "folio")
            cold.append(seconds)
            phases.append(dict(plugin.timings))
            warm.append(timed_build(folio_yml, Path(tmp) / "folio")[0])
        after = timed_build(plain, Path(tmp) / "plain")[0]  # the plain build after the last run's folio builds
        pages = len(plugin.site.pages)
        locked = len(plugin.public.locked)
        example = example_site_share(Path(tmp), args.runs)

    # Each folio build against the mean of the plain builds just before and just after it.
    around = [(before + later) / 2 for before, later in zip(baseline, baseline[1:] + [after])]
    cold_ratios = [c / b for c, b in zip(cold, around)]
    warm_ratios = [w / b for w, b in zip(warm, around)]
    base = statistics.median(baseline + [after])
    phase = {k: statistics.median(p.get(k, 0.0) for p in phases)
             for k in ("content", "gated", "leakguard")}
    result = {
        "pages": pages, "locked_pages": locked, "runs": args.runs,
        "mkdocs_build_s": round(base, 3),
        "folio_build_cold_s": round(statistics.median(cold), 3),
        "folio_build_warm_s": round(statistics.median(warm), 3),
        # Each folio build against the plain builds around it, then the median of those ratios: on a
        # machine whose speed drifts (a shared VM), pairing cancels the drift.
        "ratio_cold": round(statistics.median(cold_ratios), 3),
        "ratio_warm": round(statistics.median(warm_ratios), 3),
        # The middle half of the runs' ratios: how far one sitting's median can be trusted.
        "ratio_cold_iqr": _quartiles(cold_ratios),
        "ratio_warm_iqr": _quartiles(warm_ratios),
        "ratios_cold_per_run": [round(r, 3) for r in cold_ratios],
        "ratios_warm_per_run": [round(r, 3) for r in warm_ratios],
        # The fastest build of each kind against the fastest plain build. Other processes on the machine
        # only ever add time, so the minimum is each build's cost with the least interference (the
        # reasoning behind `timeit` reporting the minimum); shown beside the paired median.
        "ratio_cold_fastest": round(min(cold) / min(baseline + [after]), 3),
        "ratio_warm_fastest": round(min(warm) / min(baseline + [after]), 3),
        "per_run_seconds": {"plain": [round(b, 3) for b in baseline + [after]], "cold": [round(c, 3) for c in cold],
                            "warm": [round(w, 3) for w in warm]},
        "phases_cold_s": {k: round(v, 3) for k, v in phase.items()},
        "leakguard_share_of_build": round(phase["leakguard"] / statistics.median(cold), 4),
        "example_site": example,
    }
    rows = [
        ("plain mkdocs build (baseline)", result["mkdocs_build_s"], 1.0),
        ("folio build, cold (as on a fresh clone)", result["folio_build_cold_s"], result["ratio_cold"]),
        ("folio build, unchanged rebuild", result["folio_build_warm_s"], result["ratio_warm"]),
        ("folio build, cold, fastest of the runs", min(cold), result["ratio_cold_fastest"]),
        ("folio build, unchanged, fastest of the runs", min(warm), result["ratio_warm_fastest"]),
        ("  phase: content (load, split, write public tree)", result["phases_cold_s"]["content"], phase["content"] / base),
        ("  phase: gated output, cold (2nd core)", result["phases_cold_s"]["gated"], phase["gated"] / base),
        ("  phase: leak guard, after the build", result["phases_cold_s"]["leakguard"], phase["leakguard"] / base),
    ]
    print(f"{pages} pages, {locked} locked; median of {args.runs} runs (ratios: median of each folio build "
          f"over the mean of the plain builds just before and after it)")
    print("gated output and leak-guard fingerprints run in forked processes while MkDocs renders (Linux);")
    print("the leak guard row is the scan of the finished site/, after the build")
    print(f"(fastest rows: each kind's fastest build over the fastest plain build, {min(baseline + [after]):.3f} s)")
    print(f"{'measure':<44}{'seconds':>10}{'x baseline':>12}")
    for name, seconds, ratio in rows:
        print(f"{name:<44}{seconds:>10.3f}{ratio:>12.3f}")
    print(f"middle half of the runs' ratios: cold {result['ratio_cold_iqr'][0]:.3f}-{result['ratio_cold_iqr'][1]:.3f}, "
          f"unchanged {result['ratio_warm_iqr'][0]:.3f}-{result['ratio_warm_iqr'][1]:.3f}")
    print(f"example site: folio build {example['build_s']:.3f} s, leak scan {example['leakguard_s'] * 1000:.0f} ms "
          f"= {example['leakguard_share']:.1%} of the build")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
