"""Write `gated/`: one page per paid page, assets once, a pack list per download, the manifest.

Output is deterministic (same input, same bytes) and content-addressed: pages carry the
first 8 hex digits of their sha256 in their names, assets are stored once under
`assets/<sha256[:16]>.<ext>`. A download (the zip, a course's EPUB) is written as a pack
list (`toolkit.gated.pack`) that `folio publish` assembles, so `gated/` holds each figure
once and no build writes a 150 MB archive. Work is incremental twice over:

- a page whose inputs (its Markdown, the files it uses, the settings, the pages it links
  to) did not change is not rendered again: its three renderings come from a cache;
- a product none of whose inputs changed is not packed again: its files are kept.

The log names every page that was rendered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2

from toolkit import __version__
from toolkit.content.model import Page, Site, is_markdown
from toolkit.content.references import references
from toolkit.content.strings import language_of, strings
from toolkit.gated.assets import Asset, AssetStore
from toolkit.gated.epub import epub_pack
from toolkit.gated.manifest import AssetRef, Manifest, ManifestError, ObjectRef, Price, Product, StoredObject
from toolkit.gated.pack import PACK_SUFFIX, Pack
from toolkit.gated.math import MathKit, math_enabled
from toolkit.gated.mathml import MathMLCache, formulas_in
from toolkit.gated.remote import RemoteImages
from toolkit.gated.products import Offer, offers, page_language
from toolkit.gated.render import PageRenderer, Places, RenderedPage, bundle_name, page_folder

log = logging.getLogger("mkdocs.plugins.folio")

TEMPLATES = Path(__file__).parent / "templates" / "bundle"
HTML = "text/html; charset=utf-8"
# Bump when the renderings or the downloads change shape, so old cache entries and products are
# not reused (4: downloads became pack lists; 5: EPUB chapters checked for epubcheck;
# 6: the membership has an EPUB too, so an unchanged membership is packed again once).
RENDER_FORMAT = "6"


@dataclass
class GatedOutput:
    """What a gated build produced: the manifest written, problems found, pages rendered."""

    manifest: Manifest
    problems: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # sources rendered this time (not from the cache)


def write_gated(site: Site, gated_dir: Path, config, gate_url: str | None, *, build: str = "production",
                cache_dir: Path | None = None) -> GatedOutput:
    """Render every product into `gated_dir`; the manifest is written last."""
    gated_dir = Path(gated_dir).resolve()
    gated_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = Path(cache_dir) if cache_dir else gated_dir.parent / ".folio-cache" / "gated"
    writer = _Writer(site, gated_dir, config, gate_url, cache_dir)
    # A preview (`folio serve`) writes the pages a buyer reads online, not the downloads' pack
    # lists: it is never published, so nothing would ever assemble them.
    writer.pack_downloads = build == "production"
    previous = _previous_manifest(gated_dir)
    products: dict[str, Product] = {}
    writer.convert_formulas_ahead()
    for offer in offers(site, writer.default_language):
        products[offer.id] = writer.product(offer, previous.products.get(offer.id) if previous else None)
    writer.store.save_cache()
    writer.mathml.save()
    writer.forget_unused_renderings()
    manifest = Manifest(products, [a.stored() for a in writer.store.used.values()], f"folio {__version__}", build)
    manifest.write(gated_dir)
    _remove_stale(gated_dir, manifest)
    return GatedOutput(manifest, writer.problems, writer.rendered)


def check_gated(site: Site, gated_dir: Path, config, gate_url: str | None, *, cache_dir: Path | None = None) -> list[str]:
    """The problems `write_gated` would report (missing files, broken links, formulas, remote images),
    found by rendering every paid page (or reading its cached rendering) without writing gated/."""
    gated_dir = Path(gated_dir).resolve()
    cache_dir = Path(cache_dir) if cache_dir else gated_dir.parent / ".folio-cache" / "gated"
    writer = _Writer(site, gated_dir, config, gate_url, cache_dir)
    for offer in offers(site, writer.default_language):
        index = site.courses[offer.slug].index if offer.kind == "course" else None
        for page in list(offer.contents) + ([index] if index is not None else []):
            writer.rendered_page(page, offer)
    writer.mathml.save()
    return writer.problems


class _Writer:
    def __init__(self, site: Site, gated_dir: Path, config, gate_url: str | None, cache_dir: Path) -> None:
        self.site = site
        self.gated_dir = gated_dir
        self.cache_dir = cache_dir
        self.default_language = language_of(_theme_language(config))
        self.places = Places(gate_url, (config.get("site_url") or "").rstrip("/"),
                             bool(config.get("use_directory_urls", True)), _remote_images(config))
        self.mathml = MathMLCache(cache_dir / "mathml.json")
        self.remote = RemoteImages(cache_dir / "remote", fetch=self.places.remote_images == "fetch")
        self.store = AssetStore(gated_dir, cache_dir / "asset-hashes.json")
        self._config = config
        self._renderer: PageRenderer | None = None
        self.math = MathKit(self.store) if math_enabled(list(config["markdown_extensions"])) else None
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                 keep_trailing_newline=True)
        self.page_template = env.get_template("page.html")
        self.index_template = env.get_template("index.html")
        self.css = (TEMPLATES / "bundle.css").read_text(encoding="utf-8") + _pygments_css()
        self.settings = self._settings_digest(config)
        self.pack_downloads = True
        self.problems: list[str] = []
        self.rendered: list[str] = []
        self._used_cache: set[str] = set()

    # -- what a page is made of ------------------------------------------------------------------

    def _settings_digest(self, config) -> str:
        h = hashlib.sha256()
        templates = sorted(TEMPLATES.iterdir())
        settings = [RENDER_FORMAT, __version__, self.places.gate_url, self.places.site_url,
                    self.places.use_directory_urls, self.places.remote_images, list(config["markdown_extensions"]),
                    sorted((p.src, p.locked, p.product) for p in self.site.pages.values())]
        h.update(json.dumps(settings, sort_keys=True, default=_stable_name).encode())
        h.update(json.dumps(dict(config["mdx_configs"]), sort_keys=True, default=_stable_name).encode())
        for template in templates:
            h.update(template.read_bytes())
        return h.hexdigest()

    def page_digest(self, page: Page, offer: Offer) -> str:
        """sha256 of everything a page's renderings are made from."""
        h = hashlib.sha256(self.settings.encode())
        h.update(json.dumps([offer.id, offer.kind, [p.src for p in offer.contents], page.src, page.body_line],
                            ensure_ascii=False).encode())
        h.update(page.body.encode())
        docs = self.site.docs_dir
        for ref in sorted(references(page.body, page.src)):
            if is_markdown(ref):  # a linked page's text does not change this page (its status is above)
                continue
            path = docs / ref
            # The file's content hash (cached by size and mtime), so the digest does not depend on where
            # or when the files were copied.
            sha = self.store.describe(path, ref).sha256 if path.is_file() else "missing"
            h.update(f"{ref}\0{sha}\0".encode())
        return h.hexdigest()

    def convert_formulas_ahead(self) -> None:
        """The formulas of pages to be rendered, converted to MathML side by side (see MathMLCache.prewarm)."""
        if self.math is None:
            return
        formulas = []
        for offer in offers(self.site, self.default_language):
            for page in offer.contents:
                if not (self.cache_dir / "pages" / f"{self.page_digest(page, offer)}.json").is_file():
                    formulas += formulas_in(page.body)
        self.mathml.prewarm(formulas)

    def rendered_page(self, page: Page, offer: Offer) -> tuple[RenderedPage, str]:
        digest = self.page_digest(page, offer)
        cached = self.cache_dir / "pages" / f"{digest}.json"
        self._used_cache.add(cached.name)
        result = None
        if cached.is_file():
            try:
                result = RenderedPage.from_dict(json.loads(cached.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                result = None
        if result is None:
            result = self.renderer().render(page, offer)
            cached.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(cached, json.dumps(result.to_dict(), ensure_ascii=False).encode())
            self.rendered.append(page.src)
            log.info("Gated: rendered %s", page.src)
        self.problems += [p for p in result.problems if p not in self.problems]
        return result, digest

    def renderer(self) -> PageRenderer:
        """The one PageRenderer of this build, made on first use (a Markdown instance with every
        extension takes milliseconds to set up: once, not once per link)."""
        if self._renderer is None:
            self._renderer = PageRenderer(self.site, self._config, self.places, self.store, mathml=self.mathml,
                                          remote=self.remote)
        return self._renderer

    def forget_unused_renderings(self) -> None:
        """Drop cached renderings no page of this build used, so the cache does not grow per edit."""
        folder = self.cache_dir / "pages"
        if folder.is_dir():
            for path in folder.glob("*.json"):
                if path.name not in self._used_cache:
                    path.unlink(missing_ok=True)

    # -- a product -------------------------------------------------------------------------------

    def product(self, offer: Offer, previous: Product | None) -> Product:
        rendered: dict[str, RenderedPage] = {}
        h = hashlib.sha256(json.dumps([offer.title, offer.prices, offer.language, offer.kind],
                                      sort_keys=True).encode())
        pages = list(offer.contents)
        index = self.site.courses[offer.slug].index if offer.kind == "course" else None
        for page in pages + ([index] if index is not None else []):
            rendered[page.src], digest = self.rendered_page(page, offer)
            h.update(digest.encode())
        assets = self._store_assets(rendered.values())
        used = {asset.source for asset in assets.values()}
        attachments: dict[str, Asset] = {}
        for src in offer.attachments:
            if src not in used:  # a page's own file is its asset already
                attachments[src] = asset = self.store.describe(self.site.docs_dir / src, src)
                self.store.store(asset, path=self.site.docs_dir / src)
                h.update(f"{src}\0{asset.sha256}".encode())
        inputs = h.hexdigest()
        prices = [Price(**p) for p in offer.prices]
        if previous is not None and previous.inputs == inputs and self._present(previous.objects):
            log.info("Gated: %s unchanged, %d files kept", offer.id, len(previous.objects))
            return Product(offer.id, offer.kind, offer.title, offer.language, prices, previous.objects, inputs)
        t = strings(offer.language)
        objects = [self._page_object(offer, page, rendered[page.src], assets, t) for page in offer.locked]
        if self.pack_downloads:
            objects.append(self._bundle(offer, rendered, index, assets, t, attachments))
            if offer.kind == "course" or offer.contents:  # the membership's too, when it has members pages
                objects.append(self._epub(offer, rendered))
        log.info("Gated: %s packed, %d files", offer.id, len(objects))
        return Product(offer.id, offer.kind, offer.title, offer.language, prices, objects, inputs)

    def _store_assets(self, results) -> dict[str, Asset]:
        assets: dict[str, Asset] = {}
        for result in results:
            for asset in result.asset_objects():
                if asset.key not in assets:
                    # A remote image fetched for the EPUB is in the cache, named by its URL.
                    path = self.remote.cached(asset.source) if "://" in asset.source else None
                    self.store.store(asset, path=path or self.site.docs_dir / asset.source)
                    assets[asset.key] = asset
        if self.math is not None and any(_uses_math(r) for r in results):
            for asset, data in self.math.files:
                self.store.store(asset, data=data)
        return assets

    def _present(self, objects: list[StoredObject]) -> bool:
        def present(o: StoredObject) -> bool:
            path = self.gated_dir / o.local_key
            return path.is_file() and path.stat().st_size == (o.pack.size if o.pack else o.size)

        return bool(objects) and all(present(o) for o in objects)

    def _math_head(self, result: RenderedPage, ref) -> tuple[str, list[Asset]]:
        if self.math is None or not _uses_math(result):
            return "", []
        return self.math.head_html(ref), self.math.head

    def _page_object(self, offer: Offer, page: Page, result: RenderedPage, assets, t) -> StoredObject:
        folder = page_folder(offer, page)

        def ref(asset: Asset) -> str:
            return posixpath.relpath(asset.key, folder)

        head, head_assets = self._math_head(result, ref)
        html = self._standalone(offer, page, result.online, head, t, self._online_href, None)
        used = {a.key: a for a in [*head_assets, *result.asset_objects()]}
        refs = tuple(AssetRef(key, ref(asset)) for key, asset in sorted(used.items()))
        obj = self._put(f"{folder}/{PurePosixPath(page.src).stem}", ".html", html.encode(), HTML, "page",
                        page.src, page.title)
        return StoredObject(obj.key, obj.sha256, obj.size, obj.content_type, obj.role, obj.source, obj.title, refs)

    def _standalone(self, offer: Offer, page: Page, body: str, head: str, t, link, index_href) -> str:
        """One page: header, body, previous/next through `link(page)`, footer, in the page's language."""
        language = page_language(self.site, page, offer.language)
        t = strings(language) if language != offer.language else t
        pages = offer.contents
        i = pages.index(page)
        position = (t["chapter_of"].format(position=i + 1, count=len(pages)) if offer.kind == "course"
                    else f"{i + 1} / {len(pages)}")
        previous = {"href": link(pages[i - 1]), "title": pages[i - 1].title} if i > 0 else None
        nxt = {"href": link(pages[i + 1]), "title": pages[i + 1].title} if i + 1 < len(pages) else None
        return self.page_template.render(
            lang=language, title=page.title, product_title=offer.title, css=self.css, head=head, body=body,
            position=position, previous=previous, next=nxt, index_href=index_href, contents=t["bundle_contents"],
            footer=t["bundle_footer"].format(title=offer.title))

    def _online_href(self, page: Page) -> str:
        from toolkit.gated.render import read_url

        if page.locked and self.places.gate_url:
            return read_url(self.places.gate_url, page.product, page.src)
        return self.renderer().public_url(page.src)

    def _bundle(self, offer: Offer, rendered: dict[str, RenderedPage], index: Page | None, assets, t,
                attachments: dict[str, Asset]) -> StoredObject:
        """The offline mini-site: index, every page, each asset once, the original Markdown, the course's files."""
        root = offer.slug
        names = {p.src: bundle_name(p, offer) for p in offer.contents}

        def offline(p: Page) -> str:
            return names[p.src]

        math_used = False
        entries: dict[str, bytes | ObjectRef] = {}
        for page in offer.contents:
            result = rendered[page.src]
            head, head_assets = self._math_head(result, lambda a: a.key)
            math_used = math_used or bool(head_assets)
            entries[f"{root}/{names[page.src]}"] = self._standalone(offer, page, result.offline, head, t,
                                                                     offline, "index.html").encode()
            entries[f"{root}/source/{page.src}"] = (self.site.docs_dir / page.src).read_bytes()
            for asset in result.asset_objects():
                entries[f"{root}/{asset.key}"] = asset.ref()
        if math_used:
            for asset, _ in self.math.files:
                entries[f"{root}/{asset.key}"] = asset.ref()
        intro = ""
        if index is not None:
            intro = rendered[index.src].offline
            for asset in rendered[index.src].asset_objects():
                entries[f"{root}/{asset.key}"] = asset.ref()
        files = []
        course_folder = f"courses/{offer.slug}/"
        for src, asset in attachments.items():
            name = f"files/{src.removeprefix(course_folder)}"
            entries[f"{root}/{name}"] = asset.ref()
            files.append({"href": name, "title": src.removeprefix(course_folder)})
        entries[f"{root}/index.html"] = self.index_template.render(
            lang=offer.language, product_title=offer.title, css=self.css, head="", intro=intro,
            footer=t["bundle_footer"].format(title=offer.title),
            entries=[{"href": names[p.src], "title": p.title} for p in offer.contents],
            files=files, files_title=t["bundle_files"],
        ).encode()
        source = offer.folder.replace("course/", "courses/")
        return self._put_pack(f"{offer.folder}/{offer.slug}", ".zip", "application/zip", "bundle", source,
                              offer.title, Pack(entries))

    def _epub(self, offer: Offer, rendered: dict[str, RenderedPage]) -> StoredObject:
        source = f"courses/{offer.slug}" if offer.kind == "course" else "membership"
        return self._put_pack(f"{offer.folder}/{offer.slug}", ".epub", "application/epub+zip", "epub",
                              source, offer.title,
                              epub_pack(offer, rendered, self.site.docs_dir.name, self.gated_dir))

    # -- files -------------------------------------------------------------------------------------

    def _put(self, stem: str, suffix: str, data: bytes, content_type: str, role: str, source: str,
             title: str) -> StoredObject:
        sha = hashlib.sha256(data).hexdigest()
        key = f"{stem}.{sha[:8]}{suffix}"
        path = self.gated_dir / key
        if not (path.is_file() and path.stat().st_size == len(data)):
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        return StoredObject(key, sha, len(data), content_type, role, source, title)

    def _put_pack(self, stem: str, suffix: str, content_type: str, role: str, source: str, title: str,
                  pack: Pack) -> StoredObject:
        """Write a download's pack list; the download's key carries the list's hash (same list, same bytes)."""
        data = pack.to_bytes()
        sha = hashlib.sha256(data).hexdigest()
        key = f"{stem}.{sha[:8]}{suffix}"
        path = self.gated_dir / f"{key}{PACK_SUFFIX}"
        if not (path.is_file() and path.stat().st_size == len(data)):
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        ref = ObjectRef(f"{key}{PACK_SUFFIX}", sha, len(data))
        return StoredObject(key, "", 0, content_type, role, source, title, pack=ref)


def _uses_math(result: RenderedPage) -> bool:
    return "arithmatex" in result.online


def _remote_images(config) -> str:
    """plugins.folio.remote_images (link when the site has no folio plugin configured)."""
    plugins = config.get("plugins") if hasattr(config, "get") else None
    folio = plugins.get("folio") if plugins is not None and hasattr(plugins, "get") else None
    return getattr(getattr(folio, "config", None), "remote_images", None) or "link"


def _theme_language(config) -> str | None:
    theme = config.get("theme") if hasattr(config, "get") else None
    try:
        return theme.get("language") if theme is not None else None
    except AttributeError:
        return None


def _previous_manifest(gated_dir: Path) -> Manifest | None:
    try:
        return Manifest.load(gated_dir / "manifest.json")
    except ManifestError:  # none yet, or from another Folio: everything is built afresh
        return None


def _stable_name(value) -> str:
    """A JSON stand-in for objects in the Markdown config that has no per-process address."""
    return getattr(value, "__qualname__", type(value).__name__)


def _pygments_css() -> str:
    try:
        from pygments.formatters import HtmlFormatter
    except ImportError:  # pragma: no cover - pygments comes with mkdocs-material
        return ""
    return HtmlFormatter(style="default").get_style_defs(".highlight")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _remove_stale(gated_dir: Path, manifest: Manifest) -> None:
    """Delete files of earlier builds that the new manifest no longer names."""
    keep = manifest.local_keys()
    for sub in ("course", "membership", "assets"):
        for path in sorted((gated_dir / sub).rglob("*"), reverse=True):
            rel = path.relative_to(gated_dir).as_posix()
            if path.is_file() and rel not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
