"""Build a generated site in-process and check properties P1-P4 on it (see docs/security/properties.md)."""

from __future__ import annotations

import contextlib
import logging
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

from tests.properties import scanner
from tests.properties.sitegen import SiteSpec, write, without_plugin
from toolkit.errors import FolioError
from toolkit.leakguard.scan import LeakError


@dataclass
class Outcome:
    error: BaseException | None
    plain_error: BaseException | None


def built_page(site: Path, src: str) -> Path:
    return site / src[: -len(".md")] / "index.html"


@contextlib.contextmanager
def quiet_mkdocs_logging():
    """Builds by the hundred: only errors are worth printing."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def build(config: Path) -> BaseException | None:
    """Folio's build, in this process; the error it ended with, if any."""
    from toolkit.plugin.staging import build_site

    try:
        with quiet_mkdocs_logging():
            build_site(config)
    except BaseException as exc:  # noqa: BLE001 - the properties judge every way a build can end
        return exc
    return None


def plain_build(config: Path) -> BaseException | None:
    """`mkdocs build` of the same site with the plugin removed (what a builder without Folio does)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    try:
        with quiet_mkdocs_logging():
            cfg = load_config(str(without_plugin(config)))
            cfg.plugins.on_startup(command="build", dirty=False)
            mkdocs_build(cfg)
    except BaseException as exc:  # noqa: BLE001
        return exc
    return None


def check_site(root: Path, spec: SiteSpec) -> None:
    """Write and build `spec` under `root`; assert P1-P4."""
    if root.exists():
        shutil.rmtree(root)
    config, canaries = write(root, spec)
    outcome = Outcome(build(config), None)
    outcome.plain_error = plain_build(config)
    check_p4(outcome)
    check_p3(spec, outcome)
    check_p1(root, spec, canaries)
    if outcome.error is None:
        check_p2(root, spec)


def check_p4(outcome: Outcome) -> None:
    """P4: a build ends in success or a clear Folio error; never a traceback (also without the plugin)."""
    for error in (outcome.error, outcome.plain_error):
        if error is not None and not isinstance(error, FolioError):
            raise AssertionError("build ended with a traceback:\n" + "".join(traceback.format_exception(error)))
    assert outcome.plain_error is None, f"a builder without Folio failed: {outcome.plain_error}"


def check_p3(spec: SiteSpec, outcome: Outcome) -> None:
    """P3: the build fails naming the file when a route copies private material into site/, else succeeds."""
    if spec.copy_route:
        assert isinstance(outcome.error, LeakError), f"copied {spec.copy_route} into site/ and the build said {outcome.error!r}"
        assert f"content/courses/c/{spec.copy_route}" in str(outcome.error)
    else:
        assert outcome.error is None, f"false alarm: {outcome.error}"


def check_p1(root: Path, spec: SiteSpec, canaries) -> None:
    """P1: no locked canary anywhere in site/, the public tree or a build without Folio, except what the
    locked page itself shows as its teaser."""
    site = root / "site"
    shown = set()
    for page in spec.pages:
        # What the page visibly shows (text, alt, title), in Folio's build or, when that failed as it
        # should, in the build without Folio (the same teaser, from the public tree).
        for built in (site, root / "site-plain"):
            html = built_page(built, page.name)
            if page.locked and html.is_file():
                shown.add(scanner.article(html)[1])
    shown_text = "\n".join(shown)
    folders = [site, root / ".folio" / "public", root / "site-plain"]
    hits = scanner.canaries_in(folders, canaries.locked)
    leaked = {canary: files for canary, files in hits.items()
              if canary in canaries.private or canary not in shown_text}
    assert not leaked, "locked canaries in public outputs: " + "; ".join(
        f"{canary} (of {canaries.locked[canary]}) in {', '.join(files)}" for canary, files in sorted(leaked.items()))


def check_p2(root: Path, spec: SiteSpec) -> None:
    """P2: each locked page shows at least one word, and at most teaser_words plus one block's words."""
    for page in spec.pages:
        if not page.locked:
            continue
        sizes, _ = scanner.article(built_page(root / "site", page.name))
        total = sum(sizes)
        assert total >= 1, f"{page.name}: empty teaser"
        assert total - max(sizes) <= spec.teaser_words, (
            f"{page.name}: teaser of {total} words, blocks {sizes}, teaser_words {spec.teaser_words}")
