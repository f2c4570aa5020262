"""One paid page rendered like the site renders it, for the three places a buyer reads it.

The Markdown is converted once with the site's own extensions; then, on the parsed tree,
every image and attachment becomes a content-addressed asset and every link goes where
it works from that place:

- `online`: the page in gated/ (served by the gate): assets relative to the page's key,
  links to other paid pages at the gate's read URL, links to public pages at the site;
- `offline`: the page inside the bundle zip: assets in the zip, links between its pages;
- `book`: the EPUB chapter (XHTML): images in the book, links between its chapters.

Missing files and broken links are reported like MkDocs reports them for public pages,
with the file and line. The result is plain data, so the writer can cache it per page.
"""

from __future__ import annotations

import copy
import posixpath
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import markdown as md

from toolkit.content.model import Page, Site, is_markdown
from toolkit.gated import htmltree
from toolkit.gated.assets import Asset, AssetStore
from toolkit.gated.mathml import MathMLCache, formulas_to_mathml
from toolkit.gated.products import Offer
from toolkit.gated.remote import RemoteImages

LARGE_IMAGE = 5 * 1024 * 1024  # bytes; bigger images get a warning with their size


@dataclass
class RenderedPage:
    src: str
    online: str
    offline: str
    book: str
    assets: list[dict] = field(default_factory=list)  # Asset.to_dict(), unique, in order of use
    problems: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # heading anchors, for links into the page

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RenderedPage":
        return cls(**data)

    def asset_objects(self) -> list[Asset]:
        return [Asset(**a) for a in self.assets]


@dataclass(frozen=True)
class Places:
    """Where the three renderings of a page live, and where links to other pages go."""

    gate_url: str | None
    site_url: str
    use_directory_urls: bool
    remote_images: str = "link"  # plugins.folio.remote_images: link | fetch (for the EPUB)


def page_folder(offer: Offer, page: Page) -> str:
    """The gated/ folder of a page's own object (its asset refs are relative to it)."""
    if offer.kind == "course":
        return offer.folder
    return f"membership/{PurePosixPath(page.src).parts[0]}"


def bundle_name(page: Page, offer: Offer) -> str:
    """The page's file name in the bundle zip: flat, one per page (a lesson folder's `index.md`
    takes its folder's name, so lessons do not all become `index.html`, the bundle's own index)."""
    path = PurePosixPath(page.src)
    if offer.kind != "course":
        return f"{path.parts[0]}-{path.stem}.html"
    parts = list(path.parts[2:])  # below courses/<slug>/
    if len(parts) > 1 and path.stem in ("index", "README"):
        parts = parts[:-1]
    else:
        parts[-1] = path.stem
    return "-".join(parts) + ".html"


def chapter_name(index: int) -> str:
    return f"chapter-{index:03d}.xhtml"


def read_url(gate_url: str, product: str, src: str) -> str:
    """The gate's reading URL for a paid page (contract: GET /read/<product>/<path:page>)."""
    return f"{gate_url}/read/{quote(product, safe=':')}/{quote(src)}"


class PageRenderer:
    def __init__(self, site: Site, config, places: Places, store: AssetStore, *,
                 mathml: MathMLCache | None = None, remote: RemoteImages | None = None) -> None:
        self.site = site
        self.places = places
        self.store = store
        self.mathml = mathml or MathMLCache(None)
        self.remote = remote or RemoteImages(None, fetch=False)
        self.docs = site.docs_dir.resolve()
        self._files: dict[str, Path | None] = {}
        self.markdown = md.Markdown(extensions=list(config["markdown_extensions"]),
                                    extension_configs=dict(config["mdx_configs"]))

    # -- where things are ---------------------------------------------------------------------

    def resolve(self, url: str, page: Page) -> tuple[str, str] | None:
        """(docs-relative path, fragment) of a local URL; None for external, data or same-page."""
        if not url or url.startswith(("#", "data:", "mailto:", "tel:", "javascript:")):
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        path = unquote(parts.path)
        if not path:
            return None
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page.src), path)
        return posixpath.normpath(joined), parts.fragment

    def _file(self, src: str) -> Path | None:
        """The file in the docs folder for a docs-relative path (looked up once per build)."""
        if src not in self._files:
            path = None if src.startswith("..") else (self.docs / src).resolve()
            self._files[src] = path if path is not None and path.is_relative_to(self.docs) and path.is_file() else None
        return self._files[src]

    def public_url(self, src: str) -> str:
        path = PurePosixPath(src)
        if not is_markdown(path.name):
            url = src
        elif self.places.use_directory_urls:
            url = str(path.parent / ("" if path.stem in ("index", "README") else path.stem)).strip(".").lstrip("/")
            url = url + "/" if url else ""
        else:
            url = str(path.with_suffix(".html"))
        return f"{self.places.site_url}/{quote(url)}" if self.places.site_url else "/" + quote(url)

    # -- rendering -------------------------------------------------------------------------------

    def render(self, page: Page, offer: Offer) -> RenderedPage:
        self.markdown.reset()
        root = htmltree.parse_fragment(self.markdown.convert(page.body))
        htmltree.sanitize(root)
        problems: list[str] = []
        assets: dict[str, Asset] = {}
        loads: dict[str, Asset] = {}  # url -> asset
        leads: dict[str, tuple[str, str]] = {}  # url -> (target src, fragment)
        missing: set[str] = set()  # links to pages that do not exist: unlinked in the downloads
        remote: dict[str, Asset | None] = {}  # remote image url -> the fetched copy for the EPUB, if any
        for tag, kind, url in htmltree.urls(root):
            if tag == "img" and url.startswith(("http://", "https://", "//")):
                if url not in remote:
                    remote[url] = self._remote_image(page, url, problems)
                continue
            target = self.resolve(url, page)
            if target is None or url in loads or url in leads:
                continue
            src, fragment = target
            if kind == "lead" and (is_markdown(src) or src in self.site.pages):
                if src in self.site.pages:
                    leads[url] = (src, fragment)
                else:
                    missing.add(url)
                    problems.append(self._where(page, url) + f"link '{url}' points to '{src}', "
                                    "which is not a page in the docs folder")
                continue
            path = self._file(src)
            if path is None:
                what = "image" if tag == "img" else "link" if kind == "lead" else f"<{tag}> file"
                problems.append(self._where(page, url) + f"{what} '{url}' not found (looked for '{src}' "
                                "in the docs folder)")
                continue
            asset = self.store.describe(path, src)
            if tag == "img" and asset.size > LARGE_IMAGE:
                problems.append(self._where(page, url) + f"image '{url}' is very large "
                                f"({asset.size / 1024 / 1024:.1f} MB); buyers download it with the page")
            loads[url] = assets.setdefault(asset.key, asset)
        folder = page_folder(offer, page)
        contents = {p.src: i for i, p in enumerate(offer.contents, 1)}

        def online(url):
            return self._link(url, leads, loads, lambda a: posixpath.relpath(a.key, folder),
                              lambda src: None)

        names = {p.src: bundle_name(p, offer) for p in offer.contents}

        def offline(url):
            if url in missing:
                return htmltree.UNLINK
            return self._link(url, leads, loads, lambda a: a.key, names.get)

        def in_book(asset: Asset) -> str:
            return "images/" + asset.key.rsplit("/", 1)[1]

        def book(url):
            if url in missing:
                return htmltree.UNLINK
            if url in remote:  # an EPUB may not load remote files: the fetched copy, or a link
                return in_book(remote[url]) if remote[url] is not None else htmltree.remote_placeholder(root, url)
            return self._link(url, leads, loads, in_book,
                              lambda src: chapter_name(contents[src]) if src in contents else None)

        def kept_as_tex(tex: str, reason: str) -> None:
            problems.append(self._where(page, tex) + f"formula kept as TeX in the EPUB ({reason}): {_short(tex)}")

        def mathml(tree) -> None:
            formulas_to_mathml(tree, self.mathml, kept_as_tex)

        for asset in remote.values():
            if asset is not None:
                assets.setdefault(asset.key, asset)
        out = {}
        for place, fn in (("online", online), ("offline", offline), ("book", book)):
            tree = copy.deepcopy(root)
            htmltree.rewrite_urls(tree, fn, fn)
            out[place] = htmltree.to_xhtml(tree, mathml) if place == "book" else htmltree.to_html(tree)
        return RenderedPage(page.src, out["online"], out["offline"], out["book"],
                            [a.to_dict() for a in assets.values()], problems, sorted(htmltree.ids(root)))

    def _remote_image(self, page: Page, url: str, problems: list[str]) -> Asset | None:
        """The fetched copy of a remote image (remote_images: fetch), else None; a warning either way it fails."""
        where = self._where(page, url)
        if not self.remote.fetch:
            problems.append(where + f"image '{url}' is on another site: the online page and the bundle load it "
                            "from there, the EPUB shows a link in its place (set plugins.folio.remote_images: "
                            "fetch to pack it, or put the image in the docs folder)")
            return None
        path, error = self.remote.get(url)
        if path is None:
            problems.append(where + f"image '{url}' could not be fetched ({error}): the EPUB shows a link in its place")
            return None
        return self.store.describe(path, url)

    def _link(self, url, leads, loads, asset_ref, inside):
        """The new value of one URL attribute, or None to keep it."""
        if url in loads:
            return asset_ref(loads[url])
        if url not in leads:
            return None
        src, fragment = leads[url]
        anchor = f"#{fragment}" if fragment else ""
        local = inside(src)
        if local is not None:
            return local + anchor
        target = self.site.pages[src]
        if target.locked and self.places.gate_url:
            return read_url(self.places.gate_url, target.product, src) + anchor
        return self.public_url(src) + anchor

    def _where(self, page: Page, needle: str) -> str:
        """`docs/courses/x/01.md:12: ` for the line of the page's Markdown that holds `needle`."""
        at = page.body.find(needle)
        if at < 0:
            at = page.body.find(unquote(needle))
        line = page.body_line + (page.body[:at].count("\n") if at >= 0 else 0)
        return f"{self.site.docs_dir.name}/{page.src}:{line}: "


def _short(tex: str, limit: int = 60) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
