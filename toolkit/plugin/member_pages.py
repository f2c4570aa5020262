"""Paid pages as pages of the site: each locked page rendered a second time, whole, by MkDocs.

The public build renders a locked page with its teaser and the paywall. For members the
same page is rendered again, in the same build, with the same theme, template, navigation,
extensions and header, but with its locked part in place of the paywall. That second
rendering never reaches `site/`: it is kept in memory until the gated output is written,
then stored in `gated/` twice, as objects of the page's product in the manifest:

- `site-page`: the whole page, which the gate's `/read` serves;
- `locked-part`: the locked part alone (and the page's table of contents), an HTML fragment
  the site's unlock script puts in place of the paywall.

Served from the gate, the page's relative URLs would point at the gate: every theme file,
script and link is made absolute to `site_url`, and every paid figure is written as its
asset `ref` (the one the page's standalone object lists), which the gate replaces with a
short-lived signed URL. Search is left out of these pages (its worker cannot load from
another origin); members search the site, where the paywalls unlock in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from toolkit.gated.manifest import Manifest, StoredObject

log = logging.getLogger("mkdocs.plugins.folio")

LOCKED_MARK = "<!-- folio:locked -->"
# The wrapper the locked part gets on a member page, and the end of it.
LOCKED_OPEN = '<div class="folio-locked" id="folio-locked">'
LOCKED_END = "<!-- /folio:locked -->"
HTML = "text/html; charset=utf-8"
MEMBER_ROLES = ("site-page", "locked-part")

_URL_ATTR = re.compile(r'(\s(?:src|href|poster|data-src))="([^"]*)"')
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_SEARCH = re.compile(r'<div class="md-search" data-md-component="search".*?</div>\s*</div>\s*</div>\s*</div>',
                     re.S)
_SEARCH_BUTTON = re.compile(r'<label class="md-header__button md-icon" for="__search">.*?</label>', re.S)
_NAV = re.compile(r"<(/?)nav\b", re.I)


@dataclass
class MemberPage:
    """One locked page rendered whole for members: the page, its locked part, the figures it signs."""

    src: str
    html: str
    part: str
    figures: dict[str, str] = field(default_factory=dict)  # ref written in the HTML -> docs source


class MemberPages:
    """Collects the member renderings during the build and adds them to gated/ after it."""

    def __init__(self, public, site_url: str) -> None:
        self.public = public
        self.site_url = site_url.rstrip("/") + "/"
        self.pages: dict[str, MemberPage] = {}

    # -- during the build -------------------------------------------------------------------------

    def render(self, page, config, files, env, nav, folio_context: dict, decorate=None) -> None:
        """Render `page` (a locked page, being built) again with its locked part; keep the result.
        `decorate` adds what the page's public Markdown carries besides its text (the header)."""
        from mkdocs.commands.build import get_context

        locked = self.public.locked[page.file.src_uri]
        saved = (page.markdown, page.content, page.toc)
        try:
            page.markdown = f"{locked.teaser.rstrip()}\n\n{LOCKED_MARK}\n\n{locked.remainder}"
            if decorate is not None:
                page.markdown = decorate(page.markdown)
            with _quiet("mkdocs.structure.pages"):  # links to paid figures: the gated build checks them
                page.render(config, files)
            content = page.content or ""
            at = content.find(LOCKED_MARK)
            if at < 0:
                return _not_written(page.file.src_uri)
            page.content = (content[:at] + LOCKED_OPEN + content[at + len(LOCKED_MARK):]
                            + LOCKED_END + "</div>")
            context = get_context(nav, files, config, page)
            context.update(folio_context)  # what Folio's own on_page_context adds: header, head, script
            html = env.get_template(page.meta.get("template", "main.html")).render(context)
        finally:
            page.markdown, page.content, page.toc = saved
        member = self._for_the_gate(page.file.src_uri, page.url, html)
        if member is None:
            return _not_written(page.file.src_uri)
        self.pages[page.file.src_uri] = member

    def _for_the_gate(self, src: str, url: str, html: str) -> MemberPage | None:
        """Absolute URLs to the site, paid figures as refs-to-be, the locked part cut out."""
        base = self.site_url + url
        figures: dict[str, str] = {}

        def rewrite(found: re.Match) -> str:
            attribute, value = found.group(1), found.group(2)
            figure = self._paid_figure(src, value)
            if figure is not None:
                figures[value] = figure
                return found.group(0)  # becomes the asset's ref when the gated objects are known
            return f'{attribute}="{_absolute(base, value)}"'

        html = _URL_ATTR.sub(rewrite, html)
        html = _CONFIG.sub(lambda m: m.group(1) + _config_for_the_gate(m.group(2), self.site_url) + m.group(3), html)
        html = _SEARCH_BUTTON.sub("", _SEARCH.sub("", html, count=1), count=1)
        start = html.find(LOCKED_OPEN)
        end = html.find(LOCKED_END, start)
        if start < 0 or end < 0:  # a template that drops or repeats page.content: no guess, no page
            return None
        part = html[start:end] + "</div>\n" + (_toc_nav(html) or "")
        return MemberPage(src, html, part, figures)

    def _paid_figure(self, src: str, value: str) -> str | None:
        """The docs source of a file only paid text uses, if `value` (as written in the page) is one."""
        if not value or value.startswith(("#", "/", "data:", "mailto:", "tel:", "javascript:")):
            return None
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), unquote(parts.path)))
        return target if target in self.public.paid_only_assets else None

    # -- after the build ---------------------------------------------------------------------------

    def add_to(self, manifest: Manifest, gated_dir: Path) -> Manifest:
        """Write each member page and locked part into gated/ as objects of its page's products."""
        before = manifest.local_keys()
        key_of_source = {a.source: a.key for a in manifest.assets}
        for product in manifest.products.values():
            objects = [o for o in product.objects if o.role not in MEMBER_ROLES]
            for page in [o for o in objects if o.role == "page"]:
                member = self.pages.get(page.source)
                if member is None:
                    continue
                refs = {ref.key: ref for ref in page.assets}
                head = _standalone_head(gated_dir / page.key)
                html = member.html if "katex" in member.html else member.html.replace("</head>", head + "</head>", 1)
                objects += [self._object(gated_dir, page, member, role, text, refs, key_of_source)
                            for role, text in (("site-page", html), ("locked-part", head + member.part))]
            product.objects = objects
        manifest.write(gated_dir)
        for stale in before - manifest.local_keys():
            path = gated_dir / stale
            if path.is_file():
                path.unlink()
        return manifest

    def _object(self, gated_dir: Path, page: StoredObject, member: MemberPage, role: str, html: str, refs: dict,
                key_of_source: dict) -> StoredObject:
        for value, source in member.figures.items():
            ref = refs.get(key_of_source.get(source))
            # Only what the standalone page signs may be signed here; anything else stays unloadable.
            if ref is not None:
                html = html.replace(f'="{value}"', f'="{ref.ref}"')
        used = [ref for ref in refs.values() if f'="{ref.ref}"' in html]
        data = html.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        stem = PurePosixPath(page.key)
        name = stem.name.split(".", 1)[0]
        key = f"{stem.parent}/{name}--{'site' if role == 'site-page' else 'part'}.{sha[:8]}.html"
        path = gated_dir / key
        if not (path.is_file() and path.stat().st_size == len(data)):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        assets = tuple(sorted({r.key: r for r in used}.values(), key=lambda r: r.key))
        return StoredObject(key, sha, len(data), HTML, role, page.source, page.title, assets)


def _not_written(src: str) -> None:
    log.warning("%s: its member page was not written (its locked part could not be found in the rendered "
                "page); members read it on the standalone page", src)


def _standalone_head(path: Path) -> str:
    """What the standalone page adds to its <head> (KaTeX's files, as refs), for the member page too."""
    try:
        html = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    start, end = html.find("</style>"), html.find("</head>")
    head = html[start + len("</style>"):end].strip() if 0 <= start < end else ""
    return head + "\n" if head else ""


def _absolute(base: str, value: str) -> str:
    """A page-relative URL made absolute to the page's place on the site; anchors and the rest kept."""
    if not value or value.startswith(("#", "data:", "mailto:", "tel:", "javascript:")):
        return value
    if urlsplit(value).scheme:
        return value
    return urljoin(base, value)


def _config_for_the_gate(text: str, site_url: str) -> str:
    """Material's page configuration with its base at the site (and no search worker)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    data["base"] = site_url.rstrip("/")
    data.pop("search", None)
    data["features"] = [f for f in data.get("features", []) if not f.startswith(("navigation.instant", "search"))]
    return json.dumps(data, ensure_ascii=False)


def _toc_nav(html: str) -> str | None:
    """Material's table of contents (the secondary navigation) of a page, as written."""
    start = html.find('<nav class="md-nav md-nav--secondary"')
    if start < 0:
        return None
    depth = 0
    for found in _NAV.finditer(html, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", found.end()) + 1
            return html[start:end]
    return None


@contextmanager
def _quiet(name: str):
    """Only errors from `name` while it runs (its warnings are reported by the gated build)."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
