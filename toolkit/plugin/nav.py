"""The site's navigation order and section titles, as facts of the content (no builder needed).

Home first, then courses (each course's chapters in course order, under the course's title),
articles and salons newest first, other pages by path, the leaderboard last. The MkDocs plugin
orders MkDocs' own navigation with `order_key` (on_nav); other builders read `generated_nav`,
written as the `nav` of the configuration Folio hands them.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable

from toolkit.content.layout import is_markdown
from toolkit.content.model import Site

SECTION_ORDER = {"courses": 1, "articles": 2, "salons": 3, "leaderboard": 5}
# Folders whose section title is Folio's localized name for them (`strings`), not the folder's name.
NAMED_SECTIONS = ("courses", "articles", "salons", "leaderboard")


def order_key(site: Site, src: str, page: bool = True) -> tuple:
    """Where the file `src` sorts among its siblings (see the module docstring)."""
    parts = PurePosixPath(src).parts
    top = parts[0] if len(parts) > 1 else ""
    rank = 0 if src == "index.md" else SECTION_ORDER.get(top, 4)
    if not page:
        return (rank, 0, "", src)
    is_index = parts[-1] == "index.md"
    if top == "courses" and len(parts) == 3 and parts[1] in site.courses:
        course = site.courses[parts[1]]
        position = next((i for i, c in enumerate(course.chapters, 1) if c.src == src), 0)
        return (rank, 0, parts[1], f"{position:05d}")
    if top in ("articles", "salons") and not is_index:
        found = site.pages.get(src)
        date = found.date.isoformat() if found and found.date else "0000"
        # Newest first: invert the date so an ascending sort puts it first.
        return (rank, 1, "", "".join(chr(0x10FFFF - ord(ch)) for ch in date) + src)
    # Within a section: its index, then its own pages, then its sub-sections.
    depth = 0 if is_index else (2 if len(parts) > 2 else 1)
    return (rank, depth, "", src)


def section_title(site: Site, folder: str, t) -> str | None:
    """Folio's title of the section for `folder` (a course's title, a localized name), else None."""
    parts = PurePosixPath(folder).parts
    if len(parts) == 1 and parts[0] in NAMED_SECTIONS:
        return t[parts[0]]
    if len(parts) == 2 and parts[0] == "courses" and parts[1] in site.courses:
        return site.courses[parts[1]].title
    return None


def generated_nav(site: Site, pages: Iterable[str], t, hidden: Iterable[str] = ()) -> list:
    """An MkDocs-style `nav` of the public tree's pages: sections titled and ordered by Folio.

    Pages are plain paths (the builder takes their titles from the pages); a folder is a section
    `{title: [...]}` whose index page comes first, as `navigation.indexes` expects.
    """
    hidden = set(hidden)
    root: dict = {"pages": [], "folders": {}}
    for src in pages:
        if not is_markdown(src) or src in hidden:
            continue
        node = root
        for part in PurePosixPath(src).parts[:-1]:
            node = node["folders"].setdefault(part, {"pages": [], "folders": {}})
        node["pages"].append(src)

    def items(node: dict, folder: str) -> list[tuple[tuple, object]]:
        out = [(order_key(site, src), src) for src in node["pages"]]
        for name, child in node["folders"].items():
            path = f"{folder}/{name}" if folder else name
            children = items(child, path)
            if not children:
                continue
            title = section_title(site, path, t) or _folder_title(name)
            out.append((min(key for key, _ in children), {title: [entry for _, entry in children]}))
        return sorted(out, key=lambda pair: pair[0])

    return [entry for _, entry in items(root, "")]


def _folder_title(name: str) -> str:
    """A folder's section title the way MkDocs makes one: `async-python` -> `Async python`."""
    text = name.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]
