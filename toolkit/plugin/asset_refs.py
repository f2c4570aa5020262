"""Which site files a rendered page refers to, read from its HTML the way a browser would.

Reading the renderer's output (not the Markdown) means every form counts: names with
spaces or parentheses, `<angle brackets>`, unquoted attributes, `srcset`, CSS `url()`
in `style` attributes and `<style>` blocks, and site-absolute `/…` paths. Attribute
values are found by the HTML syntax of attributes (quoted or not), then entity-decoded.
"""

from __future__ import annotations

import html as htmllib
import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_URL_ATTR = re.compile(r"""[\s"'](?:src|href|data|poster|action|background|cite|xlink:href)""" + _VALUE, re.I)
_SRCSET = re.compile(r"""[\s"'](?:srcset|imagesrcset)""" + _VALUE, re.I)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|&quot;(.*?)&quot;|&#0*39;(.*?)&#0*39;|([^'"\s)]+))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.I)


def _decoded(match: re.Match) -> str:
    value = next(g for g in match.groups() if g is not None)
    return htmllib.unescape(value) if "&" in value else value


def urls_in(html: str) -> list[str]:
    """Every URL an element attribute, srcset or CSS in `html` names (entity-decoded)."""
    urls = [_decoded(m) for m in _URL_ATTR.finditer(html)]
    for match in _SRCSET.finditer(html):
        value = _decoded(match)
        urls += [item.strip().split()[0] for item in value.split(",") if item.strip()]
    urls += [_decoded(m).strip() for m in _CSS_URL.finditer(html)]
    urls += [m.group(2) for m in _CSS_IMPORT.finditer(html)]
    return urls


def site_paths(html: str, page_url: str, site_prefix: str = "/", *more_bases: str,
               names: set[str] | None = None) -> set[str]:
    """Site-relative paths (unquoted, no leading slash) of the local files `html` refers to.

    `page_url` is the page's URL relative to the site root (MkDocs' `page.url`), the base
    relative URLs are resolved against (`more_bases` are tried too); `site_prefix` is the
    path part of site_url, so `/docs/img/a.png` on a site served under `/docs/` is `img/a.png`.
    With `names`, only URLs whose last segment is one of those file names are resolved.
    """
    bases = ["http://site.invalid/" + url.lstrip("/") for url in (page_url, *more_bases)]
    prefix = "/" + site_prefix.strip("/") + "/" if site_prefix.strip("/") else "/"
    found = set()
    for url in urls_in(html):
        if not url or url.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
            continue
        if names is not None:
            last = url.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]
            if (unquote(last) if "%" in last else last) not in names:
                continue
        for base in bases:
            parts = urlsplit(urljoin(base, url))
            if parts.netloc != "site.invalid":
                break
            path = unquote(parts.path)
            for start in (prefix, "/"):
                if path.startswith(start):
                    relative = path[len(start):]
                    found.add(posixpath.normpath(relative) if relative else "")
    return found
