"""Every file under content/, classified: nothing reaches the public tree unclassified.

- Markdown pages: the content model (free, or locked and cut to a teaser).
- Folder metadata MkDocs plugins read (`.meta.yml`, the blog's `.authors.yml`, `.pages`):
  copied, but a `.meta.yml` setting who may read pages is refused (Folio reads access
  from each page's own front matter only).
- Everything else (images, notebooks, sources, attachments): a *candidate*. It is
  published only if a public page's rendered HTML refers to it, mkdocs.yml names it,
  or it matches `public_files`; a file in a priced course that another plugin would
  render as a page (a notebook) is never published.
- Other dotfiles and symbolic links to paid pages are not published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from toolkit.content.model import Site, is_markdown
from toolkit.content.security_keys import SECURITY_KEYS, near_security_key
from toolkit.errors import FolioError

# Dotfiles that plugins read from docs_dir and that hold no page text of their own.
FOLDER_METADATA = {".meta.yml", ".meta.yaml", ".authors.yml", ".pages", ".nav.yml"}


@dataclass
class ContentFiles:
    candidates: dict[str, Path] = field(default_factory=dict)  # src -> file (non-Markdown)
    folder_metadata: dict[str, Path] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def priced_course(site: Site, src: str) -> str | None:
    """The slug of the priced course whose folder holds `src`, if any."""
    parts = PurePosixPath(src).parts
    if len(parts) >= 3 and parts[0] == "courses":
        course = site.courses.get(parts[1])
        if course is not None and course.price:
            return parts[1]
    return None


def classify(site: Site, content_dir: Path, shown) -> ContentFiles:
    result = ContentFiles()
    content_dir = Path(content_dir)
    for folder, dirnames, filenames in os.walk(content_dir, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        relative = Path(folder).relative_to(content_dir).as_posix()
        for name in sorted(filenames):
            src = name if relative == "." else f"{relative}/{name}"
            path = Path(folder) / name
            if name in FOLDER_METADATA:
                _check_folder_metadata(path, src, shown)
                result.folder_metadata[src] = path
            elif name.startswith(".") or is_markdown(name):
                continue  # pages come from the content model; other dotfiles are never published
            else:
                result.candidates[src] = path
    _refuse_links_to_paid_pages(site, content_dir, shown)
    return result


def _check_folder_metadata(path: Path, src: str, shown) -> None:
    if not path.name.startswith(".meta."):
        return
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FolioError(f"{shown(src)}: is not valid YAML ({exc}); fix it so Folio can tell it sets no access") from None
    if not isinstance(data, dict):
        raise FolioError(f"{shown(src)}: must be a mapping of `key: value` lines")
    for key in data:
        meant = key if key in SECURITY_KEYS else near_security_key(str(key))
        if meant:
            raise FolioError(
                f"{shown(src)}: `{key}`: Folio does not read `{meant}` from .meta.yml files, so it could not "
                f"protect these pages; set `{meant}:` in each page's own front matter and remove it here."
            )


def _refuse_links_to_paid_pages(site: Site, content_dir: Path, shown) -> None:
    """A page that is a symbolic link to a locked page would be published under its own name."""
    locked = {os.path.realpath(content_dir / p.src): p.src for p in site.locked_pages}
    for src in site.pages:
        if src in locked.values():
            continue
        real = os.path.realpath(content_dir / src)
        if real in locked:
            raise FolioError(f"{shown(src)}: is a link to the paid page {shown(locked[real])}; "
                             "a page cannot be both free and paid: remove the link.")


def paid_files(site: Site, content_dir: Path, candidates: dict[str, Path], shown) -> dict[str, str]:
    """realpath -> shown name of every file a public page must not include."""
    paid = {os.path.realpath(content_dir / p.src): shown(p.src) for p in site.locked_pages}
    for src, path in candidates.items():
        if priced_course(site, src):
            paid[os.path.realpath(path)] = shown(src)
    return paid


def private_files(site: Site, candidates: dict[str, Path], public_refs: set[str]) -> dict[str, Path]:
    """src -> file of every file of a priced course that no public page links to: sold, never shown.

    The leak guard fingerprints them all, so a route Folio does not know (a generator script, an
    include syntax it does not parse, a copy step) that brings one into site/ fails the build.
    """
    return {src: path for src, path in candidates.items()
            if priced_course(site, src) and src not in public_refs}


def refuse_public_files_in_priced_courses(site: Site, candidates: dict[str, Path], spec, shown) -> None:
    """`public_files` publishes files whatever links to them: never a file sold with a course."""
    hits = [src for src in sorted(candidates) if priced_course(site, src) and spec.match_file(src)]
    if hits:
        listed = "\n".join(f"  {shown(src)}" for src in hits)
        raise FolioError(
            "plugins.folio.public_files matches files of a priced course, which are sold in its download:\n"
            f"{listed}\nNarrow the pattern so it matches nothing under courses/<slug>/ of a course with a price; "
            "a file of the course that a free page links to is published without it."
        )
