"""Math for buyers, offline: the KaTeX Folio ships, as asset objects of gated/.

When the site enables `pymdownx.arithmatex`, gated pages load KaTeX's stylesheet and
scripts from gated/assets (content-addressed like any image), and the bundle zip
carries them, so a formula renders with no network at all. The stylesheet carries its
woff2 fonts inline (about 400 KB, once): a page served by the gate with a signed URL
per asset needs no further URL signed for the fonts.
"""

from __future__ import annotations

import re
import base64
from pathlib import Path

from toolkit.gated.assets import Asset, AssetStore

VENDOR = Path(__file__).parent / "vendor"
KATEX = VENDOR / "katex"
_FONT_SRC = re.compile(r"src:url\(fonts/([\w-]+)\.woff2\) format\(\"woff2\"\)(?:,url\([^)]*\) format\(\"[^\"]*\"\))*")


def math_enabled(extensions: list) -> bool:
    return any(str(getattr(e, "__module__", e)).startswith("pymdownx.arithmatex") for e in extensions)


class MathKit:
    """KaTeX's files as assets: `head` lists what a page loads, `files` everything to ship."""

    def __init__(self, store: AssetStore) -> None:
        self.files: list[tuple[Asset, bytes]] = []
        fonts = {font.stem: base64.b64encode(font.read_bytes()).decode("ascii")
                 for font in sorted((KATEX / "fonts").glob("*.woff2"))}
        css = _FONT_SRC.sub(lambda m: f'src:url(data:font/woff2;base64,{fonts[m.group(1)]}) format("woff2")',
                            (KATEX / "katex.min.css").read_text(encoding="utf-8"))
        self.stylesheet = self._add(store, css.encode(), "katex.min.css", "folio:katex/katex.min.css")
        self.scripts = [
            self._add(store, (KATEX / "katex.min.js").read_bytes(), "katex.min.js", "folio:katex/katex.min.js"),
            self._add(store, (KATEX / "auto-render.min.js").read_bytes(), "auto-render.min.js",
                      "folio:katex/auto-render.min.js"),
            self._add(store, (VENDOR / "folio-math.js").read_bytes(), "folio-math.js", "folio:folio-math.js"),
        ]

    def _add(self, store: AssetStore, data: bytes, name: str, source: str) -> Asset:
        asset = store.describe_bytes(data, name, source)
        self.files.append((asset, data))
        return asset

    @property
    def head(self) -> list[Asset]:
        return [self.stylesheet, *self.scripts]

    def head_html(self, ref) -> str:
        """The `<head>` tags, with `ref(asset)` giving each file's URL from the page."""
        tags = [f'<link rel="stylesheet" href="{ref(self.stylesheet)}">']
        tags += [f'<script defer src="{ref(script)}"></script>' for script in self.scripts]
        return "\n".join(tags)
