"""Run MkDocs with the folio plugin, the way `folio build`, `check` and the benchmarks need it."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from toolkit.config import folio_plugin, load_mkdocs_config
from toolkit.errors import FolioError

__all__ = ["build_site", "folio_plugin", "load_mkdocs_config", "quiet_mkdocs_logging"]


def build_site(config_file=None, strict: bool = False, site_dir: str | None = None, **overrides):
    """Build into a fresh folder and swap it in only on success, so a failed build keeps the last good site.

    `overrides` are MkDocs config values that replace mkdocs.yml's (the sandbox's URLs).
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build

    if strict:
        overrides["strict"] = strict
    if site_dir:
        overrides["site_dir"] = site_dir
    config = load_mkdocs_config(config_file, **overrides)
    plugin = folio_plugin(config)
    final = Path(config.site_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    config.site_dir = str(staging)
    plugin.final_site_dir = final
    try:
        # As `mkdocs build` does: plugins such as mkdocs-rss-plugin set up their state in on_startup.
        config.plugins.on_startup(command="build", dirty=False)
        try:
            with _reported_once():
                build(config)
        finally:
            config.plugins.on_shutdown()
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _for_the_user(exc) from None
    finally:
        config.site_dir = str(final)
    _swap_in(staging, final)
    return config, plugin


def _for_the_user(exc: BaseException) -> BaseException:
    """The error to show: the plugin's own message, not MkDocs' "Aborted with a BuildError!"."""
    from mkdocs import exceptions

    # MkDocs logs a BuildError, then raises Abort from inside its `except`: the original is the context.
    original = exc.__context__ if isinstance(exc, exceptions.Abort) else exc
    if isinstance(original, FolioError):
        return original
    if isinstance(original, exceptions.MkDocsException):
        return FolioError(original.format_message())
    if isinstance(exc, exceptions.Abort):
        return FolioError(f"Build aborted: {exc.format_message()}")
    return exc


class _reported_once:
    """Drop MkDocs' own log line of a BuildError while `folio build` runs: the CLI prints it, once."""

    def __enter__(self):
        self.logger = logging.getLogger("mkdocs.commands.build")
        self.logger.addFilter(self._filter)
        return self

    def __exit__(self, *exc_info):
        self.logger.removeFilter(self._filter)

    @staticmethod
    def _filter(record: logging.LogRecord) -> bool:
        import sys

        from mkdocs import exceptions

        # MkDocs logs the error it is handling; `_for_the_user` raises that same error for click to print.
        handling = sys.exc_info()[1]
        return not (isinstance(handling, exceptions.BuildError) and record.getMessage() == str(handling))


def _swap_in(staging: Path, final: Path) -> None:
    """Replace `final` by the complete site in `staging` with two renames."""
    old = final.with_name(f".{final.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def quiet_mkdocs_logging() -> None:
    """MkDocs' own INFO lines are noise for a CLI user; Folio's (gated products, leak guard) still show."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("mkdocs.plugins.folio").setLevel(logging.INFO)


def content_dir_of(config) -> Path:
    """Where the authors' Markdown lives: plugins.folio.content_dir, else (legacy layout) docs_dir."""
    plugin = config["plugins"].get("folio")
    chosen = plugin.config.get("content_dir") if plugin is not None else None
    base = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    return (base / chosen).resolve() if chosen else Path(config["docs_dir"]).resolve()
