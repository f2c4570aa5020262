"""Stubs for `folio new`: valid front matter and a short body to replace."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml

from toolkit.content.layout import chapter_number, is_markdown
from toolkit.errors import FolioError


def slugify(text: str) -> str:
    """An ASCII file-name slug: `Tasks & Cancellation` -> `tasks-cancellation`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _slug_or_fail(title: str, slug: str | None) -> str:
    result = slug or slugify(title)
    if not result or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", result):
        raise FolioError(f"cannot make a file name from `{title}`: pass --slug with letters, digits and dashes")
    return result


class _BlockDumper(yaml.SafeDumper):
    """Block style throughout, lists indented under their key: front matter as the docs show it."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _document(meta: dict, body: str) -> str:
    front = yaml.dump(meta, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n\n{body.strip()}\n"


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise FolioError(f"{path}: already exists; choose another title or --slug (nothing was written)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_course(docs: Path, title: str, slug: str | None, price: str | None, level: str, authors: list[str]) -> list[Path]:
    slug = _slug_or_fail(title, slug)
    folder = docs / "courses" / slug
    if folder.exists():
        raise FolioError(f"{folder}: a course with this slug exists already (nothing was written)")
    meta = {"type": "course", "title": title, "summary": f"What {title} teaches, in one sentence."}
    if price:
        meta["price"] = price
    meta.update({"level": level, "authors": authors})
    index = _document(meta, f"# {title}\n\nWho this course is for, what they will be able to do, and what they need to know first.")
    first = _document({"title": "Introduction", "access": "free"},
                      "# Introduction\n\nThe first chapter is free: show readers what the course is like.")
    return [_write_new(folder / "index.md", index), _write_new(folder / "01-introduction.md", first)]


def new_chapter(docs: Path, course: str, title: str, slug: str | None, access: str | None) -> Path:
    folder = docs / "courses" / course
    if not (folder / "index.md").is_file():
        known = sorted(p.name for p in (docs / "courses").glob("*/") if (p / "index.md").is_file())
        hint = f" Known courses: {', '.join(known)}." if known else ""
        raise FolioError(f"{folder}: no such course (no index.md).{hint}")
    same = _chapter_titled(folder, title)
    if same is not None:
        raise FolioError(f"{same}: the course `{course}` has a chapter titled `{title}` already; "
                         "give the new chapter another title (nothing was written)")
    digits = [d for p in folder.iterdir() if is_markdown(p.name) and (d := chapter_number(p.name)) is not None]
    width = max([2] + [len(d) for d in digits])
    number = str(max((int(d) for d in digits), default=0) + 1).zfill(width)
    meta = {"title": title}
    if access:
        meta["access"] = access
    body = f"# {title}\n\nWhat this chapter covers.\n\n<!-- more -->\n\nThe locked part of the chapter starts here."
    path = folder / f"{number}-{_slug_or_fail(title, slug)}.md"
    _write_new(path, _document(meta, body))
    _append_to_listed_chapters(folder / "index.md", path.name)
    return path


def _chapter_titled(folder: Path, title: str) -> Path | None:
    """The chapter of the course in `folder` whose title is `title` (case and spacing aside), if any."""
    from toolkit.content.frontmatter import read_front_matter

    wanted = " ".join(title.split()).casefold()
    for path in sorted(folder.iterdir()):
        if not is_markdown(path.name) or chapter_number(path.name) is None:
            continue
        front = read_front_matter(path.read_text(encoding="utf-8", errors="replace"))
        heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", front.body, re.M)
        found = front.meta.get("title") or (heading.group(1) if heading else "")
        if " ".join(str(found).split()).casefold() == wanted:
            return path
    return None


def _append_to_listed_chapters(index: Path, name: str) -> None:
    """Keep an explicit `chapters:` list complete, so the new chapter shows up."""
    text = index.read_text(encoding="utf-8")
    # Block items need a blank after the dash, so the closing `---` fence is never taken for one.
    block = re.search(r"^chapters:[ \t]*\n((?:[ \t]*-[ \t]+[^\n]*\n)+)", text, re.M)
    flow = re.search(r"^chapters:[ \t]*\[(.*?)\][ \t]*$", text, re.M)
    if block:
        indent = re.match(r"[ \t]*", block.group(1)).group(0)
        text = text[: block.end()] + f"{indent}- {name}\n" + text[block.end():]
    elif flow:
        items = flow.group(1).rstrip().rstrip(",")
        text = text[: flow.start(1)] + (f"{items}, {name}" if items.strip() else name) + text[flow.end(1):]
    else:
        return
    index.write_text(text, encoding="utf-8")


def new_article(docs: Path, title: str, slug: str | None, members: bool, tags: list[str], authors: list[str],
                today: dt.date) -> Path:
    meta = {"title": title, "date": today.isoformat(), "tags": tags or ["notes"], "authors": authors,
            "access": "members" if members else "free"}
    body = f"# {title}\n\nThe opening paragraph readers see in listings."
    if members:
        body += "\n\n<!-- more -->\n\nEverything below the marker is for members only."
    return _write_new(docs / "articles" / f"{_slug_or_fail(title, slug)}.md", _document(meta, body))


def new_salon(docs: Path, title: str, slug: str | None, date: dt.date, location: str, speakers: list[str],
              members: bool) -> Path:
    meta = {"title": title, "date": date.isoformat(), "location": location, "speakers": speakers,
            "access": "members" if members else "free"}
    body = f"# {title}\n\nWhat the talk is about and who should come.\n\n## Agenda\n\n- 19:00 Doors open\n- 19:30 Talk\n- 20:30 Questions"
    name = f"{date.isoformat()}-{_slug_or_fail(title, slug)}.md"
    return _write_new(docs / "salons" / name, _document(meta, body))
