"""Formulas in the EPUB as MathML: e-readers show MathML, and most run no scripts to render TeX.

The site and the bundle render TeX with KaTeX in the browser. An EPUB 3 reading system
shows MathML itself, so each formula pymdownx.arithmatex marked (`<span class="arithmatex">`
inline, `<div class="arithmatex">` displayed) is converted at build time with latex2mathml.
A formula it cannot convert stays as its TeX source, which is still readable.
"""

from __future__ import annotations

from lxml import etree
from latex2mathml.converter import convert

_DELIMITERS = (("\\(", "\\)", "inline"), ("\\[", "\\]", "block"), ("$$", "$$", "block"), ("$", "$", "inline"))


def formulas_to_mathml(root) -> int:
    """Replace the TeX of every arithmatex element under `root` by MathML; give how many were converted."""
    converted = 0
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or "arithmatex" not in (node.get("class") or "").split():
            continue
        tex, display = _formula(node)
        if tex is None:
            continue
        try:
            math = etree.fromstring(convert(tex, display=display).encode("utf-8"))
        except Exception:  # latex2mathml has no common error type: any failure keeps the readable TeX
            continue
        for child in list(node):
            node.remove(child)
        node.text = None
        node.append(math)
        converted += 1
    return converted


def _formula(node) -> tuple[str | None, str]:
    text = "".join(node.itertext()).strip()
    for start, end, display in _DELIMITERS:
        if text.startswith(start) and text.endswith(end) and len(text) >= len(start) + len(end):
            display = "block" if node.tag == "div" else display
            return text[len(start) : len(text) - len(end)].strip(), display
    return None, "inline"
