"""Links to headings that are now behind the paywall go to the gate's reading URL.

A teaser that says "see [Tuning](#tuning) below", or another page that links to
`02-locked.md#tuning`, would point at an anchor the public page no longer has. On
the rendered public HTML (a parse tree, not a regex), such a link is sent to
`<gate_url>/read/<product>/<page>#<anchor>`, where a buyer reads the whole page.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

import markdown as md

from toolkit.gated import htmltree
from toolkit.gated.render import read_url

_HEADING = re.compile(r"^#{1,6}\s+\S")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


class LockedAnchors:
    """The heading ids of every locked page's locked part, computed like the site computes them."""

    def __init__(self, public, config, gate_url: str) -> None:
        self.public = public
        self.gate_url = gate_url
        self._converter = md.Markdown(extensions=list(config["markdown_extensions"]),
                                      extension_configs=dict(config["mdx_configs"]))
        self._ids: dict[str, set[str]] = {}

    def ids(self, src: str) -> set[str]:
        """Anchors of the headings after the teaser of the locked page `src`."""
        if src not in self._ids:
            locked = self.public.locked[src]
            converter = self._converter
            teaser = _heading_lines(locked.teaser)
            converter.reset()
            before = htmltree.ids(htmltree.parse_fragment(converter.convert("\n\n".join(teaser)))) if teaser else set()
            converter.reset()
            both = "\n\n".join(teaser + _heading_lines(locked.remainder))
            self._ids[src] = htmltree.ids(htmltree.parse_fragment(converter.convert(both))) - before
        return self._ids[src]

    def rewrite(self, html: str, page_url: str, src_of_url) -> str:
        """`html` with links to locked anchors sent to the gate; unchanged text if there are none."""
        if "#" not in html:
            return html
        root = htmltree.parse_fragment(html)
        here = htmltree.ids(root)
        changed = False
        for element in root.iter("a"):
            href = element.get("href")
            if not href or "#" not in href or (href.startswith("#") and unquote(href[1:]) in here):
                continue  # an anchor this page has (a permalink, a teaser heading) stays as it is
            target = self._locked_target(href, page_url, src_of_url)
            if target is not None:
                element.set("href", target)
                changed = True
        return htmltree.to_html(root) if changed else html

    def _locked_target(self, href: str, page_url: str, src_of_url) -> str | None:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.fragment:
            return None
        absolute = urljoin("/" + page_url, parts.path) if parts.path else "/" + page_url
        path = posixpath.normpath(unquote(absolute)).lstrip("/")
        src = src_of_url("" if path == "." else path)
        if src is None or src not in self.public.locked:
            return None
        if unquote(parts.fragment) not in self.ids(src):
            return None
        product = self.public.locked[src].page.product
        return f"{read_url(self.gate_url, product, src)}#{parts.fragment}"


def _heading_lines(markdown_text: str) -> list[str]:
    """ATX heading lines outside code fences."""
    found, fence = [], None
    for line in markdown_text.splitlines():
        match = _FENCE.match(line)
        if match:
            mark = match.group(1)
            fence = mark if fence is None else (None if mark[0] == fence[0] and len(mark) >= len(fence) else fence)
            continue
        if fence is None and _HEADING.match(line):
            found.append(line)
    return found
