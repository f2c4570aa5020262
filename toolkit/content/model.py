"""The community's content as a model: courses with ordered chapters, articles, salon notes.

`load_site` reads every Markdown file under the docs folder once, validates its
front matter against its kind's schema, and returns either a `Site` or a
`ContentError` listing every problem in every file.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import yaml

from toolkit.content import schema
from toolkit.errors import ContentError, Problem
from toolkit.content.frontmatter import read_front_matter
from toolkit.content.prices import Price, PriceError
from toolkit.content.security_keys import SECURITY_KEYS, near_security_key
from toolkit.content.text import reading_minutes

log = logging.getLogger("mkdocs.plugins.folio")

LOCKED = {"paid", "members"}
# Every suffix MkDocs renders as a page: a paid page saved as `.markdown` must be gated too.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)
_PREFIX = re.compile(r"^(\d+)[-_ .]")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@dataclass
class Page:
    """One Markdown file: where it is, what kind it is, its clean metadata and its body."""

    src: str  # docs-relative POSIX path, e.g. "courses/async-python/03-tasks.md"
    kind: str  # course | chapter | article | salon | page
    meta: dict
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)
    course: str | None = None  # slug, for a course index or chapter

    @property
    def access(self) -> str:
        return self.meta.get("access", "free")

    @property
    def locked(self) -> bool:
        return self.access in LOCKED

    @property
    def title(self) -> str:
        if self.meta.get("title"):
            return str(self.meta["title"])
        heading = _HEADING.search(self.body)
        if heading:
            return heading.group(1)
        stem = _PREFIX.sub("", PurePosixPath(self.src).stem)
        return stem.replace("-", " ").replace("_", " ").capitalize()

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")  # only articles and salons validate it into a date
        return value if isinstance(value, dt.date) else None

    @cached_property
    def minutes(self) -> int:
        return reading_minutes(self.body)

    @property
    def product(self) -> str:
        """The product that unlocks this page: its course, or the membership."""
        return f"course:{self.course}" if self.kind == "chapter" and self.access == "paid" and self.course else "membership"


@dataclass
class Course:
    slug: str
    index: Page
    chapters: list[Page]

    @property
    def title(self) -> str:
        return self.index.title

    @property
    def price(self) -> Price | None:
        return self.index.meta.get("price")

    @property
    def product(self) -> str:
        return f"course:{self.slug}"


@dataclass
class Site:
    """Everything `folio build` knows about the content, before MkDocs renders it."""

    docs_dir: Path
    pages: dict[str, Page]
    courses: dict[str, Course]
    membership: dict[str, Price]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def articles(self) -> list[Page]:
        """Articles, newest first."""
        return _newest_first(p for p in self.pages.values() if p.kind == "article")

    @property
    def salons(self) -> list[Page]:
        """Salon notes, newest first."""
        return _newest_first(p for p in self.pages.values() if p.kind == "salon")

    @property
    def locked_pages(self) -> list[Page]:
        return [p for p in self.pages.values() if p.locked]


def _newest_first(pages) -> list[Page]:
    return sorted(pages, key=lambda p: (p.date or dt.date.min, p.src), reverse=True)


def kind_of(src: str) -> tuple[str, str | None]:
    """The page kind for a docs-relative path, and its course slug if any."""
    path = PurePosixPath(src)
    parts, is_index = path.parts, path.stem in ("index", "README")
    if len(parts) == 3 and parts[0] == "courses":
        return ("course" if is_index else "chapter"), parts[1]
    if len(parts) > 3 and parts[0] == "courses":
        # A page in a course's subfolder belongs to the course like any chapter (paid by default
        # in a priced course): nothing under courses/<slug>/ is free by accident of its depth.
        return "chapter", parts[1]
    if len(parts) == 2 and parts[0] == "articles" and not is_index:
        return "article", None
    if len(parts) == 2 and parts[0] == "salons" and not is_index:
        return "salon", None
    return "page", None


def load_site(docs_dir: Path, membership: dict[str, str | None], strict: bool = False,
              config_name: str = "mkdocs.yml") -> Site:
    """The validated content under `docs_dir`; raises ContentError listing every problem."""
    docs_dir = Path(docs_dir)
    problems: list[Problem] = []
    pages: dict[str, Page] = {}
    for path in sorted(p for p in docs_dir.rglob("*") if is_markdown(p.name) and p.is_file()):
        src = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(src).parts):
            continue
        if _shadowed_readme(path):
            continue  # MkDocs' rule: README.md is ignored where an index.md exists
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
    return Site(docs_dir, pages, courses, plans, warnings)


def _multimarkdown_security_keys(text: str, shown: str) -> list[Problem]:
    """MkDocs reads `Access: paid` lines at the top of a page without `---` as metadata; Folio does not."""
    from mkdocs.utils.meta import get_data

    _, data = get_data(text)
    return [
        Problem(shown, 1, key, "MultiMarkdown-style metadata is not read by Folio, so this page would be "
                "published as free: put the keys in YAML front matter between `---` lines")
        for key in data if key in SECURITY_KEYS or near_security_key(key)
    ]


def _shadowed_readme(path: Path) -> bool:
    return path.stem == "README" and any((path.parent / f"index{suffix}").is_file() for suffix in MARKDOWN_SUFFIXES)


def _display_path(docs_dir: Path, src: str) -> str:
    """How a page is named in messages: relative to the working folder when possible."""
    full = Path(docs_dir) / src
    try:
        return full.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return full.as_posix()


def _load_page(path: Path, src: str, strict: bool, docs_dir: Path) -> tuple[Page, list[Problem]]:
    kind, course = kind_of(src)
    shown = _display_path(docs_dir, src)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        page = Page(src, kind, {}, "", 1, course=course)
        return page, [Problem(shown, 1, "", f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]
    fm = read_front_matter(text)
    meta, problems = schema.validate(kind, fm, shown, strict)
    if not fm.lines and not fm.error:
        problems += _multimarkdown_security_keys(text, shown)
    return Page(src, kind, meta, fm.body, fm.body_line, fm.lines, course), problems


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
        if not ordered:
            problems.append(Problem(_display_path(docs_dir, index.src), 1, "chapters",
                                    "a course needs at least one chapter: add e.g. 01-introduction.md beside index.md"))
        nested = sorted((p for p in pages.values() if p.kind == "chapter" and p.course == slug
                         and len(PurePosixPath(p.src).parts) > 3), key=lambda p: p.src)
        ordered = ordered + nested
        default_access = "paid" if index.meta.get("price") else "free"
        for chapter in ordered:
            chapter.meta.setdefault("access", default_access)
        courses[slug] = Course(slug, index, ordered)
    return courses


def _order_chapters(index: Page, chapters: list[Page], problems: list[Problem], docs_dir: Path) -> list[Page]:
    """Chapters in the order of the index's `chapters:` list, else by filename prefix."""
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
        match = _PREFIX.match(name)
        if not match:
            continue
        number = int(match.group(1))
        if number in seen:
            problems.append(Problem(_display_path(docs_dir, by_name[name].src), 1, "",
                                    f"chapter number {match.group(1)} is also used by {seen[number]}: "
                                    "renumber one of them or list the order under `chapters:` in index.md"))
        seen.setdefault(number, name)
    return sorted(chapters, key=lambda c: _chapter_sort_key(PurePosixPath(c.src).name))


def _chapter_sort_key(name: str) -> tuple[int, str]:
    match = _PREFIX.match(name)
    return (int(match.group(1)) if match else 10**9, name)


def _membership_prices(membership: dict[str, str | None], problems: list[Problem], config_name: str) -> dict[str, Price]:
    plans: dict[str, Price] = {}
    shown, lines = None, {}
    for plan, text in (membership or {}).items():
        if text is None:
            continue
        try:
            plans[plan] = Price.parse(text)
        except PriceError as exc:
            if shown is None:
                shown, lines = _membership_lines(Path(config_name))
            problems.append(Problem(shown, lines.get(plan, 0), f"plugins.folio.membership.{plan}", str(exc)))
    return plans


def _membership_lines(config_file: Path) -> tuple[str, dict[str, int]]:
    """How mkdocs.yml is named in messages, and the line of each membership plan in it."""
    shown = _display_path(config_file.parent, config_file.name)
    try:
        # Composing builds nodes only, so MkDocs' custom tags (!ENV, !!python/name) need no constructor.
        root = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return shown, {}
    plugins = _yaml_child(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    folio = next((node for node in (_yaml_child(e, "folio") for e in entries) if node is not None), None)
    membership = _yaml_child(folio, "membership")
    if not isinstance(membership, yaml.MappingNode):
        return shown, {}
    return shown, {str(key.value): key.start_mark.line + 1 for key, _ in membership.value}


def _yaml_child(node, key: str):
    if isinstance(node, yaml.MappingNode):
        return next((value for k, value in node.value if getattr(k, "value", None) == key), None)
    return None
