"""Which local files a page's Markdown links to or embeds, as docs-relative paths."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:\s|$)", re.M)
_HTML_ATTR = re.compile(r"""\b(?:src|href|data|poster|srcset)\s*=\s*["']([^"']+)["']""", re.I)


def references(markdown: str, src: str) -> set[str]:
    """Docs-relative paths of the local files a page's Markdown links to or embeds."""
    found = set()
    base = posixpath.dirname(src)
    # Raw HTML needs a `<`: most pages have none, and this pattern has no literal to skip ahead by.
    for pattern in (_MD_LINK, _REF_DEF, _HTML_ATTR) if "<" in markdown else (_MD_LINK, _REF_DEF):
        for match in pattern.finditer(markdown):
            for target in match.group(1).split(","):
                resolved = _resolve(target.strip().split(" ")[0], base)
                if resolved:
                    found.add(resolved)
    return found


def _resolve(target: str, base: str) -> str | None:
    if not target or target.startswith(("#", "mailto:", "data:", "tel:")) or "://" in target:
        return None
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    normal = posixpath.normpath(joined)
    return None if normal.startswith("..") else normal
