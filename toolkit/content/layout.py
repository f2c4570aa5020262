"""Where things live in the docs folder: which files are pages, of what kind, in what order.

One home for these rules: the build, the gated output, the leak guard and the
leaderboard all ask here, so a `.markdown` page is a page everywhere.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# Every suffix MkDocs renders as a page: a paid page saved as `.markdown` must be gated too.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")

# A chapter's number is the leading digits of its file name: `03-tasks.md` is chapter 3.
CHAPTER_NUMBER = re.compile(r"^(\d+)[-_ .]")


def is_markdown(path: str) -> bool:
    """Whether MkDocs renders the file at `path` as a page."""
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def shadowed_readme(path) -> bool:
    """MkDocs' rule: a README.md is ignored where an index page exists beside it."""
    return path.stem == "README" and any((path.parent / f"index{suffix}").is_file() for suffix in MARKDOWN_SUFFIXES)


def chapter_number(name: str) -> str | None:
    """The digits that number a chapter file (`03` for `03-tasks.md`), or None."""
    match = CHAPTER_NUMBER.match(name)
    return match.group(1) if match else None


def without_chapter_number(stem: str) -> str:
    """`03-tasks` -> `tasks`."""
    return CHAPTER_NUMBER.sub("", stem)


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
