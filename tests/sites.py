"""Write small, real Folio sites (mkdocs.yml + content/ + a copy of theme/) into a folder.

The paid-chapter tests build these with `toolkit.plugin.staging.build_site` and inspect
site/ and gated/. Every paid construct carries a unique marker (e.g. ``zebra-quartz-7781``)
so an independent scan can tell for sure whether it reached the public site.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import textwrap
from pathlib import Path
from urllib.parse import unquote

import yaml

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "theme"
GATE = "http://127.0.0.1:8787"

MARKDOWN_EXTENSIONS = [
    "admonition", "attr_list", "md_in_html", "footnotes", "abbr", "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
]

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>{}</title><rect width="10" height="10"/></svg>\n'


def svg(name: str) -> bytes:
    return SVG.format(name).encode()


def write_site(root: Path, pages: dict[str, str], *, assets: dict[str, bytes] | None = None,
               plugins: list | None = None, folio: dict | None = None, language: str = "en",
               extra: dict | None = None, custom_dir: bool = True) -> Path:
    """Write a site into `root` and give the path of its mkdocs.yml: the one way tests write a site.

    `pages` maps docs-relative paths to Markdown (dedented); `folio` overrides the
    folio plugin's settings (a None value removes a default); `plugins` are the plugins
    listed before folio; `custom_dir=False` leaves out the example's theme overrides.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / ".folio" / "public").mkdir(parents=True, exist_ok=True)
    docs = root / "content"
    for src, text in pages.items():
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for src, data in (assets or {}).items():
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    theme = root / "theme"
    if custom_dir and not theme.exists():
        shutil.copytree(THEME, theme)
    settings = {"content_dir": "content", "gate_url": GATE, "teaser_words": 120, "membership": {"monthly": "9 USD", "yearly": "90 USD"}}
    settings.update(folio or {})
    settings = {k: v for k, v in settings.items() if v is not None}
    config = {
        "site_name": "Leak Lab",
        "site_url": "https://leak.example/",
        "docs_dir": ".folio/public",
        "theme": {"name": "material", "language": language, **({"custom_dir": "theme"} if custom_dir else {})},
        "plugins": list(plugins if plugins is not None else ["search"]) + [{"folio": settings}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    config.update(extra or {})
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def ecosystem_plugins(root: Path) -> list:
    """search + tags + rss (dates from front matter, no git, cache inside the test folder)."""
    return [
        "search",
        "tags",
        {"rss": {
            "match_path": ".*",
            "use_git": False,
            "date_from_meta": {"as_creation": "date", "as_update": "date", "datetime_format": "%Y-%m-%d"},
            "cache_dir": str(root / ".rss-cache"),
        }},
    ]


# --- an adversarial course -----------------------------------------------------------------

TEASER = "Teaser lark-violet-3301 explains why the queue stalls before anyone pays for the fix."
# Unique marker per construct of the locked part, and the construct it is hidden in.
PAID_MARKERS = {
    "heading": "zebra-quartz-7781",
    "paragraph": "mango-tundra-4412",
    "code": "falcon-ripple-9034",
    "table": "cobalt-meadow-2290",
    "admonition": "walnut-saber-6618",
    "footnote": "orchid-basalt-5147",
    "image-alt": "pepper-glacier-3876",
    "image-title": "lilac-canyon-8023",
    "link-title": "tulip-harbor-1195",
    "abbr": "quince-nebula-7460",
    "html-block": "ember-lagoon-3352",
    "description": "amber-fjord-6604",
    "summary": "birch-cosmos-2719",
    "ref-link-title": "sable-marsh-9981",
    "members": "heron-saffron-4528",
    "members-description": "violet-dune-1843",
    "members-heading": "raven-copper-6075",
}
PAID_SENTENCE = ("The retry budget must be reset whenever the circuit breaker closes again, "
                 "otherwise the second outage drains it before the first alert even fires.")
PAID_CHINESE = ("在生产环境里，我们发现连接池的等待时间往往比查询本身更长，所以先把池子的大小和超时一起调小，"
                "再观察尾延迟的变化，这个办法比盲目扩容有效得多。")
MEMBERS_CHINESE = "会员专享的笔记记录了沙龙现场关于采样率与存储成本之间取舍的完整讨论和最终结论。"
MEMBERS_TEASER = "Members teaser heron-public-1200 introduces the deep dive for free readers."

LOCKED_CHAPTER = f"""\
---
title: Locked chapter
description: This description hides {PAID_MARKERS['description']} which only buyers should see.
tags: [queues]
---

# Locked chapter

{TEASER}

<!-- more -->

## Heading {PAID_MARKERS['heading']} for buyers

Paragraph {PAID_MARKERS['paragraph']} continues. {PAID_SENTENCE}

{PAID_CHINESE}

```python
def drain():  # {PAID_MARKERS['code']}
    return "secret"
```

| column | value |
|---|---|
| cell | {PAID_MARKERS['table']} |

!!! warning "Careful"
    Admonition body {PAID_MARKERS['admonition']} is paid.

A claim that needs a note[^paid].

[^paid]: Footnote {PAID_MARKERS['footnote']} text.

![Alt {PAID_MARKERS['image-alt']}](img/paid-only.svg "Title {PAID_MARKERS['image-title']}")

![shared diagram](img/shared.svg)

See [the docs](https://docs.example/x "Link title {PAID_MARKERS['link-title']}") and the [reference][ref].

The QNB handles it.

*[QNB]: Quiet Network Buffer {PAID_MARKERS['abbr']}

<details open>
<summary>More</summary>
<div class="secret-box"><p>Raw HTML {PAID_MARKERS['html-block']} inside.</p></div>
</details>

Next read [the other locked chapter](03-also-locked.md) or go back to [the intro](01-intro.md).

[ref]: https://docs.example/ref "Ref title {PAID_MARKERS['ref-link-title']}"
"""

ALSO_LOCKED = """\
---
title: Also locked
---

# Also locked

Second paid chapter's teaser stays public.

<!-- more -->

The second paid chapter body tells buyers how the retry loop backs off exponentially under load.
"""


def adversarial_pages() -> dict[str, str]:
    return {
        "index.md": "# Leak Lab\n\nWelcome to the lab.\n",
        "tags.md": "# Tags\n\n<!-- material/tags -->\n",
        "courses/leaklab/index.md": f"""\
            ---
            type: course
            title: Leak Lab Course
            summary: A course about queues.
            price: 49 USD
            level: beginner
            authors: [Ada Tester]
            ---

            # Leak Lab Course

            Learn queues the hard way.
            """,
        "courses/leaklab/01-intro.md": """\
            ---
            title: Intro
            access: free
            ---

            # Intro

            The free intro shows ![shared diagram](img/shared.svg) to everyone.
            """,
        "courses/leaklab/02-locked.md": LOCKED_CHAPTER,
        "courses/leaklab/03-also-locked.md": ALSO_LOCKED,
        "articles/deep-dive.md": f"""\
            ---
            title: Deep dive
            date: 2026-03-01
            tags: [queues]
            access: members
            description: Members description {PAID_MARKERS['members-description']} must stay private.
            ---

            # Deep dive

            {MEMBERS_TEASER}

            <!-- more -->

            ## Members heading {PAID_MARKERS['members-heading']}

            Members paragraph {PAID_MARKERS['members']} explains the sampling trade-off in depth.

            {MEMBERS_CHINESE}
            """,
        "articles/free-post.md": """\
            ---
            title: Free post
            date: 2026-02-01
            tags: [queues]
            ---

            # Free post

            Everyone may read this free post about queues.
            """,
    }


def adversarial_assets() -> dict[str, bytes]:
    return {
        "courses/leaklab/img/paid-only.svg": svg("paid only image"),
        "courses/leaklab/img/shared.svg": svg("shared image"),
    }


def adversarial_site(root: Path, **kwargs) -> Path:
    kwargs.setdefault("plugins", ecosystem_plugins(root))
    return write_site(root, adversarial_pages(), assets=adversarial_assets(), **kwargs)


# --- an independent scan -------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def site_texts(site_dir: Path) -> dict[str, str]:
    """Every file of a built site as text (gunzipped, entities and escapes undone, several ways)."""
    texts = {}
    for path in sorted(p for p in Path(site_dir).rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        raw = data.decode("utf-8", errors="replace")
        variants = [raw, html.unescape(raw), html.unescape(html.unescape(raw)), unquote(raw)]
        variants.append(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw))
        variants.append(html.unescape(variants[-1]))
        try:
            variants.append(json.dumps(json.loads(raw), ensure_ascii=False))
        except ValueError:
            pass
        texts[path.relative_to(site_dir).as_posix()] = "\n".join(variants)
    return texts


def words(text: str) -> str:
    """Lowercase words separated by single spaces, so `a-b_c`, `a b c` and `a\\nb c` all match."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def cjk(text: str) -> str:
    return "".join(_CJK.findall(text))


def find(texts: dict[str, str], needle: str) -> list[str]:
    """Files whose text contains `needle`, compared as word runs (or CJK characters)."""
    if _CJK.search(needle) and not re.search("[a-zA-Z]", needle):
        target = cjk(needle)
        return [name for name, text in texts.items() if target in cjk(text)]
    target = words(needle)
    return [name for name, text in texts.items() if target in words(text)]
