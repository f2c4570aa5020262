"""Build speed on the shapes of real courses, against plain `mkdocs build` of the same content.

Generated content only (no third-party text): one site with

- a math-heavy Chinese course: >= 5,000 inline and display formulas, `aligned` derivations,
  `cases`, matrices and operators with limits;
- an image-heavy course: >= 150 MB of figures (random pixels, stored: they do not compress);
- a course in lesson folders (`01-lesson/index.md`) whose lessons share a folder of images.

Reported, each as the ratio of a folio build to the plain builds just before and after it
(the mean of the two), median over the runs:

- cold: gated/, .folio/public and .folio-cache removed (a fresh clone: every formula converted);
- unchanged: the same content built again;
- one-chapter edit: one paid chapter of the math course changed (and how many pages were rendered).

The plain baseline is the same site with the folio plugin removed (Material, search, the
same Markdown extensions, docs_dir = content/).

    python benchmarks/bench_courses.py [--runs 3] [--formulas 5000] [--megabytes 150]
    python benchmarks/bench_courses.py --small     # a quick check that it works
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coursegen import ENGLISH, png  # noqa: E402  (one generator of figures and prose for both course benchmarks)

RESULTS = Path(__file__).resolve().parent / "results" / "courses.json"
EXTENSIONS = [
    "admonition", "attr_list", "md_in_html", "footnotes", "tables", {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
    {"pymdownx.arithmatex": {"generic": True}},
]
CHINESE = ("在生产环境里，我们发现连接池的等待时间往往比查询本身更长，所以先把池子的大小和超时一起调小，"
           "再观察延迟分布的变化。优化问题的关键在于把目标函数写清楚，再决定用哪种方法去求解。")
COURSE = "---\ntype: course\ntitle: {title}\nprice: 49 USD\nlevel: advanced\nauthors: [Ada Figures]\n{lang}---\n\n# {title}\n\n{text}\n"


def formula_block(n: int, k: int) -> str:
    """About 25 formulas: inline, display, aligned, cases, a matrix, operators with limits."""
    inline = " ".join(f"$x_{{{k}{i}}}^2 + \\alpha_{{{i}}} \\le \\frac{{{n}}}{{{i + 1}}}$" for i in range(18))
    return "\n\n".join([
        CHINESE + " " + inline,
        f"$$\n\\begin{{aligned}}\nf_{{{n}}}(x) &= (x + {k})^2 \\\\\n&= x^2 + {2 * k}x + {k * k}\n\\end{{aligned}}\n$$",
        f"$$\n|x_{{{k}}}| = \\begin{{cases}} x & x \\ge 0 \\\\ -x & \\text{{otherwise}} \\end{{cases}}\n$$",
        f"$$\nA_{{{k}}} = \\begin{{pmatrix}} {n} & {k} \\\\ {k} & {n} \\end{{pmatrix}}\n$$",
        f"$$\n\\hat\\theta_{{{k}}} = \\mathop{{\\arg\\max}}_{{\\theta}} \\sum_{{i=1}}^{{{n}}} \\log p(x_i \\mid \\theta)\n$$",
        f"$$\n\\lim_{{x \\to 0}} \\frac{{\\sin {k}x}}{{x}} = {k}\n$$",
        f"Steps $\\textcircled{{1}}$ and $\\textcircled{{2}}$; {ENGLISH}",
    ])


FORMULAS_PER_BLOCK = 18 + 5 + 2


def generate(root: Path, formulas: int, megabytes: int, lessons: int, seed: int = 11) -> dict:
    """Write the site; give what it holds."""
    rng = random.Random(seed)
    docs = root / "content"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Course shapes\n\nThree courses shaped like real ones.\n", encoding="utf-8")
    # The math course: chapters of formula blocks.
    blocks = -(-formulas // FORMULAS_PER_BLOCK)
    chapters = max(2, blocks // 12)
    math = docs / "courses/math-zh"
    math.mkdir(parents=True)
    (math / "index.md").write_text(COURSE.format(title="最优化方法", lang="", text=CHINESE), encoding="utf-8")
    for n in range(1, chapters + 1):
        body = [formula_block(n, k) for k in range(blocks // chapters + (1 if n <= blocks % chapters else 0))]
        access = "access: free\n" if n == 1 else ""
        text = f"---\ntitle: 第 {n} 章\n{access}---\n\n# 第 {n} 章\n\n{CHINESE}\n\n<!-- more -->\n\n" + "\n\n".join(body)
        (math / f"{n:02d}-chapter.md").write_text(text + "\n", encoding="utf-8")
    # The image-heavy course: five figures a chapter, one shared by every chapter.
    images = docs / "courses/figures"
    (images / "img").mkdir(parents=True)
    (images / "index.md").write_text(COURSE.format(title="Optics in figures", lang="", text=ENGLISH), encoding="utf-8")
    fig_chapters, per_chapter = 30, 5
    side = int(((megabytes * 1024 * 1024) / (fig_chapters * per_chapter + 1) / 3) ** 0.5)
    (images / "img/shared.png").write_bytes(png(side, side, rng))
    for n in range(1, fig_chapters + 1):
        figures = []
        for k in range(per_chapter):
            (images / f"img/ch{n:02d}-{k}.png").write_bytes(png(side, side, rng))
            figures.append(f"![Figure {n}.{k}](img/ch{n:02d}-{k}.png)")
        access = "access: free\n" if n == 1 else ""
        text = "\n\n".join([f"# Chapter {n}", ENGLISH, "<!-- more -->", ENGLISH * 3, *figures, "![Shared](img/shared.png)"])
        (images / f"{n:02d}-figures.md").write_text(f"---\ntitle: Chapter {n}\n{access}---\n\n{text}\n", encoding="utf-8")
    # The lesson-folder course: each lesson a folder with its own figure, all sharing ../shared/.
    course = docs / "courses/lessons"
    (course / "shared").mkdir(parents=True)
    (course / "index.md").write_text(COURSE.format(title="Lessons", lang="", text=ENGLISH), encoding="utf-8")
    for k in range(3):
        (course / f"shared/common-{k}.png").write_bytes(png(200, 150, rng))
    for n in range(1, lessons + 1):
        lesson = course / f"{n:02d}-lesson"
        lesson.mkdir()
        (lesson / "figure.png").write_bytes(png(240, 160, rng))
        access = "access: free\n" if n == 1 else ""
        nxt = f"See [the next lesson](../{n + 1:02d}-lesson/index.md)." if n < lessons else "The end."
        text = "\n\n".join([f"# Lesson {n}", ENGLISH, "<!-- more -->", ENGLISH * 2, "![Lesson figure](figure.png)",
                            *[f"![Shared {k}](../shared/common-{k}.png)" for k in range(3)],
                            "| step | value |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |", nxt])
        (lesson / "index.md").write_text(f"---\ntitle: Lesson {n}\n{access}---\n\n{text}\n", encoding="utf-8")
    base = {"site_name": "Course shapes", "site_url": "https://shapes.example/", "theme": {"name": "material"},
            "markdown_extensions": EXTENSIONS}
    folio = {**base, "docs_dir": ".folio/public",
             "plugins": ["search", {"folio": {"content_dir": "content", "gate_url": "https://gate.shapes.example"}}]}
    plain = {**base, "docs_dir": "content", "plugins": ["search"]}
    (root / ".folio/public").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(folio, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "mkdocs-plain.yml").write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in docs.rglob("*.md")]
    return {
        "formulas": sum(t.count("$$") // 2 + (t.count("$") - 2 * t.count("$$")) // 2 for t in texts),
        "display_formulas": sum(t.count("$$") // 2 for t in texts),
        "aligned_blocks": sum(t.count("\\begin{aligned}") for t in texts),
        "image_megabytes": round(sum(p.stat().st_size for p in docs.rglob("*.png")) / 1024 / 1024, 1),
        "pages": len(texts),
        "math_chapter": str(math / "02-chapter.md"),
    }


def timed_build(config_file: Path, site_dir: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir))
    gc.collect()
    started = time.perf_counter()
    build(config)
    return time.perf_counter() - started, config["plugins"].get("folio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formulas", type=int, default=5000)
    parser.add_argument("--megabytes", type=int, default=150)
    parser.add_argument("--lessons", type=int, default=16)
    parser.add_argument("--small", action="store_true", help="500 formulas, 10 MB, 4 lessons, 1 run")
    args = parser.parse_args()
    if args.small:
        args.runs, args.formulas, args.megabytes, args.lessons = 1, 500, 10, 4
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "shapes"
        facts = generate(root, args.formulas, args.megabytes, args.lessons)
        plain, folio = root / "mkdocs-plain.yml", root / "mkdocs.yml"
        chapter = Path(facts.pop("math_chapter"))
        timed_build(plain, Path(tmp) / "warmup")  # imports, theme caches: not part of any figure
        seconds = {"plain": [], "cold": [], "unchanged": [], "edit": []}
        rendered_on_edit, cold_phases = [], []
        for run in range(args.runs):
            seconds["plain"].append(timed_build(plain, Path(tmp) / "plain")[0])
            for folder in (root / "gated", root / ".folio-cache", root / ".folio/public"):
                shutil.rmtree(folder, ignore_errors=True)
            (root / ".folio/public").mkdir(parents=True)
            cold, plugin = timed_build(folio, Path(tmp) / "folio")
            seconds["cold"].append(cold)
            cold_phases.append(dict(plugin.timings))
            seconds["unchanged"].append(timed_build(folio, Path(tmp) / "folio")[0])
            with chapter.open("a", encoding="utf-8") as f:
                f.write(f"\n\n编辑 {run}：$e^{{i\\pi}} + {run} = {run - 1}$\n")
            edit, plugin = timed_build(folio, Path(tmp) / "folio")
            seconds["edit"].append(edit)
            rendered_on_edit.append(len(plugin.gated_rendered))
        seconds["plain"].append(timed_build(plain, Path(tmp) / "plain")[0])
        facts["pages"] = len(plugin.site.pages)

    plains = seconds["plain"]
    around = [(a + b) / 2 for a, b in zip(plains, plains[1:])]
    result = {**facts, "runs": args.runs, "mkdocs_build_s": round(statistics.median(plains), 3),
              "rendered_pages_on_edit": rendered_on_edit}
    for kind in ("cold", "unchanged", "edit"):
        ratios = [s / b for s, b in zip(seconds[kind], around)]
        result[f"folio_{kind}_s"] = round(statistics.median(seconds[kind]), 3)
        result[f"ratio_{kind}"] = round(statistics.median(ratios), 3)
        result[f"ratios_{kind}_per_run"] = [round(r, 3) for r in ratios]
    result["per_run_seconds"] = {k: [round(s, 3) for s in v] for k, v in seconds.items()}
    # Where a cold build's time goes: gated/ (every paid page rendered, every formula converted to
    # MathML) runs in a forked process beside MkDocs; the leak guard's scan follows the build.
    result["phases_cold_s"] = {k: round(statistics.median(p.get(k, 0.0) for p in cold_phases), 3)
                               for k in ("content", "gated", "leakguard")}
    goals = {"cold": 1.3, "unchanged": 1.1, "edit": 1.2}
    print(f"{facts['pages']} pages; {facts['formulas']} formulas ({facts['display_formulas']} displayed, "
          f"{facts['aligned_blocks']} aligned); {facts['image_megabytes']} MB of figures; median of {args.runs} runs")
    print(f"{'measure':<40}{'seconds':>10}{'x plain':>10}{'goal':>8}")
    print(f"{'plain mkdocs build (baseline)':<40}{result['mkdocs_build_s']:>10.3f}{1.0:>10.3f}{'':>8}")
    for kind, label in (("cold", "folio build, cold"), ("unchanged", "folio build, unchanged"),
                        ("edit", "folio build, one-chapter edit")):
        print(f"{label:<40}{result[f'folio_{kind}_s']:>10.3f}{result[f'ratio_{kind}']:>10.3f}{goals[kind]:>8.1f}")
    print(f"paid pages rendered on the edit: {rendered_on_edit}")
    print("cold phases (s): " + ", ".join(f"{k} {v:.3f}" for k, v in result["phases_cold_s"].items())
          + " (gated runs on the second core while MkDocs renders)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
