"""Math on public pages: the KaTeX Folio ships, served by the site itself (no CDN).

When `pymdownx.arithmatex` is among the site's Markdown extensions, the plugin puts KaTeX's
stylesheet, fonts and scripts into the public tree (so any builder reading it has them) and
names them in `extra_css` / `extra_javascript`, so every page loads them from the site.
A CDN script would send every reader's visit to a third party; a page of raw TeX is what
readers saw before.
"""

from __future__ import annotations

import logging
from pathlib import Path

from toolkit.gated.math import KATEX, VENDOR, math_enabled

log = logging.getLogger("mkdocs.plugins.folio")

# Where KaTeX lives in the public tree (and so in site/), relative to its root.
FOLDER = "assets/folio-katex"
STYLESHEET = f"{FOLDER}/katex.min.css"
SCRIPTS = (f"{FOLDER}/katex.min.js", f"{FOLDER}/auto-render.min.js", f"{FOLDER}/folio-math.js")


def katex_files() -> dict[str, Path]:
    """Tree path -> the vendored file: stylesheet, its woff2 fonts, the three scripts."""
    files = {STYLESHEET: KATEX / "katex.min.css",
             SCRIPTS[0]: KATEX / "katex.min.js",
             SCRIPTS[1]: KATEX / "auto-render.min.js",
             SCRIPTS[2]: VENDOR / "folio-math.js"}
    for font in sorted((KATEX / "fonts").glob("*.woff2")):
        files[f"{FOLDER}/fonts/{font.name}"] = font
    return files


def add_katex(config, config_name: str) -> dict[str, Path]:
    """Name KaTeX in `config`'s extra_css/extra_javascript when arithmatex is on; give the files to put in the tree."""
    if not math_enabled(list(config["markdown_extensions"])):
        return {}
    problem = arithmatex_problem(config, config_name)
    if problem:
        log.warning("%s", problem)
    _append_once(config.extra_css, STYLESHEET)
    _add_scripts(config)
    return katex_files()


def arithmatex_problem(config, config_name: str) -> str | None:
    """A warning when arithmatex writes MathJax's script tags, which neither KaTeX nor the EPUB reads."""
    if not math_enabled(list(config["markdown_extensions"])):
        return None
    arithmatex = (config.get("mdx_configs") or {}).get("pymdownx.arithmatex") or {}
    if arithmatex.get("generic"):
        return None
    return (f"{config_name}: markdown_extensions: pymdownx.arithmatex: set `generic: true`, so formulas are "
            "written as TeX that Folio's KaTeX (site, bundles) and MathML (EPUB) can read")


def _add_scripts(config) -> None:
    from mkdocs.config.config_options import ExtraScriptValue

    present = {str(getattr(entry, "path", entry)) for entry in config.extra_javascript}
    for path in SCRIPTS:
        if path not in present:
            script = ExtraScriptValue(path)
            script.defer = True  # in order, after the page is parsed (folio-math.js needs the others)
            config.extra_javascript.append(script)


def _append_once(values: list, path: str) -> None:
    if path not in [str(v) for v in values]:
        values.append(path)
