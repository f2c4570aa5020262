"""Plugins that read git see each public page's source, not the generated public tree.

MkDocs hands plugins the public tree (`.folio/public`), which git does not track: read
there, mkdocs-git-revision-date-localized-plugin and mkdocs-git-authors-plugin give every
page the build time or "not committed" (and fail `--strict`), and
mkdocs-git-committers-plugin-2 finds no history. So, while those plugins look, a public
page's file names its source in content_dir:

- from early `on_files` to the end of `on_files` (they read histories there, in bulk);
- from early `on_page_markdown` (MkDocs has read the public text by then) to `on_post_page`.

MkDocs itself reads the public tree's text before either window opens, so what is
rendered is still only the public text. git-committers, which joins its `docs_path`
to each page's path, is pointed at content_dir instead of the public tree.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.folio")

GIT_PLUGINS = ("git-revision-date-localized", "git-authors", "git-committers")


class GitSources:
    def __init__(self, content_dir: Path, sources: set[str], generated: set[str]) -> None:
        self.content_dir = Path(content_dir)
        self.sources = sources  # docs-relative paths of pages with a source in content_dir
        self.generated = generated - sources  # pages Folio writes (listings, leaderboards): in no history
        self._public: dict[int, str] = {}  # id(file) -> its public abs_src_path, while pointed at the source

    @staticmethod
    def wanted(config) -> bool:
        return any(name in config.plugins for name in GIT_PLUGINS)

    def configure(self, config, config_dir: Path) -> None:
        """Pages Folio generates are excluded from git-authors and git-committers (they have no history);
        git-committers reads `docs_path` + the page's path, relative to the repository's top."""
        for name in ("git-authors", "git-committers"):
            plugin = config.plugins.get(name)
            if plugin is not None and "exclude" in plugin.config:
                plugin.config["exclude"] = list(plugin.config["exclude"] or []) + sorted(self.generated)
        committers = config.plugins.get("git-committers")
        if committers is None:
            return
        top = _repository_top(self.content_dir)
        if top is None:
            return
        committers.config["docs_path"] = self.content_dir.relative_to(top).as_posix().rstrip("/") + "/"

    def point_at_sources(self, files) -> None:
        for file in files.documentation_pages():
            if file.src_uri in self.generated and not file.generated_by:
                # What git plugins skip (no history to read), as they skip mkdocs-gen-files' pages.
                file.generated_by = "folio"
            self.point_file(file)

    def site_revision(self, config) -> None:
        """git-revision-date-localized dated the whole site by the public tree's history (its
        placeholder page): date it by content_dir's instead."""
        plugin = config.plugins.get("git-revision-date-localized")
        util = getattr(plugin, "util", None)
        if util is not None and hasattr(plugin, "last_site_revision_timestamp"):
            plugin.last_site_revision_hash, plugin.last_site_revision_timestamp = \
                util.get_git_commit_timestamp(str(self.content_dir))

    def point_file(self, file) -> None:
        if file.src_uri in self.sources and id(file) not in self._public and file.abs_src_path:
            self._public[id(file)] = file.abs_src_path
            file.abs_src_path = str(self.content_dir / file.src_uri)

    def point_back(self, files) -> None:
        for file in files:
            self.point_file_back(file)

    def point_file_back(self, file) -> None:
        public = self._public.pop(id(file), None)
        if public is not None:
            file.abs_src_path = public


def _repository_top(folder: Path) -> Path | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True,
                             timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.stdout.strip()).resolve() if out.returncode == 0 and out.stdout.strip() else None
