"""Write `gated/`: self-contained paid pages, one zip (and a course EPUB) per product, the manifest.

Output is deterministic (same input, same bytes) and content-addressed (file
names carry the first 8 hex digits of their sha256). A product whose inputs
did not change since the last build is not rendered or written again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import mimetypes
import os
import posixpath
import re
import zipfile
from typing import TYPE_CHECKING
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

import jinja2
import markdown as md

from toolkit import __version__
from toolkit.content.model import Page, Site, is_markdown
from toolkit.gated.epub import build_epub
from toolkit.gated.manifest import Manifest, Price, StoredObject, Product as ManifestProduct
from toolkit.content.references import references

if TYPE_CHECKING:  # the build hands gated/ its public/private split; gated/ never imports build/
    from toolkit.build.public_pages import PublicSite

log = logging.getLogger("mkdocs.plugins.folio")

TEMPLATES = Path(__file__).parent / "templates" / "bundle"
HTML = "text/html; charset=utf-8"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: identical input, identical zip bytes
_ATTR = re.compile(r'(?P<attr>\b(?:src|href))="(?P<url>[^"]*)"')


@dataclass
class Product:
    id: str
    kind: str
    title: str
    prices: list[dict]
    locked: list[Page]  # pages sold by this product: one `page` object each
    contents: list[Page]  # every page of the offline bundle, in reading order
    slug: str
    intro: str = ""
    objects: list[dict] = field(default_factory=list)


def write_gated(site: Site, public: PublicSite, gated_dir: Path, config, gate_url: str | None,
                t: dict[str, str]) -> dict:
    """Render every product into `gated_dir` and return the manifest written last."""
    gated_dir.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(gated_dir / "manifest.json")
    writer = _Writer(site, gated_dir, config, gate_url, t)
    manifest_products = {}
    for product in _products(site):
        inputs = writer.digest(product)
        old = previous.get("products", {}).get(product.id, {})
        if old.get("inputs") == inputs and _objects_present(gated_dir, old.get("objects", [])):
            product.objects = old["objects"]
            log.info("Gated: %s unchanged, %d files kept", product.id, len(product.objects))
        else:
            product.objects = writer.write(product)
            log.info("Gated: %s rebuilt, %d files written", product.id, len(product.objects))
        manifest_products[product.id] = {
            "kind": product.kind, "title": product.title, "prices": product.prices,
            "inputs": inputs, "objects": product.objects,
        }
    manifest = Manifest(
        {pid: ManifestProduct(pid, p["kind"], p["title"], writer.lang,
                              [Price(**price) for price in p["prices"]],
                              [StoredObject(**o) for o in p["objects"]], p["inputs"])
         for pid, p in manifest_products.items()},
        [], f"folio {__version__}")
    manifest.write(gated_dir)
    _remove_stale(gated_dir, manifest)
    return manifest


def _products(site: Site) -> list[Product]:
    products = []
    for slug, course in site.courses.items():
        paid = [c for c in course.chapters if c.access == "paid"]
        if not paid:
            continue
        prices = [course.price.as_dict("one_time")] if course.price else []
        products.append(Product(course.product, "course", course.title, prices, paid, course.chapters,
                                slug, course.index.body))
    members = [p for p in site.locked_pages if p.product == "membership"]
    if members or site.membership:
        members.sort(key=lambda p: p.src)
        prices = [price.as_dict(plan) for plan, price in site.membership.items()]
        products.append(Product("membership", "membership", "Membership", prices, members, members, "membership"))
    return products


def _objects_present(gated_dir: Path, objects: list[dict]) -> bool:
    return bool(objects) and all(
        (gated_dir / o["key"]).is_file() and (gated_dir / o["key"]).stat().st_size == o["size"] for o in objects
    )


class _Writer:
    """Renders a product's pages with the site's Markdown extensions and packs them."""

    def __init__(self, site: Site, gated_dir: Path, config, gate_url: str | None, t: dict[str, str]):
        self.site = site
        self.gated_dir = gated_dir.resolve()
        self.gate_url = gate_url
        self.t = t
        self.lang = t.language
        self.site_url = (config.get("site_url") or "").rstrip("/")
        self.use_directory_urls = config.get("use_directory_urls", True)
        self.extensions = list(config["markdown_extensions"])
        self.extension_configs = dict(config["mdx_configs"])
        self.markdown = md.Markdown(extensions=self.extensions, extension_configs=self.extension_configs)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)
        self.page_template = env.get_template("page.html")
        self.index_template = env.get_template("index.html")
        self.css = (TEMPLATES / "bundle.css").read_text(encoding="utf-8") + _pygments_css()
        self._rendered: dict[str, str] = {}

    # -- what a product is made of ---------------------------------------------------------------

    def digest(self, product: Product) -> str:
        """sha256 of everything the product's files are made from."""
        h = hashlib.sha256()
        settings = [__version__, self.gate_url, self.site_url, self.lang, self.extensions,
                    product.title, product.prices, product.intro]
        h.update(json.dumps(settings, sort_keys=True, default=_stable_name).encode())
        h.update(json.dumps(self.extension_configs, sort_keys=True, default=_stable_name).encode())
        for page in product.contents:
            h.update(page.src.encode() + b"\0" + (self.site.docs_dir / page.src).read_bytes() + b"\0")
            for asset in sorted(self._assets(page)):
                h.update(asset.encode() + b"\0" + (self.site.docs_dir / asset).read_bytes() + b"\0")
        return h.hexdigest()

    def _assets(self, page: Page) -> set[str]:

        found = set()
        for ref in references(page.body, page.src):
            path = self._inside_docs(ref)
            if path is not None and path.is_file() and not is_markdown(ref):
                found.add(ref)
        return found

    def _inside_docs(self, src: str) -> Path | None:
        docs = self.site.docs_dir.resolve()
        path = (docs / src).resolve()
        return path if path.is_relative_to(docs) else None

    # -- writing ----------------------------------------------------------------------------------

    def write(self, product: Product) -> list[dict]:
        folder = "course/" + product.slug if product.kind == "course" else "membership"
        objects = []
        for page in product.locked:
            data = self._standalone_page(product, page).encode()
            stem = PurePosixPath(page.src).stem
            sub = "" if product.kind == "course" else PurePosixPath(page.src).parts[0] + "/"
            objects.append(self._put(f"{folder}/{sub}{stem}", ".html", data, HTML, "page", page.src, page.title))
        bundle = self._zip(product)
        objects.append(self._put(f"{folder}/{product.slug}", ".zip", bundle, "application/zip", "bundle",
                                 folder.replace("course/", "courses/"), product.title))
        if product.kind == "course":
            epub = build_epub(product, self._render, self._image_bytes, self.lang)
            objects.append(self._put(f"{folder}/{product.slug}", ".epub", epub, "application/epub+zip", "epub",
                                     f"courses/{product.slug}", product.title))
        return objects

    def _put(self, stem: str, suffix: str, data: bytes, content_type: str, role: str, source: str, title: str) -> dict:
        sha = hashlib.sha256(data).hexdigest()
        key = f"{stem}.{sha[:8]}{suffix}"
        path = (self.gated_dir / key).resolve()
        if not path.is_relative_to(self.gated_dir):
            raise ValueError(f"refusing to write outside gated/: {key}")
        if not (path.is_file() and path.stat().st_size == len(data)):
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        return {"key": key, "sha256": sha, "size": len(data), "content_type": content_type,
                "role": role, "source": source, "title": title}

    # -- rendering --------------------------------------------------------------------------------

    def _render(self, page: Page) -> str:
        """The page's whole body (teaser and locked part) as HTML, rendered once per build."""
        if page.src not in self._rendered:
            self.markdown.reset()
            self._rendered[page.src] = self.markdown.convert(page.body)
        return self._rendered[page.src]

    def _standalone_page(self, product: Product, page: Page, link=None, index_href: str | None = None) -> str:
        """One self-contained HTML file: inlined style, embedded images, links resolved."""
        link = link or self._online_link
        body = self._rewrite(self._render(page), page, link)
        position, previous, nxt = self._neighbours(product, page, link)
        return self.page_template.render(
            lang=self.lang, title=page.title, product_title=product.title, css=self.css, body=body,
            position=position, previous=previous, next=nxt, index_href=index_href, contents=self._t("chapters"),
            footer=self._footer(product),
        )

    def _neighbours(self, product: Product, page: Page, link):
        pages = product.contents
        i = pages.index(page)
        position = f"{i + 1} / {len(pages)}"
        prev_ = {"href": link(pages[i - 1].src), "title": pages[i - 1].title} if i > 0 else None
        next_ = {"href": link(pages[i + 1].src), "title": pages[i + 1].title} if i + 1 < len(pages) else None
        return position, prev_, next_

    def _footer(self, product: Product) -> str:
        return self.t["bundle_footer"].format(product=product.title)

    def _t(self, key: str) -> str:
        return (self.t or {}).get(key, key)

    def _online_link(self, target_src: str) -> str:
        """Where a link from a gated page to another page goes when read online."""
        target = self.site.pages.get(target_src)
        if target is not None and target.locked and self.gate_url:
            return f"{self.gate_url}/read/{target.product}?page={quote(target_src)}"
        return self._public_url(target_src)

    def _public_url(self, src: str) -> str:
        path = PurePosixPath(src)
        if not is_markdown(path.name):
            return f"{self.site_url}/{quote(src)}" if self.site_url else src
        if self.use_directory_urls:
            url = str(path.parent / ("" if path.stem in ("index", "README") else path.stem)).strip(".") + "/"
            url = url.lstrip("/")
        else:
            url = str(path.with_suffix(".html"))
        return f"{self.site_url}/{quote(url)}" if self.site_url else url

    def _rewrite(self, html: str, page: Page, link) -> str:
        """Embed local images as data: URIs and send links to other pages through `link`."""
        base = posixpath.dirname(page.src)

        def replace(match: re.Match) -> str:
            attr, url = match["attr"], match["url"]
            if not url or url.startswith(("#", "data:", "mailto:")) or "://" in url:
                return match.group(0)
            target, _, fragment = url.partition("#")
            src = posixpath.normpath(posixpath.join(base, unquote(target)))
            if attr == "src":
                data = self._image_bytes(src)
                return f'{attr}="{_data_uri(src, data)}"' if data is not None else match.group(0)
            if is_markdown(src):
                dest = link(src)
                return f'{attr}="{escape(dest)}{"#" + fragment if fragment else ""}"'
            return match.group(0)

        return _ATTR.sub(replace, html)

    def _image_bytes(self, src: str) -> bytes | None:
        path = self._inside_docs(src)
        return path.read_bytes() if path is not None and path.is_file() else None

    # -- the offline bundle ------------------------------------------------------------------------

    def _zip(self, product: Product) -> bytes:
        """An offline mini-site: index, every page, the original Markdown and its files."""
        root = product.slug
        names = {p.src: _bundle_name(p, product) for p in product.contents}

        def offline_link(src: str) -> str:
            return names.get(src) or self._public_url(src)

        entries: dict[str, bytes] = {}
        for page in product.contents:
            entries[f"{root}/{names[page.src]}"] = self._standalone_page(product, page, offline_link, "index.html").encode()
            entries[f"{root}/source/{page.src}"] = (self.site.docs_dir / page.src).read_bytes()
            for asset in self._assets(page):
                entries[f"{root}/source/{asset}"] = (self.site.docs_dir / asset).read_bytes()
        intro = self.markdown.reset().convert(product.intro) if product.intro else ""
        index = self.index_template.render(
            lang=self.lang, product_title=product.title, css=self.css, intro=intro, footer=self._footer(product),
            entries=[{"href": names[p.src], "title": p.title} for p in product.contents],
        )
        entries[f"{root}/index.html"] = index.encode()
        return deterministic_zip(entries)


def deterministic_zip(entries: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    """A zip whose bytes depend only on `entries`: sorted names, fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            info = zipfile.ZipInfo(first[0], ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, first[1])
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _bundle_name(page: Page, product: Product) -> str:
    path = PurePosixPath(page.src)
    prefix = "" if product.kind == "course" else path.parts[0] + "-"
    return f"{prefix}{path.stem}.html"


def _data_uri(src: str, data: bytes) -> str:
    mime = mimetypes.guess_type(src)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _stable_name(value) -> str:
    """A JSON stand-in for objects in the Markdown config that has no per-process address."""
    return getattr(value, "__qualname__", type(value).__name__)


def _pygments_css() -> str:
    try:
        from pygments.formatters import HtmlFormatter
    except ImportError:  # pragma: no cover - pygments comes with mkdocs-material
        return ""
    return HtmlFormatter(style="default").get_style_defs(".highlight")


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _remove_stale(gated_dir: Path, manifest: Manifest) -> None:
    """Delete files of earlier builds that the new manifest no longer names."""
    keep = manifest.keys()
    for sub in ("course", "membership"):
        for path in sorted((gated_dir / sub).rglob("*"), reverse=True):
            rel = path.relative_to(gated_dir).as_posix()
            if path.is_file() and rel not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
