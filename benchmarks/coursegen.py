"""Generate an image-heavy course: ~30 chapters, ~150 MB of figures, formulas, Chinese text.

Figures are valid PNGs of random pixels stored uncompressed (fast to make, impossible to
compress: like real photos for a zip). Every chapter shows its own figures; a few figures
are shared between chapters (one by a site-absolute path), as in real courses.
"""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import yaml

EXTENSIONS = [
    "admonition", "attr_list", "md_in_html", "footnotes", "tables", {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.tabbed", {"pymdownx.arithmatex": {"generic": True}},
]

CHINESE = ("在生产环境里，我们发现连接池的等待时间往往比查询本身更长，所以先把池子的大小和超时一起调小，"
           "再观察延迟分布的变化。光学系统的成像质量取决于透镜的曲率、材料的折射率以及光阑的位置。")
ENGLISH = ("The thin lens equation relates the focal length to the distances of object and image, and "
           "every practical optical design starts from it before aberrations are considered in detail. ")


def png(width: int, height: int, rng: random.Random) -> bytes:
    raw = b"".join(b"\0" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b"")


def generate_course(root: Path, chapters: int = 30, megabytes: int = 150, seed: int = 7) -> Path:
    """Write the site into `root`; give the path of its mkdocs.yml (a plain twin is beside it)."""
    rng = random.Random(seed)
    docs = root / "content"
    course = docs / "courses/optics"
    (course / "img").mkdir(parents=True, exist_ok=True)
    (docs / "static").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Optics school\n\nA site with one image-heavy course.\n", encoding="utf-8")
    per_chapter = 5
    side = int(((megabytes * 1024 * 1024) / (chapters * per_chapter + 1) / 3) ** 0.5)
    (docs / "static/shared.png").write_bytes(png(side, side, rng))
    (course / "index.md").write_text(
        "---\ntype: course\ntitle: 光学与成像 Optics and Imaging\nprice: 49 USD\nlevel: advanced\n"
        "authors: [Ada Figures]\nlanguage: zh\n---\n\n# 光学与成像\n\n" + CHINESE + "\n", encoding="utf-8")
    for n in range(1, chapters + 1):
        figures = []
        for k in range(per_chapter):
            name = f"img/ch{n:02d}-fig{k}.png"
            (course / name).write_bytes(png(side, side, rng))
            figures.append(f"![图 {n}.{k}]({name})")
        access = "access: free\n" if n == 1 else ""
        body = "\n\n".join([
            f"# 第 {n} 章 Chapter {n}", CHINESE, "<!-- more -->", f"## 公式 Formulas {n}",
            f"The lens law $\\frac{{1}}{{f}} = \\frac{{1}}{{u}} + \\frac{{1}}{{v}}$ and chapter {n}'s integral:",
            f"$$\n\\int_0^{{{n}}} x^2 \\, dx = \\frac{{{n}^3}}{{3}}\n$$",
            *[ENGLISH * 3, CHINESE * 2] * 3, *figures[:3],
            '!!! note "注意"\n    ' + CHINESE,
            f"```python\ndef focal_length(u, v):\n    return 1 / (1 / u + 1 / v)  # chapter {n}\n```",
            *figures[3:], "![共享图](/static/shared.png)",
            f"See [the next chapter](ch{n + 1:02d}.md#formulas-{n + 1})." if n < chapters else "The end.",
        ])
        (course / f"ch{n:02d}.md").write_text(f"---\ntitle: 第 {n} 章\n{access}---\n\n{body}\n", encoding="utf-8")
    theme = {"name": "material", "language": "zh"}
    base = {"site_name": "Optics school", "site_url": "https://optics.example/", "docs_dir": "content",
            "theme": theme, "markdown_extensions": EXTENSIONS}
    folio = {**base, "plugins": ["search", {"folio": {"gate_url": "https://gate.optics.example"}}]}
    plain = {**base, "plugins": ["search"]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(folio, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "mkdocs-plain.yml").write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return root / "mkdocs.yml"


def unique_asset_bytes(docs: Path) -> int:
    """Bytes of the distinct image files under `docs`."""
    return sum(p.stat().st_size for p in docs.rglob("*.png"))
