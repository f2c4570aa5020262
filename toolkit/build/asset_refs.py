"""Which site files a rendered page refers to, read from its HTML the way a browser would.

Reading the renderer's output (not the Markdown) means every form counts: names with
spaces or parentheses, `<angle brackets>`, unquoted attributes, `srcset`, CSS `url()`
in `style` attributes and `<style>` blocks, and site-absolute `/…` paths.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

_URL_ATTRS = {"src", "href", "data", "poster", "action", "background", "cite", "xlink:href"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.I)


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name in _URL_ATTRS:
                self.urls.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.urls += [item.strip().split()[0] for item in value.split(",") if item.strip()]
            elif name == "style":
                self.urls += css_urls(value)
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    return [m.group(2).strip() for m in _CSS_URL.finditer(css)] + [m.group(2) for m in _CSS_IMPORT.finditer(css)]


def site_paths(html: str, page_url: str, site_prefix: str = "/") -> set[str]:
    """Site-relative paths (unquoted, no leading slash) of the local files `html` refers to.

    `page_url` is the page's URL relative to the site root (MkDocs' `page.url`);
    `site_prefix` is the path part of site_url, so `/docs/img/a.png` on a site served
    under `/docs/` is `img/a.png`.
    """
    parser = _References()
    parser.feed(html)
    parser.close()
    base = "http://site.invalid/" + page_url.lstrip("/")
    prefix = "/" + site_prefix.strip("/") + "/" if site_prefix.strip("/") else "/"
    found = set()
    for url in parser.urls:
        url = url.strip()
        if not url or url.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
            continue
        parts = urlsplit(urljoin(base, url))
        if parts.netloc != "site.invalid":
            continue
        path = unquote(parts.path)
        for start in (prefix, "/"):
            if path.startswith(start):
                relative = path[len(start):]
                found.add(posixpath.normpath(relative) if relative else "")
    return found
