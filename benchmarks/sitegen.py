"""Generate a deterministic Folio example site for benchmarks.

    python benchmarks/sitegen.py DEST [--pages 300] [--paid-fraction 0.333] [--seed 0]

writes DEST/mkdocs.yml (material, search + folio), DEST/mkdocs-plain.yml (the same
without folio, the baseline) and DEST/content/: a home page, courses of ~20
chapters (the first two free), articles and salon notes. About `paid_fraction`
of all pages are `paid` chapters or `members` articles. The same arguments
always give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

FALLBACK_MARKDOWN_EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "abbr",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
]
FREE_CHAPTERS = 2
CHAPTERS_PER_COURSE = 20
COURSE_SHARE = 0.7  # of all pages; the rest are articles (2/3) and salon notes (1/3)

TOPICS = (
    "event loop", "connection pool", "query planner", "write-ahead log", "borrow checker", "garbage collector",
    "service mesh", "feature flag", "message queue", "rate limiter", "circuit breaker", "trace span",
    "container image", "build cache", "schema migration", "load balancer", "consensus protocol", "thread pool",
    "memory allocator", "flame graph", "retry budget", "backpressure signal", "index scan", "deployment pipeline",
)
ADJECTIVES = (
    "idempotent", "asynchronous", "bounded", "lock-free", "observable", "incremental", "deterministic",
    "eventual", "stateless", "sharded", "cached", "versioned", "replicated", "lazy", "strict", "resilient",
    "backward-compatible", "zero-copy", "hot", "cold", "noisy", "quiet", "expensive", "cheap",
)
VERBS = (
    "schedules", "buffers", "rejects", "retries", "serializes", "invalidates", "batches", "reorders",
    "throttles", "replays", "compacts", "shards", "pins", "drains", "coalesces", "samples", "evicts",
    "promotes", "spills", "fences", "checkpoints", "rebalances", "flushes", "traces",
)
OBJECTS = (
    "every request", "the hot path", "stale reads", "long tails", "partial failures", "slow consumers",
    "the p99 latency", "a cold start", "the critical section", "each tenant", "the write burst",
    "idle connections", "orphaned tasks", "duplicate events", "the warm cache", "a noisy neighbour",
)
CONNECTIVES = (
    "because", "unless", "so that", "even when", "before", "after", "while", "as long as", "whenever", "although",
)
OPENERS = (
    "In practice,", "On a busy day,", "In our experience,", "Surprisingly,", "At scale,", "During an incident,",
    "In production,", "For small teams,", "Under load,", "Most of the time,", "In the benchmark,", "Later,",
)
NAMES = ("Ada Park", "Li Na", "陈晓", "Sofia Ramirez", "周宁", "Tomas Novak", "Priya Raman", "Kenji Sato", "Amara Obi")
TAGS = ("python", "rust", "databases", "observability", "performance", "linux", "testing", "architecture", "cloud")
CITIES = ("Shanghai", "Berlin", "Lisbon", "Toronto", "Singapore", "Nairobi", "Austin", "Seoul")
ADMONITIONS = ("note", "tip", "warning", "example")
LANGUAGES = ("python", "rust", "yaml", "bash", "sql")


def generate_site(dest: Path, pages: int = 300, paid_fraction: float = 1 / 3, seed: int = 0) -> Path:
    """Give `dest` after writing a site of `pages` Markdown pages, about `paid_fraction` of them locked."""
    dest = Path(dest)
    rng = random.Random(seed)
    plan = _plan(pages)
    locked = _choose_locked(plan, round(pages * paid_fraction), rng)
    content = dest / "content"
    _write(content / "index.md", _home_page(rng, plan))
    for course in range(plan["courses"]):
        _write_course(content, course, plan["chapters"], locked, rng)
    for number in range(plan["articles"]):
        _write(content / "articles" / f"article-{number:03d}.md", _article(rng, number, f"article-{number}" in locked))
    for number in range(plan["salons"]):
        _write(content / "salons" / f"salon-{number:03d}.md", _salon(rng, number))
    _write(dest / "mkdocs.yml", _mkdocs_yml(with_folio=True))
    # The public tree Folio writes (docs_dir); a fresh clone has only its placeholder page.
    _write(dest / ".folio" / "public" / "README.md", "# This site is built with Folio\n")
    return dest


def write_plain_mkdocs_yml(dest: Path) -> Path:
    """Give dest/mkdocs-plain.yml after writing it: the benchmark config without the folio plugin."""
    path = Path(dest) / "mkdocs-plain.yml"
    _write(path, _mkdocs_yml(with_folio=False))
    return path


# --- planning -------------------------------------------------------------------------------


def _plan(pages: int) -> dict[str, int]:
    """Give how many courses, chapters per course, articles and salon notes make `pages` pages."""
    remaining = max(pages - 1, 4)  # minus the home page
    course_pages = int(remaining * COURSE_SHARE)
    courses = max(1, round(course_pages / (CHAPTERS_PER_COURSE + 1)))
    chapters = max(FREE_CHAPTERS + 1, course_pages // courses - 1)
    rest = max(0, remaining - courses * (chapters + 1))
    articles = -(-rest * 2 // 3)
    return {"courses": courses, "chapters": chapters, "articles": articles, "salons": rest - articles}


def _choose_locked(plan: dict[str, int], wanted: int, rng: random.Random) -> set[str]:
    """Give the ids of the chapters and articles to lock ("course-NN/CC", "article-N")."""
    candidates = [
        f"course-{course}/{chapter}"
        for course in range(plan["courses"])
        for chapter in range(FREE_CHAPTERS, plan["chapters"])
    ]
    candidates += [f"article-{number}" for number in range(plan["articles"])]
    return set(rng.sample(candidates, min(wanted, len(candidates))))


# --- pages ----------------------------------------------------------------------------------


def _write_course(content: Path, course: int, chapters: int, locked: set[str], rng: random.Random) -> None:
    folder = content / "courses" / f"course-{course:02d}"
    title = f"{_title(rng)} in Production"
    meta = {"type": "course", "title": title, "price": "49 USD", "level": "intermediate", "authors": _people(rng)}
    _write(folder / "index.md", _page(meta, title, _body(rng, 150, 300, teaser_marker=False)))
    for chapter in range(chapters):
        access = "paid" if f"course-{course}/{chapter}" in locked else "free"
        chapter_title = _title(rng)
        slug = chapter_title.lower().replace(" ", "-")
        meta = {"title": chapter_title, "access": access}
        # Every chapter shows a figure (in the teaser) and links a download (in the locked part),
        # so the build publishes referenced assets and withholds the rest, as a real course does.
        figure = f"\n![Diagram of {chapter_title}](img/figure-{chapter + 1:02d}.svg)\n\n"
        body = _body(rng, 300, 900).replace("\n\n", figure, 1)
        body += f"\n[Download the worksheet](files/worksheet-{chapter + 1:02d}.txt)\n"
        _write(folder / f"{chapter + 1:02d}-{slug}.md", _page(meta, chapter_title, body))
        _write(folder / "img" / f"figure-{chapter + 1:02d}.svg", _svg(chapter_title))
        _write(folder / "files" / f"worksheet-{chapter + 1:02d}.txt", f"Worksheet for {chapter_title}.\n")


def _article(rng: random.Random, number: int, members: bool) -> str:
    title = f"Notes on the {_title(rng).lower()}"
    meta = {
        "title": title,
        "date": _date(number),
        "tags": sorted(rng.sample(TAGS, 2)),
        "access": "members" if members else "free",
        "authors": _people(rng),
    }
    return _page(meta, title, _body(rng, 300, 900))


def _salon(rng: random.Random, number: int) -> str:
    title = f"Salon: the {_title(rng).lower()}"
    meta = {
        "title": title,
        "date": _date(number * 7),
        "location": f"{rng.choice(CITIES)} · Lambda Space",
        "speakers": _people(rng),
        "access": "free",
    }
    return _page(meta, title, _body(rng, 300, 900, teaser_marker=False))


def _home_page(rng: random.Random, plan: dict[str, int]) -> str:
    intro = f"{plan['courses']} courses, {plan['articles']} articles and {plan['salons']} salon notes."
    return _page({"title": "Benchmark community"}, "Benchmark community", intro + "\n\n" + _paragraph(rng))


def _page(meta: dict, title: str, body: str) -> str:
    front_matter = "".join(_front_matter_line(key, value) for key, value in meta.items())
    return f"---\n{front_matter}---\n\n# {title}\n\n{body}"


def _front_matter_line(key: str, value) -> str:
    # Lists inline (`authors: [a, b]`), as authors write them; everything else block style.
    if isinstance(value, list):
        return f"{key}: {yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()}\n"
    return yaml.safe_dump({key: value}, allow_unicode=True, width=1000)


def _body(rng: random.Random, low: int, high: int, teaser_marker: bool = True) -> str:
    """Give 300–900 words of Markdown: paragraphs under headings, a code block, a table, maybe an admonition."""
    target = rng.randint(low, high)
    blocks = [_paragraph(rng)]
    if teaser_marker and rng.random() < 0.5:
        blocks.append("<!-- more -->")
    extras = [_code_block(rng), _table(rng)] + ([_admonition(rng)] if rng.random() < 0.4 else [])
    while _words(blocks) < target:
        blocks.append(f"## {_title(rng)}")
        blocks += [_paragraph(rng) for _ in range(rng.randint(1, 3))]
        if extras:
            blocks.append(extras.pop(0))
    return "\n\n".join(blocks + extras) + "\n"


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def _sentence(rng: random.Random) -> str:
    clause = f"the {rng.choice(ADJECTIVES)} {rng.choice(TOPICS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        clause += f" {rng.choice(CONNECTIVES)} the {rng.choice(TOPICS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.2:
        clause += f" (see `{rng.choice(VERBS)}_{rng.randint(1, 99)}()`)"
    sentence = f"{rng.choice(OPENERS)} {clause}." if rng.random() < 0.5 else f"{clause[0].upper()}{clause[1:]}."
    return f"**{sentence}**" if rng.random() < 0.15 else sentence


def _code_block(rng: random.Random) -> str:
    language = rng.choice(LANGUAGES)
    names = [rng.choice(VERBS) + "_" + rng.choice(TOPICS).split()[0].replace("-", "_") for _ in range(4)]
    lines = [f"{name} = {rng.randint(1, 999)}  # {rng.choice(OBJECTS)}" for name in names]
    return f"```{language}\n" + "\n".join(lines) + "\n```"


def _table(rng: random.Random) -> str:
    rows = [f"| {rng.choice(TOPICS)} | {rng.choice(ADJECTIVES)} | {rng.randint(1, 500)} ms |" for _ in range(rng.randint(3, 6))]
    return "| component | mode | latency |\n|---|---|---|\n" + "\n".join(rows)


def _admonition(rng: random.Random) -> str:
    return f'!!! {rng.choice(ADMONITIONS)} "{_title(rng)}"\n\n    {_sentence(rng)} {_sentence(rng)}'


def _title(rng: random.Random) -> str:
    return f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(TOPICS)}"


def _people(rng: random.Random) -> list[str]:
    return rng.sample(NAMES, rng.randint(1, 2))


def _date(days: int) -> dt.date:
    return dt.date(2025, 1, 6) + dt.timedelta(days=days)


def _words(blocks: list[str]) -> int:
    return sum(len(block.split()) for block in blocks)


# --- configuration --------------------------------------------------------------------------


def _svg(title: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><title>{title}</title></svg>\n'


def _mkdocs_yml(with_folio: bool) -> str:
    repo_config = _repo_config()
    theme = {"name": "material", "language": "en", "features": ["navigation.sections", "navigation.indexes"]}
    if (REPO / "theme").is_dir():
        theme["custom_dir"] = str(REPO / "theme")
    plugins: list = ["search"]
    if with_folio:
        plugins.append(_folio_entry(repo_config))
    config = {
        "site_name": "Folio benchmark",
        "site_url": "https://bench.folio.example/",
        # With folio: build from the public tree Folio writes; plain MkDocs reads content/ itself.
        "docs_dir": ".folio/public" if with_folio else "content",
        "theme": theme,
        "plugins": plugins,
        "markdown_extensions": repo_config.get("markdown_extensions") or FALLBACK_MARKDOWN_EXTENSIONS,
    }
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _repo_config() -> dict:
    """Give the repository's mkdocs.yml, so the benchmark renders with the same extensions."""
    try:
        return yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def _folio_entry(repo_config: dict):
    for plugin in repo_config.get("plugins") or []:
        if isinstance(plugin, dict) and "folio" in plugin:
            return {"folio": {**plugin["folio"], "content_dir": "content"}}
    return {"folio": {"content_dir": "content"}}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a deterministic Folio site for benchmarks.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--paid-fraction", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    generate_site(args.dest, args.pages, args.paid_fraction, args.seed)
    write_plain_mkdocs_yml(args.dest)
    print(f"wrote {args.pages} pages to {args.dest}")


if __name__ == "__main__":
    main()
