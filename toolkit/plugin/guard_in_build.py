"""The leak guard in a build: fingerprints on the second core while MkDocs renders, then one
scan of the whole finished site/, after every other plugin's on_post_build.

One helper process (see `toolkit.plugin.background`) builds the fingerprints of the paid
remainders as soon as the content is split, while MkDocs renders. As MkDocs writes each page,
the helper is told of it and scans it at once, keeping the report with a SHA-256 of the bytes
it read. When the build is done (after every other plugin's on_post_build) it is handed the
list of every file of the finished site/ and scans them all: a file scanned early counts only
if its bytes are still those it scanned (a plugin that changed a page afterwards gets it
scanned again), and everything else (search index, sitemap, feeds, assets) is scanned then.
The search plugin writes its index only after the build, so each page's search entries are
sent to the helper as the page is written, and scanned then; in the written index, only
strings not already found clean are scanned. So every byte of the finished site is scanned,
and the build waits for little more than the check that the files are the ones scanned.
Only strings, file names and the report cross the process boundary. Inline (under `folio serve`, or FOLIO_BACKGROUND=inline) everything is scanned in
the build process after the build, with the same verdict.

(Two helpers, each scanning half, were measured: on two cores they slow MkDocs' own
rendering more than they save.)

What counts as public, so that a paid sentence that is also public is never an alarm:
the teasers and free pages, every page title, the front matter of free pages (and the
public keys of locked ones), mkdocs.yml's site_name, site_description, copyright, extra
and nav labels, and the files that public pages include (pymdownx.snippets, including
auto_append glossaries; include-markdown; macros' includes) unless those files are paid.
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Iterable, Iterator

from toolkit.plugin.background import Job
from toolkit.content.schema import public_keys
from toolkit.content.text import plain_text, shorten
from toolkit.plugin.public_pages import PublicSite, teaser_without_headings
from toolkit.content.model import Site
from toolkit.leakguard.fingerprints import Fingerprints
from toolkit.leakguard.private_files import private_text
from toolkit.leakguard.scan import Report, SiteScan, site_files

log = logging.getLogger("mkdocs.plugins.folio")

# `--8<-- "file"` (also `;--8<--`, any number of dashes), and the block form: one file per line.
_SNIPPET_LINE = re.compile(r"^[ \t]*-+8<-+[ \t]+(['\"])(.+?)\1", re.M)
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-+8<-+[ \t]*\n(.*?)^[ \t]*-+8<-+[ \t]*$", re.M | re.S)
# include-markdown's `{% include-markdown "x" %}` / `{% include "x" %}`, macros' Jinja includes.
_JINJA_INCLUDE = re.compile(r"\{%-?\s*include(?:-markdown)?\s+(['\"])(.+?)\1")


@dataclass(frozen=True)
class GuardInputs:
    """What the helper needs: paid text per page, public texts, and the allow-list."""

    paid: dict[str, str]
    public: list[str]
    sources: list[str]
    allow_phrases: list[str]
    allow_files: list[str]
    private_files: dict[str, str] = field(default_factory=dict)  # shown name -> path of a private file


class LeakGuard:
    """Fingerprints started now (in a helper where safe); `check` scans the finished site."""

    def __init__(self, inputs: GuardInputs, method: str | None = None):
        self.inputs = inputs
        self._job = Job(_prepare, inputs.paid, inputs.public, inputs.allow_phrases, inputs.sources,
                        inputs.allow_files, inputs.private_files, name="leak guard", finish=_scan, note=_scan_early, method=method)

    @property
    def method(self) -> str:
        return self._job.method

    @property
    def pid(self) -> int | None:
        return self._job.pid

    def written(self, site_dir: Path, rel: str) -> None:
        """Say that MkDocs wrote the site file `rel`: the helper may scan it now, while MkDocs renders
        on. It counts after the build only if its bytes are still the ones scanned."""
        self._job.tell(("file", str(site_dir), rel))

    def written_folder(self, site_dir: Path, trusted_dirs: Iterable[Path] = ()) -> None:
        """Say that every file now in `site_dir` is written (MkDocs copies static files and writes
        the theme's templates before the first page): the helper lists and scans them now. As
        with pages, a scan counts after the build only if the file's bytes are unchanged."""
        self._job.tell(("folder", str(site_dir), [str(d) for d in trusted_dirs]))

    def will_write_strings(self, strings: list[str]) -> None:
        """Say that a JSON file written after the pages will hold `strings` (the search index's entries
        for a page): the helper scans them now, and skips them in that file only if they are clean."""
        if strings:
            self._job.tell(("strings", None, strings))

    def check(self, site_dir: Path, trusted_dirs: Iterable[Path] = ()) -> Report:
        """Give the report of the finished site; log every allow-list use."""
        site_dir = Path(site_dir)
        report = self._job.result(site_dir, site_files(site_dir, [Path(d) for d in trusted_dirs]))
        for use in report.allowed:
            log.info("Leak guard: %s", use)
        return report

    def cancel(self) -> None:
        self._job.cancel()


def search_entries(config) -> list | None:
    """The list Material's search plugin adds each page's entries to (None without it)."""
    for plugin in config.plugins.values():
        entries = getattr(getattr(plugin, "search_index", None), "entries", None)
        if isinstance(entries, list):
            return entries
    return None


def search_strings(entries: list) -> list[str]:
    """The strings of search entries: keys, titles, texts, locations, tags."""
    strings: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            strings.append(str(key))
            if isinstance(value, list):
                strings += [str(item) for item in value]
            elif isinstance(value, str):
                strings.append(value)
    return strings


def _prepare(paid, public, allow_phrases, sources, allow_files, private_files=None) -> SiteScan:
    paid = dict(paid)
    for name, path in sorted((private_files or {}).items()):
        text, why = private_text(Path(path))
        if why:
            log.info("Leak guard: %s: %s", name, why)
        if text.strip():
            paid[name] = text
    return SiteScan(Fingerprints.build(paid, public, allow_phrases), sources, allow_files)


def _scan_early(scan: SiteScan, written: tuple) -> None:
    kind, site_dir, what = written
    if kind == "strings":
        scan.strings_early(what)
        return
    site_dir = Path(site_dir)
    if kind == "file":
        scan.early(site_dir / what, what)
        return
    for path in site_files(site_dir, [Path(d) for d in what]):
        scan.early(path, path.relative_to(site_dir).as_posix())


def _scan(scan: SiteScan, site_dir: Path, files: list[Path]) -> Report:
    for path in files:
        scan.file(path, path.relative_to(site_dir).as_posix())
    return scan.report


# The dev server's folder -> a copy of its last build without leaks (this process only).
_LAST_GOOD: dict[Path, Path] = {}


def is_preview(site_dir: Path) -> bool:
    """Tell MkDocs' dev server folder (`mkdocs serve`, `folio serve`: a fresh temporary `mkdocs_*`)."""
    site_dir = Path(site_dir).resolve()
    return site_dir.name.startswith("mkdocs_") and site_dir.parent == Path(tempfile.gettempdir()).resolve()


def keep_as_last_good(site_dir: Path) -> None:
    """Under the dev server, copy a build found clean, so a later leaky build can be rolled back."""
    site_dir = Path(site_dir).resolve()
    if not is_preview(site_dir):
        return  # `folio build` swaps a staging folder in only on success; nothing to keep here
    if site_dir not in _LAST_GOOD:
        _LAST_GOOD[site_dir] = Path(tempfile.mkdtemp(prefix="folio-last-good-"))
        atexit.register(shutil.rmtree, _LAST_GOOD[site_dir], True)
    snapshot = _LAST_GOOD[site_dir] / "site"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(site_dir, snapshot)


def discard_leaky_build(site_dir: Path) -> bool:
    """Remove a leaky build; under the dev server, put the last clean one back. Tell if one was."""
    site_dir = Path(site_dir).resolve()
    shutil.rmtree(site_dir, ignore_errors=True)
    snapshot = _LAST_GOOD.get(site_dir)
    if snapshot is None or not (snapshot / "site").is_dir():
        return False
    shutil.copytree(snapshot / "site", site_dir)
    return True


def summary(report: Report, method: str) -> str:
    """The build summary's leak guard part: never "clean" unless every file was scanned clean."""
    where = "in a helper process" if method != "inline" else "in the build process"
    text = f"leak guard: clean ({_count(report.scanned, 'file')} scanned {where}"
    if report.media:
        text += f"; {_count(report.media, 'image, font or media file', 'images, fonts or media files')} not read"
    text += ")."
    if report.allowed:
        text += f" {_count(len(report.allowed), 'passage')} let through by leak_guard.allow (logged above)."
    if report.unreadable:
        listed = "\n".join(f"  {name}: {why}" for name, why in report.unreadable)
        text += f"\nleak guard: {_count(len(report.unreadable), 'file')} it could not fully read:\n{listed}"
    return text


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def guard_inputs(site: Site, public: PublicSite, config, allow: Iterable,
                 private_files: Mapping[str, str] | None = None) -> GuardInputs:
    """Gather the helper's inputs from the content, its public form and the MkDocs config.

    The whole body of a locked page is fingerprinted (its teaser's words are public text, so they
    drop out): a comment or a hidden element of the teaser region is paid text too.
    """
    phrases = [entry for entry in allow if isinstance(entry, str)]
    files = [entry["file"] for entry in allow if isinstance(entry, dict) and "file" in entry]
    return GuardInputs(
        paid={src: locked.page.body for src, locked in public.locked.items()},
        public=public_texts(site, public, config),
        sources=sorted(public.locked),
        allow_phrases=phrases,
        allow_files=files,
        private_files=dict(private_files or {}),
    )


# Content tabs (pymdownx.tabbed): the built page shows every label before the tabs' contents,
# so their words join in another order than in the Markdown.
_TABS = re.compile(r"^[ \t]*===[!+]*[ \t]+[\"']", re.M)


def public_texts(site: Site, public: PublicSite, config) -> list[str]:
    """Every text that is legitimately public (see the module docstring)."""
    texts = public.public_texts(site)
    texts += rendered_public_texts(site, public, config)
    texts += [page_as_read(locked.teaser) for locked in public.locked.values()]
    for src, page in site.pages.items():
        meta = ({k: v for k, v in page.meta.items() if k in public_keys(page.kind)} if src in public.locked
                else page.meta)
        texts += [page.title, *_strings(meta)]
    texts += _strings([config.get(key) for key in ("site_name", "site_description", "site_author", "copyright")])
    texts += _strings(config.get("extra") or {})
    texts += _strings(config.get("nav") or [])
    texts += [text for _, text in included_files(site, public, config)]
    return [text for text in texts if text]


def page_as_read(teaser: str) -> str:
    """A locked page's public text in the order the scanner reads its built page: the description
    (in the head three times: description, og:description, twitter:description), then the teaser.

    CJK characters are read as one stream across elements, so the description's last characters
    and the teaser's first ones are neighbours there, and must be public as neighbours too.
    """
    description = shorten(plain_text(teaser_without_headings(teaser)))
    return "\n".join([description] * 3 + [teaser])


def rendered_public_texts(site: Site, public: PublicSite, config) -> list[str]:
    """Public pages whose built HTML joins their words in another order than their Markdown (content
    tabs), rendered with the site's extensions: the exemption must read them as the scanner reads the
    built page, or a command shown in a free tab and again in a paid block is a false alarm."""
    from toolkit.plugin.public_site import site_renderer

    bodies = [public.locked[src].teaser if src in public.locked else page.body for src, page in site.pages.items()]
    bodies = [body for body in bodies if "===" in body and _TABS.search(body)]
    if not bodies:
        return []
    renderer = site_renderer(config)
    return [renderer.html(body) for body in bodies]


def included_files(site: Site, public: PublicSite, config) -> list[tuple[Path, str]]:
    """Give (path, text) of every file a public page includes, or every page appends, that is not paid."""
    config_dir = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    docs_dir = Path(site.docs_dir).resolve()  # the authors' sources (MkDocs' docs_dir may be a generated tree)
    snippets = dict((config.get("mdx_configs") or {}).get("pymdownx.snippets") or {})
    bases = [config_dir / base for base in _as_list(snippets.get("base_path", ["."]))]
    macros = config["plugins"].get("macros") if "plugins" in config else None
    if macros is not None and getattr(macros, "config", None) and macros.config.get("include_dir"):
        bases.append(config_dir / macros.config["include_dir"])
    paid = {(docs_dir / src).resolve() for src in public.locked}
    paid |= {(docs_dir / src).resolve() for src in public.paid_only_assets}
    found: dict[Path, str] = {}
    wanted = [(name, [*bases]) for name in _as_list(snippets.get("auto_append", []))]
    for src, page in site.pages.items():
        body = public.locked[src].teaser if src in public.locked else page.body
        here = [(docs_dir / src).parent, docs_dir, config_dir, *bases]
        wanted += [(name, here) for name in _include_targets(body)]
    for name, roots in wanted:
        path = _resolve(name, roots)
        if path is None or path in paid or path in found:
            continue
        try:
            found[path] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return sorted(found.items())


def _include_targets(markdown: str) -> Iterator[str]:
    if "8<" in markdown:
        yield from (m.group(2) for m in _SNIPPET_LINE.finditer(markdown))
        for block in _SNIPPET_BLOCK.finditer(markdown):
            yield from (line.strip() for line in block.group(1).splitlines() if line.strip())
    if "{%" in markdown:
        yield from (m.group(2) for m in _JINJA_INCLUDE.finditer(markdown))


def _resolve(name: str, roots: list[Path]) -> Path | None:
    """Give the file `name` names (a snippet may add `:start:end` or `:section`), in the first root holding it."""
    candidates = [name]
    if ":" in name:
        candidates.append(name.split(":", 1)[0])
    for candidate in candidates:
        if candidate.startswith(("http://", "https://")):
            return None
        for root in roots:
            path = (root / candidate.lstrip("/")).resolve()
            if path.is_file():
                return path
    return None


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _strings(value) -> list[str]:
    """Give every string in a nested structure of dicts and lists (keys too: nav labels are keys)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, (list, tuple, set)):
        return [s for item in value for s in _strings(item)]
    return []
