"""`folio build` with any builder: the public tree, the builder, the leak guard, gated/, the swap.

The steps, the same whatever renders the site:
  1. load and check the content; write the public tree (pages with their headers and paywalls)
  2. render the public pages once with the site's Markdown extensions and publish only the
     files they refer to (the allow-list), then write the builder's configuration
  3. run the builder into its own output folder (kept between builds, so it rewrites only what
     changed), while gated/ is written and the leak guard's fingerprints are built on the second core
  4. scan every file the builder wrote; a leak removes that folder and fails the build
  5. copy the clean output to a staging folder beside site/ and swap it in: a failed build never
     replaces the last good site

Under MkDocs the plugin's hooks run these same steps inside `mkdocs build` (`staging.build_site`),
so people who run `mkdocs build` themselves get them too.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from toolkit.errors import FolioError

log = logging.getLogger("mkdocs.plugins.folio")


def build(config_file=None, builder: str = "mkdocs", strict: bool = False, site_dir: str | None = None, **overrides):
    """Build the site with `builder`; give (config, plugin) as `staging.build_site` does."""
    if builder == "mkdocs":
        from toolkit.plugin.staging import build_site

        return build_site(config_file, strict=strict, site_dir=site_dir, **overrides)
    if builder == "zensical":
        return build_with_zensical(config_file, strict=strict, site_dir=site_dir, **overrides)
    raise FolioError(f"--builder {builder}: unknown builder; use mkdocs or zensical")


class ZensicalSite:
    """One site built (or previewed) with Zensical: the Folio steps before and after `zensical`."""

    def __init__(self, config_file=None, strict: bool = False, site_dir: str | None = None, command: str = "build",
                 **overrides):
        from toolkit.plugin import builders
        from toolkit.plugin.staging import folio_plugin, load_mkdocs_config

        builders.zensical_available()
        if strict:
            overrides["strict"] = strict
        if site_dir:
            overrides["site_dir"] = site_dir
        self.config_file = config_file
        self.overrides = overrides
        self.config = load_mkdocs_config(config_file, **overrides)
        self.config_path = Path(self.config.config_file_path or "mkdocs.yml")
        self.plugin = folio_plugin(self.config)
        if not self.plugin.config.enabled:
            raise FolioError(f"{self.config_path.name}: plugins.folio.enabled is false; a Zensical build without "
                             "Folio is plain `zensical build`, and Folio will not run one it cannot check")
        for name in builders.refuse_dropped_plugins(self.config, self.config_path.name):
            log.warning("Zensical skips the plugin %s (it changes how pages look, not what is public).", name)
        self.final = Path(self.config.site_dir).resolve()
        self.plugin.final_site_dir = self.final
        self.plugin.on_startup(command=command, dirty=False)

    def write_tree(self) -> Path:
        """Steps 1-2: the public tree with its pages and the files they refer to, and Zensical's
        configuration; give that configuration's path. Holds the build lock (release_lock ends it)."""
        from toolkit.plugin import builders
        from toolkit.plugin.nav import generated_nav
        from toolkit.plugin.public_site import site_renderer

        plugin, config = self.plugin, self.config
        config = run_on_config(plugin, config)  # content checked, public tree written, build lock held
        tree = plugin.tree
        started = time.perf_counter()
        tree.note_rendered_pages(site_renderer(config))
        tree.publish_noted()
        plugin.timings["assets"] = time.perf_counter() - started
        # Zensical's own output folder, kept between builds: it rewrites only what changed and
        # removes what is gone. Nothing is served from it; it is copied to the site only when clean.
        self.output = tree.tree.root.resolve().parent / builders.OUTPUT_DIR
        nav = generated_nav(plugin.site, tree.page_sources, plugin.t, getattr(plugin, "leaderboard_not_in_nav", ()))
        return builders.write_zensical_config(config, tree.tree.root, self.output, nav,
                                              builders.raw_config(self.config_path))

    def release_lock(self) -> None:
        self.plugin._release_lock()

    def build(self):
        """Every step (see the module docstring); give (config, plugin) as `staging.build_site` does."""
        from toolkit.plugin import builders
        from toolkit.plugin.guard_in_build import LeakGuard, guard_inputs, summary

        plugin, config, final = self.plugin, self.config, self.final
        staging = None
        jobs = []
        try:
            generated = self.write_tree()
            output = self.output
            private_job = _start_private_job(plugin, config)
            jobs.append(private_job)
            guard = None
            if plugin.config.leak_guard.enabled:
                guard = LeakGuard(guard_inputs(plugin.site, plugin.public, config, plugin.config.leak_guard.allow,
                                               plugin.tree.private_files()))
                jobs.append(guard)
            started = time.perf_counter()
            builders.run_zensical(generated, strict=bool(config.strict))
            plugin.timings["zensical"] = time.perf_counter() - started
            self._write_feeds(output)  # before the leak guard, which scans them with the rest
            private = private_job.result()
            plugin.manifest = private["manifest"]
            plugin.timings.update(private["timings"])
            plugin.gated_rendered = private["rendered"]
            plugin._report_gated_problems(private["problems"])
            if guard is None:
                plugin.leak_summary = ("LEAK GUARD OFF: site/ was not checked for paid text "
                                       "(leak_guard: false in mkdocs.yml).")
            else:
                started = time.perf_counter()
                report = guard.check(output)
                plugin.timings["leakguard"] = time.perf_counter() - started
                if report.leaks:
                    shutil.rmtree(output, ignore_errors=True)
                    report.raise_for_leaks()
                plugin.leak_summary = summary(report, guard.method)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
            shutil.rmtree(staging)
            shutil.copytree(output, staging)
            _swap_in(staging, final)
            staging = None
        except BaseException:
            for job in jobs:
                job.cancel()
            raise
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            self.release_lock()
        return config, plugin


    def _write_feeds(self, output: Path) -> None:
        """RSS, Atom and the salon calendar, written into Zensical's output as MkDocs' build writes them."""
        from mkdocs.structure.files import File

        plugin, config = self.plugin, self.config
        if not (plugin.site.articles or plugin.site.salons):
            return
        if not config.site_url:
            log.warning("No site_url in mkdocs.yml: feeds need absolute links, so none were written. "
                        "Set site_url to publish RSS, Atom and the salon calendar.")
            return
        use_directory_urls = config.use_directory_urls
        for path, data in plugin.feed_files(config, lambda src: File(src, "", "", use_directory_urls).url).items():
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, str):
                data = data.encode("utf-8")
            target.write_bytes(data)


def build_with_zensical(config_file=None, strict: bool = False, site_dir: str | None = None, **overrides):
    return ZensicalSite(config_file, strict=strict, site_dir=site_dir, **overrides).build()


def _start_private_job(plugin, config):
    """gated/ in a helper process while Zensical renders (as the plugin does under MkDocs)."""
    from toolkit.plugin.background import Job
    from toolkit.plugin.plugin import _private_outputs

    return Job(_private_outputs, plugin.site, plugin.gated_out, config, plugin.gate_url,
               plugin.gated_build, plugin.config_dir / ".folio-cache" / "gated")


def _swap_in(staging: Path, final: Path) -> None:
    """Replace `final` by the finished site in `staging`, a sibling of it (two renames)."""
    from toolkit.plugin.staging import _swap_in as swap

    swap(staging, final)


def run_on_config(plugin, config):
    """Folio's on_config outside MkDocs: it may be several hooks (a CombinedEvent), run in order."""
    for hook in getattr(plugin.on_config, "methods", (plugin.on_config,)):
        config = hook(config) or config
    return config
