"""Generated Folio sites for the property tests: a spec (plain data) and Hypothesis strategies.

A `SiteSpec` is plain data, so a failure Hypothesis shrinks to can be pasted into a regression
test as it is. `write(root, spec)` writes it as a real site (mkdocs.yml, content/, attachments,
optionally a hook that copies a private file into site/). Every block of a locked page and
every private file carries a unique canary (`cnry` + digits); free pages carry none.
"""

from __future__ import annotations

import itertools
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import strategies as st

from tests.sites import write_site

WORDS = ("queue worker async await task loop event buffer retry budget lock table index vacuum "
         "backpressure latency sample trace span metric alert socket stream parser cache shard "
         "replica leader follower commit rollback migration schema column tenant quota").split()
CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
SAFE_PUNCT = ("<", ">", "->", ">=", "<=", "&", "a < b", "x > y", "Vec<T>", "<br>?")

# Markdown extensions of every generated site: the site's own, so teasers see its blocks.
EXTENSIONS = [
    "admonition", "attr_list", "md_in_html", "footnotes", "abbr", "tables", {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
    {"pymdownx.tabbed": {"alternate_style": True}}, "pymdownx.arithmatex",
]


@dataclass(frozen=True)
class Block:
    kind: str
    words: tuple[str, ...]  # the words it shows (drawn from WORDS or CJK characters)
    cjk: bool = False
    more_inside: bool = False  # a `<!-- more -->` inside the block (never a marker)


@dataclass(frozen=True)
class PageSpec:
    name: str  # e.g. courses/c/02-x.md, articles/a.md, salons/2026-01-01-s.md
    locked: bool
    blocks: tuple[Block, ...]
    more_at: int | None = None  # a top-level `<!-- more -->` before this block
    leading_blank: bool = True
    custom_key: bool = False


@dataclass(frozen=True)
class SiteSpec:
    pages: tuple[PageSpec, ...]
    private: tuple[str, ...] = ()  # private file names in the priced course
    teaser_words: int = 60
    copy_route: str | None = None  # a private file a generator hook copies into site/
    shared: tuple[str, ...] = ()  # sentences on a free page and a paid page (no false alarm)


class Canaries:
    """Unique canaries, and which are locked (must never reach a public output)."""

    def __init__(self):
        self._count = itertools.count(1)
        self.locked: dict[str, str] = {}  # canary -> where (page or file)
        self.private: dict[str, str] = {}  # canary -> private file name

    def new(self, where: str, locked: bool) -> str:
        canary = f"cnry{next(self._count):05d}q"
        if locked:
            self.locked[canary] = where
        return canary


def _sentence(words, cjk: bool, canary: str, extra: str = "") -> str:
    if cjk:
        return "".join(words) + canary + "".join(reversed(words)) + extra + "。"
    return " ".join((*words[:3], canary, *words[3:])) + extra + "."


def render_block(block: Block, canaries: Canaries, where: str, locked: bool, index: int) -> str:
    c = lambda: canaries.new(where, locked)  # noqa: E731 - a fresh canary per use
    w = block.words
    more = "<!-- more -->" if block.more_inside else ""
    if block.kind == "para":
        sentences = [_sentence(w[i: i + 7] or w, block.cjk, c()) for i in range(0, max(len(w), 1), 7)]
        return ("" if block.cjk else " ").join(sentences) + (f"\n{more}" if more else "")
    if block.kind == "heading":
        return f"## {' '.join(w[:4])} {c()}"
    if block.kind == "code":
        lines = [f"if {a} < {b}: {a} -> {b} >= 0  # {c()} {SAFE_PUNCT[i % len(SAFE_PUNCT)]}"
                 for i, (a, b) in enumerate(zip(w, w[1:] + w[:1]))]
        if more:
            lines.insert(len(lines) // 2, more)
        return "```python\n" + "\n".join(lines or [f"x = 1  # {c()}"]) + "\n```"
    if block.kind == "html":
        return f'<div class="note">\n<p>{" ".join(w)} {c()} &amp; more</p>\n{more}\n<p>{c()} again</p>\n</div>'
    if block.kind == "comment":
        return f"<!-- note for authors: {' '.join(w)} {c()} -->"
    if block.kind == "admonition":
        body = _sentence(w, block.cjk, c())
        return f'!!! note "Note {c()}"\n    {body}\n' + (f"\n    {more}\n" if more else "") + f"\n    {c()} {' '.join(w[:3])}."
    if block.kind == "tabs":
        return (f'=== "One {c()}"\n\n    {_sentence(w, block.cjk, c())}\n\n'
                f'=== "Two"\n\n    ```\n    run {c()} --fast {" ".join(w[:3])}\n    ```')
    if block.kind == "footnote":
        return f"{_sentence(w, block.cjk, c())}[^n{index}]\n\n[^n{index}]: Footnote {c()} {' '.join(w[:4])}."
    if block.kind == "table":
        rows = "\n".join(f"| {word} | {c()} < {i} |" for i, word in enumerate(w[:5]))
        return f"| key | value |\n|---|---|\n{rows}"
    if block.kind == "reflink":
        return (f"See [{' '.join(w[:2])}][r{index}] and more {c()}.\n\n"
                f'[r{index}]: https://example.com/r{index} "Title {c()}"')
    if block.kind == "image":
        return f'![Alt {c()} {" ".join(w[:2])}](pic.svg "Title {c()}")'
    if block.kind == "math":
        return f"$$\nx^2 + {c()} > y_{index}\n$$"
    if block.kind == "list":
        return "\n".join(f"- {word} {c()}" for word in w[:4]) + (f"\n\n    {more}" if more else "")
    raise ValueError(block.kind)


def page_text(page: PageSpec, canaries: Canaries, shared: tuple[str, ...]) -> str:
    kind = page.name.split("/")[0]
    meta: dict = {}
    if kind in ("articles", "salons"):
        meta.update(title=f"Title of {page.name.split('/')[-1][:-3]}", date="2026-05-01")
    if kind == "salons":
        meta.update(location="Berlin", speakers=["Ada"])
    if page.locked:
        meta["access"] = "paid" if kind == "courses" else "members"
        if kind == "salons":
            meta["slides"] = f"https://slides.example/{canaries.new(page.name, True)}.pdf"
            meta["recording"] = f"https://video.example/{canaries.new(page.name, True)}"
        if page.custom_key and kind != "courses":
            meta["notes"] = f"secret {canaries.new(page.name, True)}"
    elif kind == "courses":
        meta["access"] = "free"
    parts = [f"# {page.name.split('/')[-1][:-3]} heading"]
    for i, block in enumerate(page.blocks):
        if page.more_at == i:
            parts.append("<!-- more -->")
        parts.append(render_block(block, canaries, page.name, page.locked, i))
    if page.more_at is not None and page.more_at >= len(page.blocks):
        parts.append("<!-- more -->")
    parts += list(shared)
    front = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" if meta else ""
    return front + ("\n" if page.leading_blank else "") + "\n\n".join(parts) + "\n"


COURSE = """\
---
type: course
title: Generated Course
price: 29 USD
level: beginner
authors: [Ada]
---

# Generated Course

A generated course.
"""

HOOK = """\
from pathlib import Path
from mkdocs.structure.files import File

def on_files(files, config):
    source = Path(config.config_file_path).parent / "content" / {name!r}
    files.append(File.generated(config, "downloads/" + source.name, content=source.read_bytes()))
    return files
"""


def private_file(name: str, canaries: Canaries) -> bytes:
    def sentence() -> str:
        canary = canaries.new(name, True)
        canaries.private[canary] = name
        return f"the private answer {canary} explains how the hidden ledger balances every parcel tonight"

    if name.endswith(".ipynb"):
        return json.dumps({"cells": [{"cell_type": "code", "source": [f"# {sentence()}\n", "x = 1\n"],
                                      "outputs": [], "metadata": {}, "execution_count": None}],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    if name.endswith(".py"):
        return f"def solve():\n    # {sentence()}\n    return 42\n".encode()
    if name.endswith(".csv"):
        return f"question,answer\nq1,{sentence()}\n".encode()
    return f"{sentence()}\n".encode()


def write(root: Path, spec: SiteSpec, plugin: bool = True) -> tuple[Path, Canaries]:
    """Write the site; give its mkdocs.yml and its canaries."""
    canaries = Canaries()
    pages = {"index.md": "# Home\n\nWelcome.\n", "courses/c/index.md": COURSE}
    for page in spec.pages:
        shared = spec.shared if page.name.startswith("courses/") else ()
        pages[page.name] = page_text(page, canaries, shared)
    assets = {"courses/c/pic.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'}
    for name in spec.private:
        assets[f"courses/c/{name}"] = private_file(name, canaries)
    # write_site dedents: pages are written as they are instead.
    config = write_site(root, {}, assets=assets, folio={"teaser_words": spec.teaser_words}, custom_dir=False)
    for src, text in pages.items():
        path = root / "content" / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markdown_extensions"] = EXTENSIONS
    if spec.copy_route:
        (root / "copy_hook.py").write_text(HOOK.format(name=f"courses/c/{spec.copy_route}"), encoding="utf-8")
        data["hooks"] = ["copy_hook.py"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config, canaries


def without_plugin(config: Path) -> Path:
    """The same site's mkdocs.yml for a builder without Folio (the plugin removed)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"] = [p for p in data["plugins"] if not (isinstance(p, dict) and "folio" in p)]
    data.pop("hooks", None)
    data["site_dir"] = "site-plain"
    plain = config.with_name("mkdocs-plain.yml")
    plain.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plain


# --- strategies ------------------------------------------------------------------------------

KINDS = ("para", "para", "para", "heading", "code", "html", "comment", "admonition", "tabs", "footnote",
         "table", "reflink", "image", "math", "list")


@st.composite
def blocks(draw) -> Block:
    kind = draw(st.sampled_from(KINDS))
    cjk = kind in ("para", "admonition", "footnote") and draw(st.booleans())
    size = draw(st.integers(1, 60 if kind in ("para", "code") else 12))
    words = tuple(draw(st.lists(st.sampled_from(CJK if cjk else WORDS), min_size=size, max_size=size)))
    more = kind in ("para", "code", "html", "admonition", "list") and draw(st.integers(0, 9)) == 0
    return Block(kind, words, cjk, more)


@st.composite
def page_specs(draw, name: str, locked: bool) -> PageSpec:
    body = tuple(draw(st.lists(blocks(), min_size=1, max_size=7)))
    if not any(b.kind == "para" for b in body):  # every page has text a teaser can show
        body = (Block("para", tuple(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=20)))),) + body
    more_at = draw(st.one_of(st.none(), st.integers(0, len(body))))
    return PageSpec(name, locked, body, more_at, draw(st.booleans()), draw(st.booleans()))


@st.composite
def site_specs(draw, leaky: bool | None = None) -> SiteSpec:
    chapters = draw(st.lists(st.booleans(), min_size=1, max_size=3))
    pages = [draw(page_specs("courses/c/01-free.md", False))]
    pages += [draw(page_specs(f"courses/c/{n + 2:02d}-ch.md", paid)) for n, paid in enumerate(chapters)]
    if draw(st.booleans()):
        pages.append(draw(page_specs("articles/members-notes.md", True)))
    if draw(st.booleans()):
        pages.append(draw(page_specs("salons/2026-05-01-night.md", True)))
    if draw(st.booleans()):
        pages.append(draw(page_specs("articles/free-post.md", False)))
    private = tuple(draw(st.lists(st.sampled_from(["answers.txt", "solve.py", "data.csv", "lab.ipynb", "key.json"]),
                                  unique=True, max_size=3)))
    leaky = draw(st.booleans()) if leaky is None else leaky
    route = draw(st.sampled_from(private)) if private and leaky else None
    shared = tuple(draw(st.lists(st.sampled_from([
        "Every worker drains its queue before the loop closes the socket for good.",
        "我们在生产环境里先观察尾延迟的变化再决定是否扩容这个办法很有效。"]), unique=True, max_size=2)))
    return SiteSpec(tuple(pages), private, draw(st.sampled_from([20, 60, 120])), route, shared)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
