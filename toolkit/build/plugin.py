"""MkDocs plugin `folio`: its hooks only coordinate; the work lives in the modules.

Order of events in a build:
  on_config     -> settings, UI language
  on_files      -> load + validate content, cut locked pages to their teasers, generate
                   listing pages, drop paid-only assets, order files for the nav
  on_nav        -> section titles (course titles, localized section names)
  on_page_context -> what the header and paywall templates need
  on_post_build -> write gated/ (bundles + manifest), then run the leak guard on site/
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path, PurePosixPath

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.utils import get_relative_url

from toolkit.build import feeds, storefront, structured_data
from toolkit.build import listings as generated
from toolkit.build.background import Job
from toolkit.config import FolioConfig
from toolkit.content.model import Site, load_site
from toolkit.content.strings import language_of, strings
from toolkit.build.page_scanner import PageScanner
from toolkit.build.public_pages import PublicSite, make_public

log = logging.getLogger("mkdocs.plugins.folio")

SECTION_ORDER = {"courses": 1, "articles": 2, "salons": 3, "leaderboard": 5}


class FolioPlugin(BasePlugin[FolioConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.site: Site | None = None
        self.public: PublicSite | None = None
        self.manifest: dict | None = None
        # Set by `folio build`, which renders into a staging folder: where the site will really be.
        self.final_site_dir: Path | None = None

    # -- configuration -------------------------------------------------------------------------

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.timings = {}
        # Read per build, so a long `folio serve` moves a salon from upcoming to past at midnight.
        self.today = dt.date.today()
        self.language = language_of(config.theme.get("language"))
        self.t = strings(self.language)
        self.strict = bool(self.config.strict or config.strict)
        self.config_dir = Path(config.config_file_path or ".").resolve().parent
        self.gated_dir = (self.config_dir / self.config.gated_dir).resolve()
        _refuse_public_gated_dir(self.gated_dir, config, self.final_site_dir)
        self.public_dir = self.config_dir / ".folio-cache" / "public"
        self.gate_url = (self.config.gate_url or "").rstrip("/") or None
        return config

    # -- content -------------------------------------------------------------------------------

    # Run before other plugins' on_files (e.g. blog, tags) so they only ever see public pages.
    @event_priority(100)
    def on_files(self, files: Files, config) -> Files:
        if not self.config.enabled:
            return files
        started = time.perf_counter()
        self.site = load_site(Path(config.docs_dir), dict(self.config.membership), self.strict,
                              config.config_file_path or "mkdocs.yml")
        self.public = make_public(self.site, self.config.teaser_words)
        self._reset_public_dir()
        for src, markdown in self.public.markdown.items():
            self._replace(files, config, src, markdown)
        self._add_listing_pages(files, config)
        self._add_leaderboard_pages(files, config)
        self._add_storefront_blocks(files, config)
        self._add_feeds(files, config)
        for src in sorted(self.public.paid_only_assets):
            asset = files.get_file_from_path(src)
            if asset is not None:
                files.remove(asset)
        self.timings["content"] = time.perf_counter() - started
        self.files = files
        # gated/ and the leak guard need only the content: start them in forked processes so
        # they run on the second core while MkDocs renders the site.
        self._private_job = Job(_private_outputs, self.site, self.public, self.gated_dir, config,
                                self.gate_url, self.t)
        self._page_scanner = None
        if self.config.leak_guard:
            self._page_scanner = PageScanner(
                Path(config.site_dir), {src: locked.remainder for src, locked in self.public.locked.items()},
                self.public.public_texts(self.site), list(self.public.locked),
            )
        return files

    def _reset_public_dir(self) -> None:
        shutil.rmtree(self.public_dir, ignore_errors=True)
        self.public_dir.mkdir(parents=True, exist_ok=True)

    def _replace(self, files: Files, config, src: str, markdown: str) -> None:
        """Hand MkDocs `markdown` instead of the source file at `src`.

        The public copy lives outside docs_dir, so any plugin that rereads the page's
        source file reads the teaser, never the paid original.
        """
        path = self.public_dir / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
        old = files.get_file_from_path(src)
        if old is not None:
            files.remove(old)
        files.append(File.generated(config, src, abs_src_path=str(path)))

    def _url_from(self, files: Files, src: str):
        """A function giving URLs of other pages relative to the page at `src`."""
        here = File(src, "", "", config_use_directory_urls(files)).url

        def url_for(target: str) -> str:
            file = files.get_file_from_path(target)
            return get_relative_url(file.url if file else target, here)

        return url_for

    def _add_listing_pages(self, files: Files, config) -> None:
        site, t = self.site, self.t
        for slug, course in site.courses.items():
            index_src = course.index.src
            block = generated.course_block(course, t, self._url_from(files, index_src),
                                           self._buy_actions(course))
            self._replace(files, config, index_src, generated.after_title(self._source_text(index_src), block))
        if site.articles:
            src = "articles/index.md"
            body = generated.articles_index(site, t, self._url_from(files, src))
            self._replace(files, config, src, self._existing_or_title(src, t["articles"]) + body)
        if site.salons:
            src = "salons/index.md"
            body = generated.salons_index(site, t, self._url_from(files, src), self.today)
            self._replace(files, config, src, self._existing_or_title(src, t["salons"]) + body)

    def checkout_url(self, product: str) -> str | None:
        """The gate's checkout route for a product (None when no gate_url is set)."""
        return f"{self.gate_url}/checkout/{product}" if self.gate_url else None

    def _buy_actions(self, course) -> str:
        """The course page's buy buttons: the course itself, then each membership plan."""
        t = self.t
        forms = []
        if course.price:
            forms.append(storefront.buy_form(course.product, "one_time", t["buy_course"].format(price=course.price.display),
                                             self.checkout_url(course.product), primary=True))
            for plan, price in self.site.membership.items():
                forms.append(storefront.buy_form("membership", plan, t[f"join_{plan}"].format(price=price.display),
                                                 self.checkout_url("membership")))
        return "".join(forms)

    def _add_storefront_blocks(self, files: Files, config) -> None:
        """Expand `<!-- folio:courses -->` and the other block markers on public pages."""
        store = None
        for file in list(files.documentation_pages()):
            path = Path(file.abs_src_path)
            text = path.read_text(encoding="utf-8")
            if not storefront.markers_in(text):
                continue
            unknown = storefront.unknown_markers(text)
            if unknown:
                log.warning("%s: unknown storefront block %s; known blocks: %s", file.src_uri,
                            ", ".join(f"`folio:{name}`" for name in unknown), ", ".join(storefront.BLOCKS))
            if store is None:
                store = self._storefront(files)
            self._replace(files, config, file.src_uri,
                          storefront.expand(text, store, self._url_from(files, file.src_uri)))

    def _storefront(self, files: Files) -> storefront.Storefront:
        top = [storefront.Contributor(name, round(points), profile if files.get_file_from_path(profile) else None)
               for name, points, profile in getattr(self, "top_this_month", [])]
        board = "leaderboard/index.md" if files.get_file_from_path("leaderboard/index.md") else None
        return storefront.Storefront(self.site, self.t, self.today, self.checkout_url, top, board)

    def public_summary(self, page) -> str:
        """A page's public summary: its teaser when locked, never its locked text."""
        locked = self.public.locked.get(page.src)
        return feeds.public_summary(page, locked.teaser if locked else None)

    def _add_feeds(self, files: Files, config) -> None:
        if not (self.site.articles or self.site.salons):
            return
        if not config.site_url:
            log.warning("No site_url in mkdocs.yml: feeds need absolute links, so none were written. "
                        "Set site_url to publish RSS, Atom and the salon calendar.")
            return
        source = feeds.FeedSource(
            site=self.site, site_url=config.site_url.rstrip("/") + "/", site_name=config.site_name,
            language=self.language, public_url=lambda src: self._site_url_in(files, src),
            summary_of=self.public_summary, default_timezone=self.config.timezone)
        for path, data in feeds.feed_files(source).items():
            old = files.get_file_from_path(path)
            if old is not None:
                files.remove(old)
            files.append(File.generated(config, path, content=data))
        self.feed_paths = {kind: path for kind, path in feeds.FEED_FILES.items() if files.get_file_from_path(path)}

    @staticmethod
    def _site_url_in(files: Files, src: str) -> str:
        file = files.get_file_from_path(src)
        return file.url if file else src

    def _source_text(self, src: str) -> str:
        return (self.site.docs_dir / src).read_text(encoding="utf-8").rstrip() + "\n"

    def _existing_or_title(self, src: str, title: str) -> str:
        """An author's own index page (kept, with the listing appended), else a title."""
        if (self.site.docs_dir / src).is_file():
            return self._source_text(src)
        return f"---\ntitle: {title}\n---\n\n# {title}\n\n"

    def _add_leaderboard_pages(self, files: Files, config) -> None:
        try:
            from toolkit.leaderboard import site_pages
        except ImportError:  # the leaderboard package is optional while it is being built
            self.course_contributors = {}
            self.top_this_month = []
            return
        started = time.perf_counter()
        result = site_pages(self.config_dir, self.site.docs_dir, dict(self.config.leaderboard),
                            self.language, self.today)
        for src, markdown in result.pages.items():
            self._replace(files, config, src, markdown)
        self.course_contributors = result.course_contributors
        self.top_this_month = getattr(result, "top_this_month", [])
        for slug, snippet in result.course_contributors.items():
            src = f"courses/{slug}/index.md"
            path = self.public_dir / src
            if path.is_file() and snippet:
                path.write_text(path.read_text(encoding="utf-8") + "\n\n" + snippet + "\n", encoding="utf-8")
        self.timings["leaderboard"] = time.perf_counter() - started

    def _nav_order(self, file: File):
        """Home first, then courses (chapters in course order), articles and salons newest first."""
        parts = PurePosixPath(file.src_uri).parts
        top = parts[0] if len(parts) > 1 else ""
        rank = 0 if file.src_uri == "index.md" else SECTION_ORDER.get(top, 4)
        if not file.is_documentation_page():
            return (rank, 0, "", file.src_uri)
        is_index = parts[-1] == "index.md"
        if top == "courses" and len(parts) == 3 and parts[1] in self.site.courses:
            course = self.site.courses[parts[1]]
            position = next((i for i, c in enumerate(course.chapters, 1) if c.src == file.src_uri), 0)
            return (rank, 0, parts[1], f"{position:05d}")
        if top in ("articles", "salons") and not is_index:
            page = self.site.pages.get(file.src_uri)
            date = page.date.isoformat() if page and page.date else "0000"
            # Newest first: invert the date so an ascending sort puts it first.
            return (rank, 1, "", "".join(chr(0x10FFFF - ord(ch)) for ch in date) + file.src_uri)
        # Within a section: its index, then its own pages, then its sub-sections.
        depth = 0 if is_index else (2 if len(parts) > 2 else 1)
        return (rank, depth, "", file.src_uri)

    # -- navigation and templates --------------------------------------------------------------

    def on_nav(self, nav: Navigation, config, files: Files) -> Navigation:
        if not self.config.enabled or config.nav:
            return nav  # an explicit nav in mkdocs.yml is the author's choice: keep it
        nav.items = self._ordered(nav.items)
        for item in nav.items:
            if isinstance(item, Section):
                self._title_section(item)
        # MkDocs links previous/next pages in its own order; relink in ours.
        nav.pages = list(_pages_of(nav.items))
        for i, page in enumerate(nav.pages):
            page.previous_page = nav.pages[i - 1] if i > 0 else None
            page.next_page = nav.pages[i + 1] if i + 1 < len(nav.pages) else None
        return nav

    def _ordered(self, items: list) -> list:
        for item in items:
            if isinstance(item, Section):
                item.children = self._ordered(item.children)
        return sorted(items, key=self._item_order)

    def _item_order(self, item):
        file = getattr(item, "file", None)
        if file is not None:
            return self._nav_order(file)
        if isinstance(item, Section) and item.children:
            return min(self._item_order(child) for child in item.children)
        return (9, 0, "", "")

    def _title_section(self, section: Section) -> None:
        top = _section_dir(section)
        if top in ("courses", "articles", "salons", "leaderboard") and len(top.split("/")) == 1:
            section.title = self.t[top]
        for child in section.children:
            if isinstance(child, Section):
                path = _section_dir(child)
                slug = path.split("/")[1] if path and path.startswith("courses/") and path.count("/") == 1 else None
                if slug in self.site.courses:
                    child.title = self.site.courses[slug].title
                self._title_section(child)

    def on_page_context(self, context, page, config, nav):
        if not self.config.enabled or self.site is None:
            return context
        context["folio"] = self._page_context(page.file.src_uri)
        context["folio_head"] = self._head(page, config)
        return context

    def _head(self, page, config) -> dict:
        """Feeds, JSON-LD and link-preview meta for the page's <head>: public facts only."""
        site_url = (config.site_url or "").rstrip("/") + "/" if config.site_url else ""
        head = {"feeds": [(kind, path, self.t[f"feed_{kind}"]) for kind, path in getattr(self, "feed_paths", {}).items()],
                "meta": [], "jsonld": ""}
        if not site_url:
            return head
        model = self.site.pages.get(page.file.src_uri)
        summary = self.public_summary(model) if model else (config.site_description or "")
        facts = structured_data.PageFacts(
            page=model or _TitledPage(page.title or config.site_name), url=site_url + page.url,
            summary=summary, site_name=config.site_name, site_url=site_url, language=self.language)
        head["meta"] = structured_data.social_meta(facts, model.kind if model else "page")
        if model and model.kind == "course" and model.course in self.site.courses:
            head["jsonld"] = structured_data.script_tag(
                structured_data.course_jsonld(facts, self.site.courses[model.course], self.site.membership))
        elif model and model.kind == "salon" and model.date:
            start, end = feeds.salon_times(model, self.config.timezone)
            head["jsonld"] = structured_data.script_tag(structured_data.event_jsonld(facts, start, end))
        return head

    def _page_context(self, src: str) -> dict | None:
        page = self.site.pages.get(src)
        if page is None or page.kind not in ("chapter", "article", "salon", "page"):
            return None
        info = {
            "t": self.t, "kind": page.kind, "src": src, "title": page.title, "access": page.access,
            "locked": page.locked, "minutes": page.minutes, "product": page.product,
            "date": page.date.isoformat() if page.date else "", "authors": page.meta.get("authors", []),
        }
        if page.kind == "chapter" and page.course in self.site.courses:
            course = self.site.courses[page.course]
            info.update(course_title=course.title, course_url=self._site_url(course.index.src),
                        position=course.chapters.index(page) + 1, count=len(course.chapters))
        if page.kind == "salon":
            info.update(location=page.meta.get("location", ""), speakers=page.meta.get("speakers", []),
                        slides=page.meta.get("slides"), recording=page.meta.get("recording"),
                        upcoming=bool(page.date and page.date >= self.today))
        if page.locked:
            info.update(self._paywall(page))
        return info

    def _site_url(self, src: str) -> str:
        """The site-root URL of the page at `src` (the templates' `url` filter makes it relative)."""
        file = self.files.get_file_from_path(src)
        return file.url if file else src

    def _paywall(self, page) -> dict:
        offers = []
        t = self.t
        if page.product.startswith("course:"):
            course = self.site.courses[page.course]
            if course.price:
                offers.append({"product": course.product, "plan": "one_time",
                               "label": t["buy_course"].format(price=course.price.display)})
        for plan, price in self.site.membership.items():
            offers.append({"product": "membership", "plan": plan, "label": t[f"join_{plan}"].format(price=price.display)})
        gate = self.gate_url
        return {
            "offers": offers,
            "locked_minutes": self.public.locked[page.src].locked_minutes,
            "checkout_url": f"{gate}/checkout" if gate else None,
            "read_url": f"{gate}/read/{page.product}?page={page.src}" if gate else None,
            "login_url": f"{gate}/login" if gate else None,
        }

    # -- after the build -----------------------------------------------------------------------

    # Run after other plugins' on_post_build (sitemaps, feeds, search) so the leak guard sees
    # every file they wrote.
    # Static templates (404.html, sitemap.xml) are written before any page: scan them early too.
    @event_priority(-100)
    def on_post_template(self, output_content: str, template_name: str, config) -> str:
        if self.config.enabled and getattr(self, "_page_scanner", None) is not None:
            self._page_scanner.feed(template_name)
        return output_content

    # The scanner reads pages from disk after MkDocs writes them; the hook only names them.
    @event_priority(-100)
    def on_post_page(self, output: str, page, config) -> str:
        if self.config.enabled and self._page_scanner is not None:
            self._page_scanner.feed(page.file.dest_uri)
        return output

    # Run after other plugins' on_post_build (sitemaps, feeds, search) so the leak guard sees
    # every file they wrote.
    @event_priority(-100)
    def on_post_build(self, config) -> None:
        if not self.config.enabled or self.site is None:
            return
        private = self._private_job.result()
        self.manifest = private["manifest"]
        self.timings.update(private["timings"])
        if self._page_scanner is not None:
            self._guard_leaks(Path(config.site_dir), config)

    def on_build_error(self, error) -> None:
        for job in (getattr(self, "_private_job", None), getattr(self, "_page_scanner", None)):
            if job is not None:
                job.cancel()

    def _guard_leaks(self, site_dir: Path, config) -> None:
        from toolkit.leakguard.scan import LeakError

        started = time.perf_counter()
        custom_dir = config.theme.custom_dir
        trusted = [d for d in config.theme.dirs if d != custom_dir]
        leaks, scanned_late = self._page_scanner.finish(site_dir, trusted)
        self.timings["leakguard"] = time.perf_counter() - started
        if leaks:
            # Nothing leaky may stay deployable: remove the whole output.
            shutil.rmtree(site_dir, ignore_errors=True)
            raise LeakError(sorted(leaks, key=lambda leak: leak.file))
        log.info("Leak guard: %d paid pages checked against site/, no paid text found", len(self.public.locked))


def _private_outputs(site, public, gated_dir, config, gate_url, t) -> dict:
    """gated/ written, with how long it took."""
    from toolkit.gated.writer import write_gated

    started = time.perf_counter()
    try:
        manifest = write_gated(site, public, gated_dir, config, gate_url, t)
    except OSError as exc:
        from toolkit.errors import FolioError

        where = exc.filename or gated_dir
        raise FolioError(f"{where}: cannot write the private output ({exc.strerror or exc}); "
                         f"check that plugins.folio.gated_dir ({gated_dir}) is a writable folder") from None
    return {"manifest": manifest, "timings": {"gated": time.perf_counter() - started}}


class _TitledPage:
    """A stand-in for pages outside the content model (generated boards): a title and no facts."""

    def __init__(self, title: str):
        self.title, self.meta, self.kind = title, {}, "page"


def _refuse_public_gated_dir(gated_dir: Path, config, final_site_dir: Path | None) -> None:
    """gated/ inside docs_dir or site_dir would be copied to, or be, the public site."""
    from toolkit.errors import FolioError

    folders = {"docs_dir": config["docs_dir"], "site_dir": final_site_dir or config["site_dir"]}
    for name, folder in folders.items():
        public = Path(folder).resolve()
        if gated_dir == public or gated_dir.is_relative_to(public) or public.is_relative_to(gated_dir):
            raise FolioError(
                f"{Path(config.config_file_path or 'mkdocs.yml').name}: plugins.folio.gated_dir: {gated_dir} "
                f"overlaps {name} ({public}), so paid files would be published; put it outside both, e.g. `gated`"
            )


def _pages_of(items):
    for item in items:
        if isinstance(item, Section):
            yield from _pages_of(item.children)
        elif getattr(item, "file", None) is not None:
            yield item


def _section_dir(section: Section) -> str:
    """The docs folder a nav section stands for, from its first page."""
    for child in section.children:
        file = getattr(child, "file", None)
        if file is not None:
            return PurePosixPath(file.src_uri).parent.as_posix()
        if isinstance(child, Section):
            inner = _section_dir(child)
            if inner:
                return PurePosixPath(inner).parent.as_posix()
    return ""


def config_use_directory_urls(files: Files) -> bool:
    """Whether the site uses directory URLs, read off any documentation page."""
    for file in files.documentation_pages():
        return file.use_directory_urls
    return True
