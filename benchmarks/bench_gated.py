"""Gated output on an image-heavy course: build time against plain `mkdocs build`, and size.

A generated course (30 chapters, ~150 MB of figures, formulas, Chinese text) is built
in this process, alternating with the same site under plain `mkdocs build` (Material,
no folio plugin: every image copied to site/). Reported, median of --runs:

- cold: gated/ and its page cache emptied before the folio build;
- unchanged: a rebuild with nothing changed;
- one-chapter edit: one paid chapter edited, then rebuilt (and how many gated pages
  were rendered: the goal is exactly one);
- size: gated/ against the course's unique assets (and what it is made of);
- assembly: what `folio publish` spends writing the zip and the EPUB from their pack
  lists (not part of any build; shown for what it moves out of the build).

    python benchmarks/bench_gated.py [--chapters 30] [--megabytes 150] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coursegen import generate_course, unique_asset_bytes  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "gated.json"
GOALS = {"ratio_cold": 1.3, "ratio_unchanged": 1.05, "pages_rendered_after_edit": 1, "size_ratio": 1.1}


def timed_build(config_file: Path, site_dir: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    started = time.perf_counter()
    build(config)
    return time.perf_counter() - started, config["plugins"].get("folio")


def folder_bytes(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file())


def paired(folio: list[float], plain: list[float]) -> float:
    return round(statistics.median(f / b for f, b in zip(folio, plain)), 3)


def assemble_downloads(gated: Path, folder: Path) -> tuple[float, int]:
    """Seconds and bytes for assembling every download, as `folio publish` does."""
    from toolkit.gated.pack import Pack, assemble

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for pack_file in sorted(gated.rglob("*.pack")):
        assemble(Pack.from_bytes(pack_file.read_bytes(), str(pack_file)), gated,
                 folder / pack_file.name.removesuffix(".pack"))
    return time.perf_counter() - started, folder_bytes(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=30)
    parser.add_argument("--megabytes", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "course"
        started = time.perf_counter()
        config = generate_course(root, args.chapters, args.megabytes)
        generated = time.perf_counter() - started
        plain = root / "mkdocs-plain.yml"
        gated, cache = root / "gated", root / ".folio-cache/gated"
        edited = root / f"content/courses/optics/ch{max(2, args.chapters // 2 + 2):02d}.md"
        timed_build(plain, tmp / "warmup")  # imports and theme caches are not part of any figure
        baseline, cold, unchanged, edit, rendered, gated_phase = [], [], [], [], [], []
        for run in range(args.runs):
            baseline.append(timed_build(plain, tmp / "plain")[0])
            shutil.rmtree(gated, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            seconds, plugin = timed_build(config, tmp / "folio")
            cold.append(seconds)
            gated_phase.append(plugin.timings.get("gated", 0.0))
            unchanged.append(timed_build(config, tmp / "folio")[0])
            edited.write_text(edited.read_text(encoding="utf-8") + f"\nAn edit, run {run}.\n", encoding="utf-8")
            seconds, plugin = timed_build(config, tmp / "folio")
            edit.append(seconds)
            rendered.append(len(plugin.gated_rendered))
        assets = unique_asset_bytes(root / "content")
        sizes = {
            "assets": folder_bytes(gated / "assets"),
            "pages": folder_bytes(gated / "course", "*.html"),
            "zip pack list": folder_bytes(gated / "course", "*.zip.pack"),
            "epub pack list": folder_bytes(gated / "course", "*.epub.pack"),
            "manifest": (gated / "manifest.json").stat().st_size,
        }
        total = folder_bytes(gated)
        assembly, downloads = assemble_downloads(gated, tmp / "downloads")

    base = statistics.median(baseline)
    result = {
        "chapters": args.chapters, "unique_asset_bytes": assets, "runs": args.runs,
        "generate_s": round(generated, 2),
        "mkdocs_build_s": round(base, 3),
        "folio_cold_s": round(statistics.median(cold), 3),
        "folio_unchanged_s": round(statistics.median(unchanged), 3),
        "folio_one_chapter_edit_s": round(statistics.median(edit), 3),
        "gated_phase_cold_s": round(statistics.median(gated_phase), 3),
        # Each run's folio builds against that run's plain build, then the median: this machine's
        # speed drifts from minute to minute, so a ratio of medians mixes different minutes.
        "ratio_cold": paired(cold, baseline),
        "ratio_unchanged": paired(unchanged, baseline),
        "ratio_one_chapter_edit": paired(edit, baseline),
        "per_run_seconds": {"plain": baseline, "cold": cold, "unchanged": unchanged, "edit": edit},
        "pages_rendered_after_edit": max(rendered),
        "gated_bytes": total, "gated_parts_bytes": sizes,
        "size_ratio": round(total / assets, 3),
        "publish_assembly_s": round(assembly, 3), "download_bytes": downloads,
        "goals": GOALS,
    }
    mb = 1024 * 1024
    rows = [
        ("plain mkdocs build (baseline)", f"{base:.3f} s", "1.000"),
        ("folio build, cold gated/", f"{result['folio_cold_s']:.3f} s", f"{result['ratio_cold']:.3f}"),
        ("  of which gated/ (2nd core)", f"{result['gated_phase_cold_s']:.3f} s", ""),
        ("folio build, unchanged", f"{result['folio_unchanged_s']:.3f} s", f"{result['ratio_unchanged']:.3f}"),
        ("folio build, one chapter edited", f"{result['folio_one_chapter_edit_s']:.3f} s",
         f"{result['ratio_one_chapter_edit']:.3f}"),
        ("gated pages rendered after the edit", str(result["pages_rendered_after_edit"]), ""),
        ("unique assets of the course", f"{assets / mb:.1f} MB", "1.000"),
        ("gated/ in all", f"{total / mb:.1f} MB", f"{result['size_ratio']:.3f}"),
    ] + [(f"  {name}", f"{size / mb:.1f} MB", f"{size / assets:.3f}") for name, size in sizes.items()] + [
        ("publish: zip + EPUB assembled", f"{assembly:.3f} s", f"{assembly / base:.3f}"),
        ("  their size", f"{downloads / mb:.1f} MB", f"{downloads / assets:.3f}"),
    ]
    print(f"{args.chapters} chapters, {assets / mb:.0f} MB of figures; median of {args.runs} runs "
          "(ratios: median of each run's own ratio)")
    print(f"{'measure':<40}{'value':>14}{'x baseline':>12}")
    for name, value, ratio in rows:
        print(f"{name:<40}{value:>14}{ratio:>12}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
