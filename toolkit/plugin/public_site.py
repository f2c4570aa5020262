"""One build's public tree: from content/ to the allow-listed docs_dir MkDocs renders.

The plugin's hooks call this in order: construct (on_config: classify content, write
pages), `offer_candidates` (on_files), `withhold_rendered_candidates` (late on_files),
`note_references` (each rendered page), `publish_referenced` (on_env, before MkDocs
copies any file).
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Callable

import pathspec
from mkdocs.structure.files import File, Files

from toolkit.plugin import content_files, includes
from toolkit.plugin.asset_refs import site_paths
from toolkit.plugin.public_pages import make_public
from toolkit.plugin.teaser import Renderer
from toolkit.plugin.public_tree import PLACEHOLDER, PublicTree
from toolkit.content.layout import is_markdown
from toolkit.content.loading import load_site
from toolkit.errors import FolioError

log = logging.getLogger("mkdocs.plugins.folio")

LEGACY_TREE = Path(".folio") / "public"


class PublicTreeBuild:
    def __init__(self, plugin, config):
        self.config = config
        self.config_name = Path(config.config_file_path or "mkdocs.yml").name
        self.config_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.content_dir, public_dir = self._folders(plugin, config)
        _refuse_unsupported_layouts(config, self.config_name)
        self.tree = PublicTree(public_dir, self.content_dir, self.config_name)
        self.tree.ensure_placeholder()
        self.tree.check_foreign_files()
        config.docs_dir = str(public_dir)
        _exclude_placeholder(config)
        _edit_links_to_sources(config, self.config_dir, public_dir, self.content_dir)
        self.site = load_site(self.content_dir, dict(plugin.config.membership), plugin.strict,
                              config.config_file_path or "mkdocs.yml")
        self.public = make_public(self.site, plugin.config.teaser_words, site_renderer(config), self.shown)
        self.files = content_files.classify(self.site, self.content_dir, self.shown)
        self.public_files = pathspec.GitIgnoreSpec.from_lines(plugin.config.public_files)
        content_files.refuse_public_files_in_priced_courses(self.site, self.files.candidates, self.public_files,
                                                            self.shown)
        self.candidates: dict[str, File] = {}
        self.referenced: set[str] = set()
        # Files Folio itself ships into the tree (KaTeX when the site has math): tree path -> file.
        self.static_files: dict[str, Path] = {}

    def shown(self, src: str) -> str:
        """How a content file is named in messages: relative to mkdocs.yml's folder when possible."""
        path = self.content_dir / src
        try:
            return path.relative_to(self.config_dir).as_posix()
        except ValueError:
            return path.as_posix()

    def _folders(self, plugin, config) -> tuple[Path, Path]:
        docs_dir = Path(config.docs_dir).resolve()
        chosen = plugin.config.content_dir
        if not chosen:
            # The old layout: docs_dir holds the content, so any builder without the plugin (or with
            # `enabled: false`) publishes paid chapters whole. Fail closed, with the fix.
            raise FolioError(
                f"{self.config_name}: docs_dir ({docs_dir.name}) holds the content, so a build without the folio "
                "plugin would publish paid chapters. Keep the content where it is and write these two lines "
                f"in {self.config_name}:\n"
                f"    docs_dir: {LEGACY_TREE.as_posix()}\n"
                f"    content_dir: {_relative(docs_dir, self.config_dir)}    (under `plugins: - folio:`)"
            )
        content_dir = (self.config_dir / chosen).resolve()
        if not content_dir.is_dir():
            raise FolioError(f"{self.config_name}: plugins.folio.content_dir: {content_dir} is not a folder; "
                             "name the folder that holds your Markdown, e.g. `content`")
        if docs_dir == content_dir or docs_dir.is_relative_to(content_dir) or content_dir.is_relative_to(docs_dir):
            raise FolioError(
                f"{self.config_name}: docs_dir ({docs_dir}) and plugins.folio.content_dir ({content_dir}) overlap; "
                f"docs_dir is the public tree Folio writes, e.g. `docs_dir: {LEGACY_TREE.as_posix()}`"
            )
        return content_dir, docs_dir

    def private_files(self) -> dict[str, str]:
        """Shown name -> path of every private file of a priced course (for the leak guard)."""
        found = content_files.private_files(self.site, self.files.candidates, self.public.public_refs)
        return {self.shown(src): str(path) for src, path in found.items()}

    # -- pages (on_config) ---------------------------------------------------------------------

    def public_markdown(self, src: str) -> str:
        """A page's public Markdown: the teaser form of a locked page, else its source."""
        if src in self.public.markdown:
            return self.public.markdown[src]
        return (self.content_dir / src).read_text(encoding="utf-8")

    def write_pages(self, generated: dict[str, str], files: dict[str, str] | None = None,
                    finish: Callable[[str, str], str] | None = None) -> None:
        """Write the tree's pages: `generated` Markdown, the public form of the others, and Folio's own
        `files` (its stylesheet). `finish(src, markdown)` gives a page's final Markdown (headers, paywall)."""
        texts: dict[str, bytes] = {src: text.encode("utf-8") for src, text in generated.items()}
        links: dict[str, Path] = {}
        for src in self.site.pages:
            if src in texts:
                continue
            if src in self.public.markdown:
                texts[src] = self.public.markdown[src].encode("utf-8")
            else:
                links[src] = self.content_dir / src
        if "README.md" in links and "index.md" not in links and "index.md" not in texts:
            links["index.md"] = links.pop("README.md")  # the placeholder is the tree's README.md
        elif "README.md" in texts and "index.md" not in texts and "index.md" not in links:
            texts["index.md"] = texts.pop("README.md")
        links.pop(PLACEHOLDER, None)
        texts.pop(PLACEHOLDER, None)
        links.update(self.files.folder_metadata)
        links.update(self.static_files)
        self._check_includes({**{s: self.public.markdown.get(s) for s in links if s in self.site.pages},
                              **{s: t.decode("utf-8") for s, t in texts.items()}})
        if finish is not None:
            for src in sorted(set(texts) | set(links)):
                if src not in self.site.pages:
                    continue
                before = texts[src].decode("utf-8") if src in texts else links[src].read_text(encoding="utf-8")
                after = finish(src, before)
                if after != before:
                    texts[src] = after.encode("utf-8")
                    links.pop(src, None)
        for name, text in (files or {}).items():
            texts.setdefault(name, text.encode("utf-8"))
        self.tree.write_pages(texts, links)
        self.page_sources = set(texts) | set(links)

    def _check_includes(self, pages: dict[str, str | None]) -> None:
        paid = content_files.paid_files(self.site, self.content_dir, self.files.candidates, self.shown)
        if not paid:
            return
        config = self.config
        snippets = (config.mdx_configs or {}).get("pymdownx.snippets", {}) or {}
        bases = [self.config_dir, Path.cwd(), self.content_dir, self.tree.root]
        base_path = snippets.get("base_path", ["."])
        for base in [base_path] if isinstance(base_path, str) else base_path:
            bases += [self.config_dir / base, Path.cwd() / base]
        macros = config.plugins.get("macros")
        if macros is not None:
            include_dir = macros.config.get("include_dir") or ""
            bases.append(self.config_dir / include_dir)
        check = includes.IncludeCheck(paid, bases, self.shown)
        problems = []
        for name in snippets.get("auto_append", []) or []:
            hit = check._paid_target(name, [])
            if hit:
                problems.append(f"{self.config_name}: markdown_extensions: pymdownx.snippets: auto_append names "
                                f"{hit}, which is paid, so every page would include it; remove it.")
        for src, text in pages.items():
            if text is None:
                text = (self.content_dir / src).read_text(encoding="utf-8")
            if "8<" not in text and "{%" not in text:
                continue
            folder = PurePosixPath(src).parent.as_posix()
            here = [self.content_dir / folder, self.tree.root / folder]
            problems += check.problems(src, here, text)
        includes.raise_if_any(problems)

    # -- other files (on_files .. on_env) ------------------------------------------------------

    def offer_candidates(self, files: Files, config) -> None:
        """Replace the tree's assets (last build's choice) by every candidate from content/."""
        tree_root = str(self.tree.root)
        for file in list(files):
            if file.abs_src_path and file.abs_src_path.startswith(tree_root) and file.src_uri not in self.page_sources:
                if file.src_uri.endswith(".folio-tree.json"):
                    continue
                files.remove(file)
        for file in list(files):
            # MkDocs renders only lower-case suffixes; Folio reads `.MD` as a page: so must MkDocs.
            if (file.abs_src_path and file.abs_src_path.startswith(tree_root) and is_markdown(file.src_uri)
                    and not file.is_documentation_page()):
                files.remove(file)
                files.append(_MarkdownPage(file.src_uri, file.src_dir, file.dest_dir, config.use_directory_urls))
        for src, path in self.files.candidates.items():
            existing = files.get_file_from_path(src)
            if existing is not None:
                files.remove(existing)
            file = File(src, str(self.content_dir), config.site_dir, config.use_directory_urls)
            self.candidates[src] = file
            files.append(file)
        self._candidate_names = {PurePosixPath(f.dest_uri).name for f in self.candidates.values()}

    def _who_gets(self, src: str) -> str:
        """Where a file withheld from a priced course goes: its download, or nowhere while nothing is sold."""
        slug = content_files.priced_course(self.site, src)
        if any(chapter.access == "paid" for chapter in self.site.courses[slug].chapters):
            return f"buyers of the course `{slug}` get it in the course's download"
        return (f"the course `{slug}` has a price but no paid chapter, so nothing sells it yet; link it from a "
                "public page to publish it, or make a chapter paid to sell it")

    def withhold_rendered_candidates(self, files: Files) -> None:
        """A candidate inside a priced course that another plugin (e.g. mkdocs-jupyter) made a page of."""
        for src, file in list(self.candidates.items()):
            current = files.get_file_from_path(src)
            if current is None:
                continue
            if current.is_documentation_page() and content_files.priced_course(self.site, src):
                files.remove(current)
                del self.candidates[src]
                log.warning("%s: kept private and gated whole: Folio cannot cut it into a teaser, so it is not "
                            "published; %s", self.shown(src), self._who_gets(src))
            elif current is not file:
                self.candidates[src] = current

    def note_references(self, html: str, page) -> None:
        from urllib.parse import urlsplit

        if not self.candidates:
            return
        prefix = urlsplit(self.config.site_url or "/").path or "/"
        # Raw HTML is not rewritten by MkDocs: authors mean its relative paths from the source's
        # folder, as they work without directory URLs. Counting both publishes nothing unnamed.
        folder = PurePosixPath(page.file.src_uri).parent.as_posix()
        self.referenced |= site_paths(html, page.url, prefix, "" if folder == "." else folder + "/",
                                      names=self._candidate_names)

    # -- without a builder's events (`folio build --builder zensical`) ---------------------------

    def note_rendered_pages(self, renderer: Renderer) -> None:
        """Render each public page of the tree once with the site's extensions and note what it refers to.

        The stand-in for MkDocs' page events: the same HTML reading (`site_paths`) on Folio's own
        rendering of the Markdown the builder will render.
        """
        from urllib.parse import quote, urlsplit

        from mkdocs.structure.files import File as MkDocsFile

        self._candidate_names = {PurePosixPath(src).name for src in self.files.candidates}
        if not self.files.candidates:
            return
        prefix = urlsplit(self.config.site_url or "/").path or "/"
        # Only pages whose Markdown names a candidate (as written or %-encoded), or includes other
        # files, can refer to one: the rest are not rendered. A name Folio misses here only leaves
        # a file unpublished (a broken image), never publishes one.
        spellings = self._candidate_names | {quote(name) for name in self._candidate_names}
        for src in sorted(self.page_sources):
            if not is_markdown(src):
                continue
            markdown = self.tree.root.joinpath(src).read_text(encoding="utf-8")
            if "8<" not in markdown and "{%" not in markdown and not any(name in markdown for name in spellings):
                continue
            html = renderer.links_html(_body(markdown))
            url = MkDocsFile(src, "", "", self.config.use_directory_urls).url
            folder = PurePosixPath(src).parent.as_posix()
            self.referenced |= site_paths(html, url, prefix, "" if folder == "." else folder + "/",
                                          names=self._candidate_names)

    def publish_noted(self) -> None:
        """Keep the candidates the rendered public pages refer to (or mkdocs.yml names); drop the rest."""
        named = _named_by_config(self.config)
        kept = {src: self.content_dir / src for src in self.files.candidates
                if src in self.referenced or src in named or self.public_files.match_file(src)}
        for src in sorted(set(self.files.candidates) - set(kept)):
            if content_files.priced_course(self.site, src) and src.lower().endswith(".ipynb"):
                log.warning("%s: gated whole: Folio cannot cut a notebook into a teaser, so it is not published; "
                            "%s", self.shown(src), self._who_gets(src))
        self.tree.write_assets(kept)

    def publish_referenced(self, files: Files) -> None:
        """Keep the candidates public pages refer to (or mkdocs.yml names); drop the rest."""
        named = _named_by_config(self.config)
        kept: dict[str, Path] = {}
        dropped = 0
        for src, file in self.candidates.items():
            if file.is_documentation_page():
                kept[src] = self.content_dir / src  # a page another plugin renders (outside priced courses)
                continue
            dest = file.dest_uri
            if dest in self.referenced or src in named or self.public_files.match_file(src):
                kept[src] = self.content_dir / src
            else:
                files.remove(file)
                dropped += 1
                course = content_files.priced_course(self.site, src)
                if course and src.lower().endswith(".ipynb"):
                    log.warning("%s: gated whole: Folio cannot cut a notebook into a teaser, so it is not published; "
                                "%s", self.shown(src), self._who_gets(src))
        self.tree.write_assets(kept)
        if dropped:
            log.info("Folio: %d files under %s not published (no public page refers to them)",
                     dropped, self.content_dir.name)


class _MarkdownPage(File):
    """A page whose suffix MkDocs does not know in this case (`.MD`): rendered like `.md`."""

    def is_documentation_page(self) -> bool:
        return True

    def is_static_page(self) -> bool:
        return False


def _body(markdown: str) -> str:
    """A page's Markdown without its front matter."""
    if markdown.startswith("---"):
        end = markdown.find("\n---", 3)
        if end != -1:
            return markdown[markdown.find("\n", end + 4) + 1 or len(markdown):]
    return markdown


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def site_renderer(config) -> Renderer:
    """Python-Markdown with the site's extensions, to cut teasers on the blocks MkDocs will render."""
    return Renderer(config.get("markdown_extensions") or (), config.get("mdx_configs") or {})


def _named_by_config(config) -> set[str]:
    named = set()
    for entry in list(config.extra_css) + list(config.extra_javascript):
        named.add(str(getattr(entry, "path", entry)))
    for key in ("logo", "favicon"):
        value = config.theme.get(key) if hasattr(config.theme, "get") else None
        if isinstance(value, str):
            named.add(value)
    return {PurePosixPath(n).as_posix().lstrip("/") for n in named}


def _exclude_placeholder(config) -> None:
    """The tree's committed README.md is for builders without Folio; Folio's builds skip it."""
    existing = config.exclude_docs
    lines = [p.pattern for p in existing.patterns if getattr(p, "pattern", None)] if existing else []
    config.exclude_docs = pathspec.GitIgnoreSpec.from_lines(lines + [f"/{PLACEHOLDER}"])


def _edit_links_to_sources(config, config_dir: Path, public_dir: Path, content_dir: Path) -> None:
    """Edit links name the source in content/, never the generated tree."""
    edit_uri = config.edit_uri
    if not edit_uri or not config.repo_url:
        return
    try:
        content = content_dir.relative_to(config_dir).as_posix()
        public = public_dir.relative_to(config_dir).as_posix()
    except ValueError:
        return
    stripped = edit_uri.rstrip("/")
    for generated in (public, "docs"):
        if stripped.endswith("/" + generated) or stripped == generated:
            config.edit_uri = stripped[: len(stripped) - len(generated)] + content + "/"
            return


def _refuse_unsupported_layouts(config, config_name: str) -> None:
    if config.plugins.get("i18n") is not None:
        raise FolioError(
            f"{config_name}: plugins: i18n: Folio does not read mkdocs-static-i18n's folder (`en/…`) or suffix "
            "(`page.zh.md`) layouts yet, so it could not tell which translated chapters are paid. Build one "
            "site per language instead: one mkdocs.yml each, with its own content_dir and theme.language."
        )
