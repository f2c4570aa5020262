"""Load the docs folder into a `Site`: every Markdown file read once, its front matter validated.

`load_site` returns either a `Site` or raises a `ContentError` listing every
problem in every file, so an author fixes them all in one pass.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Mapping

from toolkit.config import ConfigFile, display_path
from toolkit.content import schema
from toolkit.content.frontmatter import read_front_matter
from toolkit.content.language import infer_languages
from toolkit.content.layout import chapter_number, is_markdown, kind_of, shadowed_readme
from toolkit.content.model import Course, Page, Site
from toolkit.content.prices import Price, PriceError
from toolkit.content.security_keys import SECURITY_KEYS, near_security_key
from toolkit.errors import ContentError, Problem

log = logging.getLogger("mkdocs.plugins.folio")


def load_site(docs_dir: Path, membership: Mapping[str, str | None], strict: bool = False,
              config_name: str = "mkdocs.yml") -> Site:
    """The validated content under `docs_dir`; raises ContentError listing every problem."""
    docs_dir = Path(docs_dir)
    problems: list[Problem] = []
    pages: dict[str, Page] = {}
    for path in sorted(p for p in docs_dir.rglob("*") if is_markdown(p.name) and p.is_file()):
        src = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(src).parts):
            continue
        if shadowed_readme(path):
            continue
        page, found = _load_page(path, src, strict, docs_dir)
        pages[src] = page
        problems += found
    courses = _assemble_courses(pages, problems, docs_dir)
    plans = _membership_prices(membership, problems, config_name)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        raise ContentError(errors + warnings)
    for warning in warnings:
        log.warning("%s (unknown keys are errors with --strict)", warning)
    unclear = infer_languages(pages, courses, lambda src: _display_path(docs_dir, src))
    for warning in unclear:
        log.warning("%s", warning)
    return Site(docs_dir, pages, courses, plans, warnings + unclear)


def _display_path(docs_dir: Path, src: str) -> str:
    shown = _shown_dir(Path(docs_dir), os.getcwd())
    return src if shown == "." else f"{shown}/{src}"


@lru_cache(maxsize=16)
def _shown_dir(docs_dir: Path, cwd: str) -> str:
    # Resolving paths costs a system call per part: once per folder (and working folder), not per page.
    return display_path(docs_dir)


def _load_page(path: Path, src: str, strict: bool, docs_dir: Path) -> tuple[Page, list[Problem]]:
    kind, course = kind_of(src)
    shown = _display_path(docs_dir, src)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        page = Page(src, kind, {}, "", 1, course=course)
        return page, [Problem(shown, 1, "", f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]
    except OSError as exc:
        page = Page(src, kind, {}, "", 1, course=course)
        reason = exc.strerror or str(exc)
        return page, [Problem(shown, 0, "", f"cannot be read ({reason}); check its permissions, or move it "
                                            "out of the docs folder")]
    fm = read_front_matter(text)
    meta, problems = schema.validate(kind, fm, shown, strict)
    if not fm.lines and not fm.error:
        problems += _multimarkdown_security_keys(text, shown)
    return Page(src, kind, meta, fm.body, fm.body_line, fm.lines, course), problems


def _multimarkdown_security_keys(text: str, shown: str) -> list[Problem]:
    """MkDocs reads `Access: paid` lines at the top of a page without `---` as metadata; Folio does not."""
    from mkdocs.utils.meta import get_data

    _, data = get_data(text)
    return [
        Problem(shown, 1, key, "MultiMarkdown-style metadata is not read by Folio, so this page would be "
                "published as free: put the keys in YAML front matter between `---` lines")
        for key in data if key in SECURITY_KEYS or near_security_key(key)
    ]


def _assemble_courses(pages: dict[str, Page], problems: list[Problem], docs_dir: Path) -> dict[str, Course]:
    courses: dict[str, Course] = {}
    by_course: dict[str, list[Page]] = {}
    for page in pages.values():
        if page.kind == "chapter" and len(PurePosixPath(page.src).parts) == 3:
            by_course.setdefault(page.course, []).append(page)
    for slug in sorted({p.course for p in pages.values() if p.course}):
        index = pages.get(f"courses/{slug}/index.md") or pages.get(f"courses/{slug}/README.md")
        chapters = by_course.get(slug, [])
        if index is None:
            shown = _display_path(docs_dir, f"courses/{slug}")
            problems.append(Problem(shown, 0, "", "a course folder needs an index.md with `type: course`"))
            continue
        ordered = _order_chapters(index, chapters, problems, docs_dir)
        nested = sorted((p for p in pages.values() if p.kind == "chapter" and p.course == slug
                         and len(PurePosixPath(p.src).parts) > 3), key=lambda p: p.src)
        if not ordered and not nested:  # a course of lesson folders (01-lesson/index.md) has chapters too
            problems.append(Problem(_display_path(docs_dir, index.src), 1, "chapters",
                                    "a course needs at least one chapter: add e.g. 01-introduction.md beside index.md"))
        ordered = ordered + nested
        default_access = "paid" if index.meta.get("price") else "free"
        for chapter in ordered:
            chapter.meta.setdefault("access", default_access)
        courses[slug] = Course(slug, index, ordered)
    return courses


def _order_chapters(index: Page, chapters: list[Page], problems: list[Problem], docs_dir: Path) -> list[Page]:
    """Chapters in the order of the index's `chapters:` list, else by their number."""
    shown = _display_path(docs_dir, index.src)
    by_name = {PurePosixPath(c.src).name: c for c in chapters}
    listed = index.meta.get("chapters")
    if listed:
        line = index.lines.get("chapters", 1)
        missing = [name for name in listed if name not in by_name]
        for name in missing:
            problems.append(Problem(shown, line, "chapters", f"lists `{name}`, which is not a file in this course folder"))
        dupes = sorted({name for name in listed if listed.count(name) > 1})
        for name in dupes:
            problems.append(Problem(shown, line, "chapters", f"lists `{name}` more than once"))
        unlisted = sorted(set(by_name) - set(listed))
        for name in unlisted:
            problems.append(Problem(shown, line, "chapters", f"does not list `{name}`: add it, or move the file out of the course", "warning"))
        return [by_name[n] for n in dict.fromkeys(listed) if n in by_name] + [by_name[n] for n in unlisted]
    seen: dict[int, str] = {}
    for name in sorted(by_name):
        digits = chapter_number(name)
        if digits is None:
            continue
        if int(digits) in seen:
            problems.append(Problem(_display_path(docs_dir, by_name[name].src), 1, "",
                                    f"chapter number {digits} is also used by {seen[int(digits)]}: "
                                    "renumber one of them or list the order under `chapters:` in index.md"))
        seen.setdefault(int(digits), name)
    return sorted(chapters, key=lambda c: _chapter_sort_key(PurePosixPath(c.src).name))


def _chapter_sort_key(name: str) -> tuple[int, str]:
    digits = chapter_number(name)
    return (int(digits) if digits is not None else 10**9, name)


def _membership_prices(membership: Mapping[str, str | None], problems: list[Problem], config_name: str) -> dict[str, Price]:
    """Membership prices from mkdocs.yml; a bad one is reported at its line there."""
    plans: dict[str, Price] = {}
    config_file = ConfigFile(config_name)
    for plan, text in (membership or {}).items():
        if text is None:
            continue
        try:
            plans[plan] = Price.parse(text)
        except PriceError as exc:
            key = f"plugins.folio.membership.{plan}"
            problems.append(Problem(config_file.shown, config_file.line_of(key.split(".")), key, str(exc)))
    return plans
