"""Builders other than MkDocs: the configuration Folio hands them, and running them.

Zensical (`zensical build`) reads an mkdocs.yml and the docs_dir, runs its own ports of a list
of popular MkDocs plugins and silently skips every other plugin. Folio does not run inside it:
it writes the public tree first, then hands Zensical a configuration of its own making
(`.folio-zensical.yml` beside the tree) that names the tree as docs_dir, its own output folder
(`.folio-zensical-site`, kept between builds) as site_dir, Folio's generated navigation, Folio's stylesheet and `md_in_html`, and only the
plugins Zensical runs. A plugin Zensical would skip is refused unless skipping it changes only
how pages look, never what is public.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from toolkit.errors import FolioError
from toolkit.plugin.page_blocks import CSS_PATH

BUILDERS = ("mkdocs", "zensical")
GENERATED_CONFIG = ".folio-zensical.yml"
# Zensical's output folder beside the tree: never served, copied to site/ only after the leak guard.
OUTPUT_DIR = ".folio-zensical-site"

# The MkDocs plugins Zensical 0.1 runs itself (its own ports): kept in the configuration it reads.
ZENSICAL_RUNS = frozenset({
    "api-autonav", "autorefs", "awesome-nav", "blog", "callouts", "exclude", "gh-admonitions", "glightbox",
    "include-markdown", "literate-nav", "llmstxt", "macros", "mkdocs-nav-weight", "markdown-exec",
    "markdownextradata", "meta", "meta-descriptions", "mike", "minify", "mkdocs-audio", "mkdocs-autoapi",
    "mkdocs-video", "mkdocstrings", "offline", "optimize", "privacy", "redirects", "rss", "search", "social",
    "table-reader", "tags",
})
# Plugins Zensical skips whose absence changes only how pages look (dates, credits, link checks):
# the build goes on, with a warning.
SKIPPED_HARMLESS = frozenset({
    "git-revision-date-localized", "git-revision-date", "git-authors", "git-committers", "htmlproofer",
})


def plugin_names(config) -> list[str]:
    """The plugin names of a loaded MkDocs configuration, as written (without `material/`)."""
    return [str(name).removeprefix("material/") for name in config.plugins.keys()]


def dropped_by_zensical(config) -> tuple[list[str], list[str]]:
    """(refused, harmless): plugins Zensical would skip that change what is public, and the others."""
    refused, harmless = [], []
    for name in plugin_names(config):
        base = name.split("/", 1)[0]
        if name == "folio" or base in ZENSICAL_RUNS:
            continue
        (harmless if name in SKIPPED_HARMLESS else refused).append(name)
    return refused, harmless


def refuse_dropped_plugins(config, config_name: str) -> list[str]:
    """Stop a Zensical build of a site whose plugins Zensical would silently drop; give the harmless ones."""
    refused, harmless = dropped_by_zensical(config)
    hooks = list(config.get("hooks") or [])
    if refused or hooks:
        named = ", ".join(refused + [f"hooks: {Path(str(h)).name}" for h in hooks])
        raise FolioError(
            f"{config_name}: plugins: Zensical does not run {named}; it would skip "
            f"{'them' if len(refused) + len(hooks) > 1 else 'it'} without a word and publish a different site "
            "than MkDocs does. Build with `folio build --builder mkdocs`, or remove "
            f"{'them' if len(refused) + len(hooks) > 1 else 'it'} from mkdocs.yml. Plugins Zensical runs: "
            f"{', '.join(sorted(ZENSICAL_RUNS))}."
        )
    return harmless


def zensical_available() -> None:
    if importlib.util.find_spec("zensical") is None:
        raise FolioError("--builder zensical: Zensical is not installed; install it with "
                         "`pip install 'folio[zensical]'` (or `pip install zensical`)")


def zensical_command() -> list[str]:
    """`zensical` from the environment Folio runs in (its console script, else the module)."""
    script = Path(sys.executable).parent / "zensical"
    if script.is_file():
        return [str(script)]
    found = shutil.which("zensical")
    return [found] if found else [sys.executable, "-m", "zensical"]


def write_zensical_config(config, tree_root: Path, output: Path, nav: list | None, raw: dict) -> Path:
    """The configuration Zensical reads: the site's own, pointed at the tree, with Folio's additions.

    `raw` is mkdocs.yml as written (Zensical reads the same keys); the file goes beside the tree,
    because Zensical wants docs_dir and site_dir inside the configuration's folder.
    """
    tree_root = Path(tree_root).resolve()
    project = tree_root.parent
    out = {key: value for key, value in raw.items() if key not in ("INHERIT", "hooks")}
    out["docs_dir"] = tree_root.name
    out["site_dir"] = Path(output).resolve().relative_to(project).as_posix()
    if config.get("site_url"):
        out["site_url"] = config.site_url
    plugins = []
    for entry in raw.get("plugins") or []:
        name = next(iter(entry)) if isinstance(entry, dict) else str(entry)
        if name.removeprefix("material/").split("/", 1)[0] in ZENSICAL_RUNS:
            plugins.append(entry)
    out["plugins"] = plugins
    if nav is not None and not raw.get("nav"):
        out["nav"] = nav
    extra_css = [str(entry) for entry in (raw.get("extra_css") or [])]
    out["extra_css"] = extra_css + ([CSS_PATH] if CSS_PATH not in extra_css else [])
    extensions = list(raw.get("markdown_extensions") or [])
    names = {next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions}
    if "md_in_html" not in names and "markdown.extensions.md_in_html" not in names:
        extensions.append("md_in_html")  # Folio's header and paywall blocks are HTML in the Markdown
    out["markdown_extensions"] = extensions
    theme = dict(raw.get("theme") or {}) if isinstance(raw.get("theme"), dict) else {"name": raw.get("theme")}
    if theme.get("custom_dir"):
        config_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        theme["custom_dir"] = str((config_dir / theme["custom_dir"]).resolve())
    out["theme"] = theme
    exclude = str(raw.get("exclude_docs") or "")
    out["exclude_docs"] = (exclude + "\n" if exclude else "") + "/README.md\n/.folio-tree.json\n"
    path = project / GENERATED_CONFIG
    path.write_text("# Written by `folio build --builder zensical` for each build: do not edit.\n"
                    + yaml.dump(out, Dumper=yaml.Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_zensical(config_file: Path, strict: bool = False) -> None:
    """`zensical build -f <config>`; its own messages become Folio's error when it fails."""
    command = zensical_command() + ["build", "-f", str(config_file)] + (["--strict"] if strict else [])
    done = subprocess.run(command, cwd=config_file.parent, capture_output=True, text=True)
    if done.returncode != 0:
        said = _without_traceback("\n".join(part for part in (done.stdout.strip(), done.stderr.strip()) if part))
        raise FolioError(f"zensical build failed (exit {done.returncode}); nothing was published. Page paths "
                         f"below are those of the public tree, named as in your content folder:\n{said[-3000:]}")


def _without_traceback(text: str) -> str:
    """Zensical's messages without a Python traceback: what it said, then the error's last line."""
    if "Traceback (most recent call last):" not in text:
        return text
    before, _, after = text.partition("Traceback (most recent call last):")
    last = [line for line in after.strip().splitlines() if line.strip()][-1:]
    return (before.rstrip() + "\n" + "\n".join(last)).strip()


def raw_config(config_file: Path) -> dict:
    """mkdocs.yml as written (MkDocs' YAML loader: `!ENV`, `!relative`, `!!python/name`)."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as handle:
        data = yaml_load(handle)
    return data if isinstance(data, dict) else {}
