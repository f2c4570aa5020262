"""MkDocs plugin `folio`: its hooks only coordinate; the work lives in the modules.

Order of events in a build:
  on_config     -> settings, UI language; load + validate content/, cut locked pages to their
                   teasers, generate listing pages, write headers and paywalls into the pages
                   (page_blocks), and write the public tree (docs_dir) from that allow-list,
                   before MkDocs collects any file
  on_files      -> offer content/'s other files (images, attachments) as candidates; later,
                   drop any that another plugin turned into a page inside a priced course
  on_nav        -> order and section titles (toolkit.plugin.nav; other builders get them as a
                   generated `nav`, see toolkit.plugin.pipeline)
  on_page_content -> note which candidates each rendered public page refers to
  on_env        -> publish only the referenced candidates (and link them into the tree)
  on_page_context -> what Folio's <head> template and the members script need (feeds, link
                     previews, JSON-LD)
  on_post_page  -> a locked page rendered again, whole, for members (kept for gated/, see member_pages)
  on_post_build -> write gated/ (bundles, member pages, manifest), then run the leak guard on site/
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.utils import get_relative_url

from toolkit.plugin import feeds, public_math, storefront, structured_data
from toolkit.plugin.git_sources import GitSources
from toolkit.plugin import listings as generated
from toolkit.plugin.background import Job
from toolkit.plugin.lock import BuildLock
from toolkit.plugin.public_site import PublicTreeBuild
from toolkit.config import FolioConfig
from toolkit.content.dates import today
from toolkit.content.model import Site
from toolkit.content.strings import language_of, strings
from toolkit.gated.products import page_language
from toolkit.plugin.guard_in_build import (LeakGuard, discard_leaky_build, guard_inputs, keep_as_last_good, search_entries,
                                      search_strings, summary)
from toolkit.leakguard.scan import LeakError
from toolkit.plugin.member_pages import MemberPages
from toolkit.plugin.public_pages import PublicSite, make_public
from toolkit.plugin.nav import order_key as nav_order_key, section_title
from toolkit.plugin.page_blocks import CSS_FILE, CSS_PATH, PageBlocks

log = logging.getLogger("mkdocs.plugins.folio")

# Folio's own templates (page headers, the paywall box): placed after the site's custom_dir.
THEME_DIR = Path(__file__).resolve().parent / "theme"


class FolioPlugin(BasePlugin[FolioConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.site: Site | None = None
        self.public: PublicSite | None = None
        self.manifest: dict | None = None
        self.tree: PublicTreeBuild | None = None
        # Set by `folio build`, which renders into a staging folder: where the site will really be.
        self.final_site_dir: Path | None = None

    # -- configuration and the public tree -----------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `folio serve` previews: its gated output goes elsewhere, marked as a preview.
        self.serving = command == "serve"

    # First of all on_config hooks: every other plugin must see the public tree as docs_dir.
    @event_priority(100)
    def _write_public_tree(self, config):
        if not self.config.enabled:
            log.warning("FOLIO IS DISABLED (plugins.folio.enabled: false): nothing is checked. No teaser is cut, "
                        "no leak guard runs, and whatever is in docs_dir (%s) is published as it is.", config.docs_dir)
            return config
        self.timings = {}
        _require_material(config)
        # Read per build, so a long `folio serve` moves a salon from upcoming to past at midnight.
        self.today = today()
        self.language = language_of(config.theme.get("language"))
        self.t = strings(config.theme.get("language"))
        self.strict = bool(self.config.strict or config.strict)
        self.config_dir = Path(config.config_file_path or ".").resolve().parent
        self.gated_dir = (self.config_dir / self.config.gated_dir).resolve()
        self.gate_url = (self.config.gate_url or "").rstrip("/") or None
        # A preview never touches gated/: `folio publish` only ever sees production builds.
        self.gated_build = "preview" if getattr(self, "serving", False) else "production"
        self.gated_out = (self.config_dir / ".folio-cache" / "gated-preview" if self.gated_build == "preview"
                          else self.gated_dir)
        _add_folio_templates(config)
        # Before the public tree is written: two builds in one folder would overwrite each other's.
        self._release_lock()
        self._lock = BuildLock(self.config_dir / ".folio-cache").acquire()
        started = time.perf_counter()
        self.tree = PublicTreeBuild(self, config)
        _refuse_public_gated_dir(self.gated_dir, config, self.final_site_dir, self.tree.content_dir)
        self.site, self.public = self.tree.site, self.tree.public
        self.tree.static_files = public_math.add_katex(config, self.tree.config_name)
        self.blocks = PageBlocks(self.site, self.public, self.language, self.today, self.gate_url, self.checkout_url,
                                 config.theme.custom_dir)
        # Folio's look travels with the tree: any builder reading it publishes the stylesheet.
        if CSS_PATH not in [str(getattr(entry, "path", entry)) for entry in config.extra_css]:
            config.extra_css.append(CSS_PATH)
        self.tree.write_pages(self._generated_pages(config), {CSS_PATH: CSS_FILE.read_text(encoding="utf-8")},
                              finish=self._reader_blocks(config))
        self.git = (GitSources(self.tree.content_dir, set(self.site.pages), self.tree.page_sources)
                    if GitSources.wanted(config) else None)
        if self.git is not None:
            self.git.configure(config, self.config_dir)
        self.timings["content"] = time.perf_counter() - started
        return config

    # After other plugins' on_config: git-revision-date-localized has dated the site by then.
    @event_priority(-100)
    def _date_site_by_sources(self, config):
        if self.config.enabled and getattr(self, "git", None) is not None:
            self.git.site_revision(config)
        return config

    on_config = CombinedEvent(_write_public_tree, _date_site_by_sources)

    def _generated_pages(self, config) -> dict[str, str]:
        """Listing pages and additions to pages (course blocks, leaderboards), as Markdown."""
        site, t = self.site, self.t
        pages: dict[str, str] = {}
        for slug, course in site.courses.items():
            src = course.index.src
            course_t = strings(page_language(site, course.index, self.language))
            block = generated.course_block(course, course_t, self._url_from(config, src), self._buy_actions(course, course_t))
            pages[src] = generated.after_title(self.tree.public_markdown(src).rstrip() + "\n", block)
        if site.articles:
            src = "articles/index.md"
            body = generated.articles_index(site, t, self._url_from(config, src))
            pages[src] = self._existing_or_title(src, t["articles"]) + body
        if site.salons:
            src = "salons/index.md"
            body = generated.salons_index(site, t, self._url_from(config, src), self.today)
            pages[src] = self._existing_or_title(src, t["salons"]) + body
        pages.update(self._leaderboard_pages(pages, config))
        pages.update(self._storefront_pages(pages, config))
        return pages

    def _reader_blocks(self, config):
        """The last touch of each page: its header and paywall written in (see page_blocks), so every
        builder shows them. Applied after the include check, which names lines of the author's page."""

        def finish(src: str, markdown: str) -> str:
            page = self.site.pages.get(src)
            if page is None or (page.kind not in ("chapter", "article", "salon") and not page.locked):
                return markdown
            return self.blocks.add_to(src, markdown, self._url_from(config, src))

        return finish

    # -- storefront: buy actions, blocks, feeds ------------------------------------------------

    def checkout_url(self, product: str) -> str | None:
        """The gate's checkout route for a product (None when no gate_url is set)."""
        return f"{self.gate_url}/checkout/{quote(product, safe=':')}" if self.gate_url else None

    def _buy_actions(self, course, t) -> str:
        """The course page's buy buttons (in the course's language): the course, then each membership plan."""
        if not course.price:
            return ""
        forms = [storefront.buy_form(course.product, "one_time", t["buy_course"].format(price=course.price.display),
                                     self.checkout_url(course.product), primary=True)]
        for plan, price in self.site.membership.items():
            forms.append(storefront.buy_form("membership", plan, t[f"join_{plan}"].format(price=price.display),
                                             self.checkout_url("membership")))
        return "".join(forms)

    def _storefront_pages(self, pages: dict[str, str], config) -> dict[str, str]:
        """Public pages whose `<!-- folio:courses -->` (and other) markers are replaced by their blocks."""
        out: dict[str, str] = {}
        store = None
        sources = set(pages) | {src for src in self.site.pages if src not in pages}
        for src in sorted(sources):
            text = pages[src] if src in pages else self.tree.public_markdown(src)
            if not storefront.markers_in(text):
                continue
            unknown = storefront.unknown_markers(text)
            if unknown:
                log.warning("%s: unknown storefront block %s; known blocks: %s", src,
                            ", ".join(f"`folio:{name}`" for name in unknown), ", ".join(storefront.BLOCKS))
            if store is None:
                store = self._storefront(pages)
            out[src] = storefront.expand(text, store, self._url_from(config, src))
        return out

    def _storefront(self, pages: dict[str, str]) -> storefront.Storefront:
        top = [storefront.Contributor(name, round(points), profile if profile in pages else None)
               for name, points, profile in self.top_this_month]
        board = "leaderboard/index.md" if "leaderboard/index.md" in pages else None
        return storefront.Storefront(self.site, self.t, self.today, self.checkout_url, top, board)

    def public_summary(self, page) -> str:
        """A page's public summary: its teaser when locked, never its locked text."""
        locked = self.public.locked.get(page.src)
        return feeds.public_summary(page, locked.teaser if locked else None)

    def _add_feeds(self, files: Files, config) -> Files:
        """RSS, Atom and the salon calendar, made of public facts only (the leak guard scans them too)."""
        self.feed_paths = {}
        if not self.config.enabled or self.site is None or not (self.site.articles or self.site.salons):
            return files
        if not config.site_url:
            log.warning("No site_url in mkdocs.yml: feeds need absolute links, so none were written. "
                        "Set site_url to publish RSS, Atom and the salon calendar.")
            return files
        for path, data in self.feed_files(config, lambda src: _site_url_in(files, src)).items():
            old = files.get_file_from_path(path)
            if old is not None:
                files.remove(old)
            files.append(File.generated(config, path, content=data))
        return files

    def feed_files(self, config, public_url) -> dict:
        """RSS, Atom and the salon calendar (path -> data), of public facts only; notes their paths."""
        self.feed_paths = {}
        source = feeds.FeedSource(
            site=self.site, site_url=config.site_url.rstrip("/") + "/", site_name=config.site_name,
            language=self.language, public_url=public_url,
            summary_of=self.public_summary, default_timezone=self.config.timezone)
        out = feeds.feed_files(source)
        for path in out:
            self.feed_paths[next(kind for kind, name in feeds.FEED_FILES.items() if name == path)] = path
        return out

    def _url_from(self, config, src: str):
        """A function giving URLs of other pages relative to the page at `src`."""
        use_directory_urls = config.use_directory_urls
        here = File(src, "", "", use_directory_urls).url

        def url_for(target: str) -> str:
            return get_relative_url(File(target, "", "", use_directory_urls).url, here)

        return url_for

    def _existing_or_title(self, src: str, title: str) -> str:
        """An author's own index page (its public form, kept, with the listing appended), else a title."""
        if src in self.site.pages:
            return self.tree.public_markdown(src).rstrip() + "\n"
        return f"---\ntitle: {title}\n---\n\n# {title}\n\n"

    def _leaderboard_pages(self, pages: dict[str, str], config) -> dict[str, str]:
        self.course_contributors = {}
        self.top_this_month: list[tuple[str, float, str]] = []
        self.leaderboard_not_in_nav: set[str] = set()
        try:
            from toolkit.leaderboard import site_pages
        except ImportError:  # the leaderboard package is optional while it is being built
            return {}
        started = time.perf_counter()
        result = site_pages(self.config_dir, self.site.docs_dir, self.config.leaderboard,
                            self.t.table, self.today)
        out = dict(result.pages)
        if result.notice:
            log.info("Leaderboard: %s", result.notice)
        self.course_contributors = result.course_contributors
        self.leaderboard_not_in_nav = result.not_in_nav
        for slug, course in self.site.courses.items():
            src = course.index.src
            block = result.course_block(slug, course.index.meta.get("authors", []), self._url_from(config, src))
            if src in pages and block:
                out[src] = pages[src] + "\n" + block
        self.top_this_month = result.top_this_month
        self.timings["leaderboard"] = time.perf_counter() - started
        return out

    def on_serve(self, server, config, builder):
        if self.config.enabled and self.tree is not None:
            # Authors edit content/; the public tree is Folio's output, rewritten only where it changed.
            server.unwatch(config.docs_dir)
            server.watch(str(self.tree.content_dir))
        return server

    # -- files ---------------------------------------------------------------------------------

    # Before other plugins' on_files (blog, tags, jupyter): they see only public pages and candidates.
    @event_priority(100)
    def _offer_candidates(self, files: Files, config) -> Files:
        if not self.config.enabled or self.tree is None:
            return files
        self.files = files
        self.tree.offer_candidates(files, config)
        for src in getattr(self, "leaderboard_not_in_nav", ()):  # hundreds of profiles: linked, not in the nav
            file = files.get_file_from_path(src)
            if file is not None:
                file.inclusion = InclusionLevel.NOT_IN_NAV
        return files

    # After other plugins' on_files: a candidate another plugin made a page of is checked again.
    @event_priority(-100)
    def _withhold_paid_pages(self, files: Files, config) -> Files:
        if not self.config.enabled or self.tree is None:
            return files
        self.tree.withhold_rendered_candidates(files)
        # gated/ and the leak guard need only the content: start them in forked processes so
        # they run on the second core while MkDocs renders the site.
        self._private_job = Job(_private_outputs, self.site, self.gated_out, config, self.gate_url,
                                self.gated_build, self.config_dir / ".folio-cache" / "gated")
        self._leak_guard = None
        # Member pages are absolute to the site: without site_url the gate could not load their theme.
        self.member_pages = (MemberPages(self.public, config.site_url)
                             if config.site_url and self.public.locked else None)
        self._page_written: str | None = None
        self._search_entries, self._search_told = search_entries(config), 0
        if self.config.leak_guard.enabled:
            self._leak_guard = LeakGuard(guard_inputs(self.site, self.public, config, self.config.leak_guard.allow,
                                                      self.tree.private_files()))
        return files

    # After Folio's own on_files, before other plugins': git plugins read each page's history here.
    @event_priority(90)
    def _git_reads_sources(self, files: Files, config) -> Files:
        if getattr(self, "git", None) is not None:
            self.git.point_at_sources(files)
        return files

    # After every other plugin's on_files, before MkDocs reads any page: it reads the public tree.
    @event_priority(-90)
    def _git_reads_no_more(self, files: Files, config) -> Files:
        if getattr(self, "git", None) is not None:
            self.git.point_back(files)
        return files

    on_files = CombinedEvent(_offer_candidates, _git_reads_sources, _add_feeds, _git_reads_no_more,
                             _withhold_paid_pages)

    # MkDocs has read the page's public text; git plugins now look up its source's history.
    @event_priority(100)
    def on_page_markdown(self, markdown: str, page, config, files):
        if getattr(self, "git", None) is not None:
            self.git.point_file(page.file)
        return markdown

    # After other plugins changed the HTML: what the page finally refers to is what counts.
    @event_priority(-100)
    def _note_references(self, html: str, page, config, files):
        if self.config.enabled and self.tree is not None:
            self.tree.note_references(html, page)
        return html

    @event_priority(-100)
    def on_env(self, env, config, files: Files):
        if self.config.enabled and self.tree is not None:
            self.tree.publish_referenced(files)
        self._env = env
        return env

    def _nav_order(self, file: File):
        """Home first, then courses (chapters in course order), articles and salons newest first."""
        return nav_order_key(self.site, file.src_uri, file.is_documentation_page())

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
        if len(top.split("/")) == 1 and section_title(self.site, top, self.t):
            section.title = section_title(self.site, top, self.t)
        for child in section.children:
            if isinstance(child, Section):
                title = section_title(self.site, _section_dir(child), self.t)
                if title:
                    child.title = title
                self._title_section(child)

    def _rewrite_locked_links(self, html: str, page, config, files: Files) -> str:
        """Links to headings now in a locked part go to the gate's reading URL (see locked_links)."""
        if not self.config.enabled or self.site is None or not self.gate_url or not self.public.locked:
            return html
        if getattr(self, "_locked_anchors", None) is None or self._locked_anchors.public is not self.public:
            from toolkit.plugin.locked_links import LockedAnchors

            self._locked_anchors = LockedAnchors(self.public, config, self.gate_url)
            urls = {f.url.rstrip("/"): f.src_uri for f in files.documentation_pages()}
            self._src_of_url = urls.get
            # Cheap test first: only pages that mention a locked page's URL are parsed.
            self._locked_names = {PurePosixPath(f.url.rstrip("/")).name or f.url for f in files.documentation_pages()
                                  if f.src_uri in self.public.locked}
        if page.file.src_uri not in self.public.locked and not any(n in html for n in self._locked_names):
            return html
        return self._locked_anchors.rewrite(html, page.url, self._src_of_url)

    on_page_content = CombinedEvent(_rewrite_locked_links, _note_references)

    # Last of all on_post_page hooks. MkDocs writes a page right after them, so by now the
    # page before this one is on disk: a leak-guard helper scans it while this one renders.
    @event_priority(float("-inf"))
    def on_post_page(self, output: str, page, config) -> str:
        members = getattr(self, "member_pages", None)
        if members is not None and page.file.src_uri in self.public.locked:
            src = page.file.src_uri
            # The member's page carries the chapter header, as the public one does, and no paywall.
            members.render(page, config, self.files, self._env, self._nav,
                           {"folio": {"member": True}, "folio_head": self._head(page, config),
                            "folio_members": self._members_script(page)},
                           decorate=lambda markdown: self.blocks.add_to(src, markdown, self._url_from(config, src),
                                                                        paywall=False))
        if getattr(self, "git", None) is not None:
            self.git.point_file_back(page.file)
        guard = getattr(self, "_leak_guard", None)
        if guard is not None:
            if self._page_written is not None:
                guard.written(config.site_dir, self._page_written)
            else:  # MkDocs copied the static files and wrote the theme's templates before any page
                guard.written_folder(config.site_dir, self._trusted_theme_dirs(config))
            self._page_written = page.file.dest_uri
            # The search index is written after the last page and the build waits while the guard
            # scans it: its entries, scanned now, need only be found in it then.
            entries = self._search_entries
            if entries is not None and len(entries) > self._search_told:
                guard.will_write_strings(search_strings(entries[self._search_told:]))
                self._search_told = len(entries)
        return output

    @staticmethod
    def _trusted_theme_dirs(config) -> list:
        """The installed theme's folders: its own assets, byte-identical in site/, are not scanned."""
        custom_dir = config.theme.custom_dir
        return [d for d in config.theme.dirs if d != custom_dir]

    def on_page_context(self, context, page, config, nav):
        # Headers and the paywall are in the page's Markdown (page_blocks); templates add <head> tags only.
        if not self.config.enabled or self.site is None:
            return context
        context["folio_head"] = self._head(page, config)
        context["folio_members"] = self._members_script(page)
        self._nav = nav
        return context

    def _members_script(self, page) -> dict | None:
        """What the site's members script needs on this page (None without a gate: no script at all)."""
        if not self.gate_url:
            return None
        src = page.file.src_uri
        model = self.site.pages.get(src)
        t = strings(page_language(self.site, model, self.language)) if model else self.t
        course = model.course if model is not None and model.kind in ("course", "chapter") else None
        keys = ("library", "sign_in", "member", "signed_in", "read", "download", "continue", "thanks", "downloads")
        return {"gate": self.gate_url, "page": src, "locked": bool(model and model.locked),
                "course": course or "", "chapter": model.title if model is not None and model.kind == "chapter" else "",
                "strings": {key: t[f"members.{key}"] for key in keys}}

    def _head(self, page, config) -> dict:
        """Feeds, JSON-LD and link-preview meta for the page's <head>: public facts only."""
        site_url = (config.site_url or "").rstrip("/") + "/" if config.site_url else ""
        head = {"feeds": [(feeds.AUTODISCOVERY_REL, feeds.MEDIA_TYPES[kind], path, self.t[f"feed_{kind}"])
                          for kind, path in getattr(self, "feed_paths", {}).items()],
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

    # -- after the build -----------------------------------------------------------------------

    # Run after every other plugin's on_post_build (sitemaps, feeds, search, privacy, hooks)
    # so the leak guard sees every file they wrote.
    @event_priority(float("-inf"))
    def on_post_build(self, config) -> None:
        if not self.config.enabled or self.site is None:
            return
        private = self._private_job.result()
        self.manifest = private["manifest"]
        if getattr(self, "member_pages", None) is not None:
            self.manifest = self.member_pages.add_to(self.manifest, self.gated_out)
        self.timings.update(private["timings"])
        self.gated_rendered = private["rendered"]  # the pages rendered this build (not from the cache)
        self._report_gated_problems(private["problems"])
        self._guard_leaks(Path(config.site_dir), config)
        self._release_lock()

    def _report_gated_problems(self, problems: list[str]) -> None:
        """Paid text is checked like public pages: warnings, or one error under strict."""
        from toolkit.errors import FolioError

        if problems and self.strict:
            raise FolioError("Problems in paid pages (strict mode):\n" + "\n".join(f"  {p}" for p in problems))
        for problem in problems:
            log.warning(problem)

    def on_build_error(self, error) -> None:
        for job in (getattr(self, "_private_job", None), getattr(self, "_leak_guard", None)):
            if job is not None:
                job.cancel()
        self._release_lock()

    def _release_lock(self) -> None:
        lock = getattr(self, "_lock", None)
        if lock is not None:
            lock.release()

    def _guard_leaks(self, site_dir: Path, config) -> None:
        """Scan the finished site; on a leak, remove it and raise LeakError. Sets `leak_summary`."""
        if self._leak_guard is None:
            self.leak_summary = "LEAK GUARD OFF: site/ was not checked for paid text (leak_guard: false in mkdocs.yml)."
            log.warning(self.leak_summary)
            return
        started = time.perf_counter()
        try:
            report = self._leak_guard.check(site_dir, self._trusted_theme_dirs(config))
        finally:
            self.timings["leakguard"] = time.perf_counter() - started
        if report.leaks:
            # Nothing leaky may stay deployable: remove the whole output. The dev server gets its
            # last clean build back and keeps serving it (a failed build would stall every page).
            if not discard_leaky_build(site_dir):
                report.raise_for_leaks()
            log.error("%s\nThe preview keeps serving the last build without leaks.", LeakError(report.leaks))
            self.leak_summary = "leak guard: LEAKS FOUND, the last good build is kept."
            return
        keep_as_last_good(site_dir)
        self.leak_summary = summary(report, self._leak_guard.method)
        log.info("Leak guard: %d paid pages checked against site/, no paid text found", len(self.public.locked))


def _require_material(config) -> None:
    """Folio's templates extend mkdocs-material's; another theme would build pages without a paywall."""
    from toolkit.errors import FolioError

    name = config.theme.name
    if name != "material":
        from toolkit.config import ConfigFile

        raise FolioError(ConfigFile(config.config_file_path).describe(
            ("theme", "name"), f"Folio needs the mkdocs-material theme, got {name!r}; write `name: material` "
            "under `theme:` (pip install mkdocs-material)"))


def _add_folio_templates(config) -> None:
    """Put Folio's templates after the site's custom_dir and before Material's own."""
    dirs = config.theme.dirs
    if str(THEME_DIR) not in dirs:
        custom = config.theme.custom_dir
        dirs.insert(1 if custom and dirs and dirs[0] == custom else 0, str(THEME_DIR))


def _private_outputs(site, gated_dir, config, gate_url, build, cache_dir) -> dict:
    """gated/ written, with the problems found and how long it took."""
    from toolkit.gated.writer import write_gated

    started = time.perf_counter()
    try:
        output = write_gated(site, gated_dir, config, gate_url, build=build, cache_dir=cache_dir)
    except OSError as exc:
        from toolkit.errors import FolioError

        where = exc.filename or gated_dir
        raise FolioError(f"{where}: cannot write the private output ({exc.strerror or exc}); "
                         f"check that plugins.folio.gated_dir ({gated_dir}) is a writable folder") from None
    return {"manifest": output.manifest, "problems": output.problems, "rendered": output.rendered,
            "timings": {"gated": time.perf_counter() - started}}


def _site_url_in(files: Files, src: str) -> str:
    """The site-root URL of the page at `src`, read off MkDocs' file list."""
    file = files.get_file_from_path(src)
    return file.url if file else src


class _TitledPage:
    """A stand-in for pages outside the content model (generated boards): a title and no facts."""

    def __init__(self, title: str):
        self.title, self.meta, self.kind = title, {}, "page"


def _refuse_public_gated_dir(gated_dir: Path, config, final_site_dir: Path | None, content_dir: Path) -> None:
    """gated/ inside docs_dir, content_dir or site_dir would be copied to, or be, the public site."""
    from toolkit.errors import FolioError

    folders = {"docs_dir": config["docs_dir"], "site_dir": final_site_dir or config["site_dir"],
               "plugins.folio.content_dir": content_dir}
    for name, folder in folders.items():
        public = Path(folder).resolve()
        if gated_dir == public or gated_dir.is_relative_to(public) or public.is_relative_to(gated_dir):
            raise FolioError(
                f"{Path(config.config_file_path or 'mkdocs.yml').name}: plugins.folio.gated_dir: {gated_dir} "
                f"overlaps {name} ({public}), so paid files would be published; put it outside them, e.g. `gated`"
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
