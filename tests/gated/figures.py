"""Courses with figures, formulas and Chinese text, for the gated-output tests and the benchmark."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from tests import sites

MATH_EXTENSIONS = sites.MARKDOWN_EXTENSIONS + ["pymdownx.tabbed", {"pymdownx.arithmatex": {"generic": True}}]


def png(width: int, height: int, seed: int) -> bytes:
    """A valid PNG of random pixels; its data is stored uncompressed, so making it is fast."""
    rng = random.Random(seed)
    row = width * 3
    raw = b"".join(b"\0" + rng.randbytes(row) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 0))
            + chunk(b"IEND", b""))


def course_index(slug: str, title: str, language: str | None = None, chapters: int = 0) -> str:
    lang = f"language: {language}\n" if language else ""
    return (f"---\ntype: course\ntitle: {title}\nprice: 29 USD\nlevel: intermediate\nauthors: [Ada Figures]\n"
            f"{lang}---\n\n# {title}\n\nA course about {slug}.\n")


def chapter(title: str, teaser: str, paid: str) -> str:
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n{teaser}\n\n<!-- more -->\n\n{paid}\n"


def figures_site(root: Path, *, math: bool = True, language: str = "en", extra_pages: dict | None = None,
                 extra_assets: dict | None = None) -> Path:
    """A course `optics` whose paid chapters share two images (one by a site-absolute path) and use math."""
    pages = {
        "index.md": "# Home\n",
        "courses/optics/index.md": course_index("optics", "Optics"),
        "courses/optics/01-lenses.md": chapter(
            "Lenses", "Free words about lenses before the paywall.",
            "## Thin lens\n\nThe thin lens law is $\\frac{1}{f} = \\frac{1}{u} + \\frac{1}{v}$ for a lens.\n\n"
            "![A lens](img/lens.png)\n\n![Shared figure](/static/shared.png)\n\n"
            "$$\n\\int_0^1 x^2 \\, dx = \\frac{1}{3}\n$$\n\nSee [mirrors](02-mirrors.md#curved-mirrors).\n"),
        "courses/optics/02-mirrors.md": chapter(
            "Mirrors", "Free words about mirrors.",
            "## Curved mirrors\n\n![The lens again](img/lens.png)\n\n![Shared again](../../static/shared.png)\n"),
        **(extra_pages or {}),
    }
    assets = {"courses/optics/img/lens.png": png(16, 16, 1), "static/shared.png": png(12, 12, 2),
              **(extra_assets or {})}
    extra = {"markdown_extensions": MATH_EXTENSIONS} if math else None
    return sites.write_site(root, pages, assets=assets, language=language, extra=extra,
                            folio={"membership": None})
