"""Run MkDocs with the folio plugin, the way `folio build`, `check` and the benchmarks need it."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from toolkit.errors import FolioError


def load_mkdocs_config(config_file: str | os.PathLike | None, **overrides):
    """The MkDocs config, with errors in mkdocs.yml reported as one clear message."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = Path(config_file or "mkdocs.yml")
    if not path.is_file():
        raise FolioError(f"{path}: no such file. Run folio in the folder that holds mkdocs.yml, or pass --config-file.")
    try:
        return load_config(str(path), **overrides)
    except exceptions.ConfigurationError as exc:
        raise FolioError(f"{path}: {exc}") from None
    except exceptions.Abort as exc:
        raise FolioError(f"{path}: {exc}") from None


def folio_plugin(config):
    """The folio plugin instance of a loaded config (FolioError if it is not enabled)."""
    plugin = config["plugins"].get("folio")
    if plugin is None:
        raise FolioError(f"{config.config_file_path}: add `- folio` under `plugins:` to use Folio.")
    return plugin


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
            build(config)
        finally:
            config.plugins.on_shutdown()
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, exceptions.Abort):
            raise FolioError(f"Build aborted: {exc}") from None
        if isinstance(exc, exceptions.MkDocsException):
            raise FolioError(str(exc)) from None
        raise
    finally:
        config.site_dir = str(final)
    _swap_in(staging, final)
    return config, plugin


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
