"""Front matter schemas: typed fields per page kind, validated all at once.

A schema never stops at the first mistake: it returns every problem with its
key and line so an author fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from toolkit.errors import Problem
from toolkit.content.frontmatter import FrontMatter
from toolkit.content.prices import Price, PriceError
from toolkit.content.security_keys import SECURITY_KEYS, near_security_key

Check = Callable[[Any], Any]  # returns the cleaned value or raises ValueError(message)


def text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise ValueError("must be a non-empty text")
    return str(value).strip()


def names(value: Any) -> list[str]:
    """A list of names; a single name is accepted as a list of one."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError("must be a name or a list of names, e.g. `[Maya Ortiz, Lin Wei]`")
    return [v.strip() for v in items]


def date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"`{value}` is not a date: write YYYY-MM-DD, e.g. 2026-11-23") from None


def url(value: Any) -> str:
    value = text(value)
    if not re.match(r"^(https?://|/|\.\.?/)\S+$", value) and not re.match(r"^[\w./-]+$", value):
        raise ValueError(f"`{value}` is not a link: write an https:// URL or a relative path")
    return value


def price(value: Any) -> Price:
    try:
        return Price.parse(value)
    except PriceError as exc:
        raise ValueError(str(exc)) from None


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"`{value}` is not one of: {', '.join(choices)}")
        return value

    return check


def file_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("must be a list of chapter file names, e.g. `[01-intro.md, 02-setup.md]`")
    return [v.strip() for v in value]


def tag_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (str, int)) and str(v).strip() for v in items):
        raise ValueError("must be a list of tags, e.g. `[python, performance]`")
    return [str(v).strip() for v in items]


_TIME_RANGE = re.compile(r"^\s*([01]?\d|2[0-3]):[0-5]\d\s*(?:[-–—]\s*([01]?\d|2[0-3]):[0-5]\d\s*)?$")


def time_range(value: Any) -> str:
    # YAML 1.1 reads an unquoted `14:00` as the base-60 number 840: take it back as a time.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        value = f"{value // 60:02d}:{value % 60:02d}"
    if not isinstance(value, str) or not _TIME_RANGE.match(value):
        raise ValueError("must be a start time or a range in 24-hour form, e.g. `14:00` or `14:00-17:30` (quote it)")
    return value.strip()


def timezone(value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"`{value}` is not an IANA time zone, e.g. `Asia/Shanghai` or `Europe/Berlin`") from None
    return str(value)


def anything(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = False


# Keys MkDocs and Material understand on any page; never reported as unknown.
COMMON = {
    "title": Field(text),
    "description": Field(text),
    "template": Field(text),
    "hide": Field(anything),
    "icon": Field(anything),
    "status": Field(anything),
    "subtitle": Field(text),
    "search": Field(anything),
    "social": Field(anything),
    "comments": Field(anything),
    "tags": Field(tag_list),
    "authors": Field(names),
    # The page's (or, on a course index, the course's) language: paywall, gated pages, EPUB.
    "language": Field(one_of("en", "zh")),
}

SCHEMAS: dict[str, dict[str, Field]] = {
    "course": {
        **COMMON,
        "type": Field(one_of("course"), required=True),
        "title": Field(text, required=True),
        "summary": Field(text),
        "price": Field(price),
        "level": Field(one_of("beginner", "intermediate", "advanced"), required=True),
        "authors": Field(names, required=True),
        "chapters": Field(file_names),
    },
    "chapter": {**COMMON, "access": Field(one_of("free", "paid"))},
    "article": {
        **COMMON,
        "title": Field(text, required=True),
        "date": Field(date, required=True),
        "access": Field(one_of("free", "members")),
    },
    "salon": {
        **COMMON,
        "title": Field(text, required=True),
        "date": Field(date, required=True),
        "location": Field(text, required=True),
        "speakers": Field(names, required=True),
        "time": Field(time_range),
        "timezone": Field(timezone),
        "slides": Field(url),
        "recording": Field(url),
        "access": Field(one_of("free", "members")),
    },
    "page": {**COMMON, "access": Field(one_of("free", "members"))},
}


# Front matter a locked page may show the public (everything else is withheld: a custom key,
# `description`, a salon's `slides` and `recording` are for members, shown by the gate).
PUBLIC_WHEN_LOCKED_COMMON = ("title", "tags", "authors", "hide", "icon", "template", "status", "search",
                             "access", "language")
PUBLIC_WHEN_LOCKED: dict[str, tuple[str, ...]] = {
    "course": PUBLIC_WHEN_LOCKED_COMMON,
    "chapter": PUBLIC_WHEN_LOCKED_COMMON,
    "article": PUBLIC_WHEN_LOCKED_COMMON + ("date",),
    "salon": PUBLIC_WHEN_LOCKED_COMMON + ("date", "time", "timezone", "location", "speakers"),
    # Material's blog lists a post by these: where it is listed, never its text.
    "page": PUBLIC_WHEN_LOCKED_COMMON + ("date", "categories", "slug", "pin", "draft"),
}


def public_keys(kind: str) -> tuple[str, ...]:
    """The front-matter keys a locked page of `kind` shows publicly."""
    return PUBLIC_WHEN_LOCKED.get(kind, PUBLIC_WHEN_LOCKED_COMMON)


def validate(kind: str, fm: FrontMatter, path: str, strict: bool) -> tuple[dict, list[Problem]]:
    """The cleaned metadata of a `kind` page and every problem found in it."""
    if fm.error:
        line, message = fm.error
        return {}, [Problem(path, line, "", message)]
    schema = SCHEMAS[kind]
    clean: dict = {}
    problems: list[Problem] = []
    for key, value in fm.meta.items():
        key = str(key)
        field = schema.get(key)
        meant = near_security_key(key)
        if meant:
            problems.append(Problem(path, fm.line_of(key), key,
                                    f"looks like the security key `{meant}` misspelt: write `{meant}:` exactly "
                                    "(in lowercase), or Folio cannot tell who may read this page"))
            continue
        if field is None and key in SECURITY_KEYS:
            problems.append(Problem(path, fm.line_of(key), key, _misplaced(key, kind)))
            continue
        if field is None:
            severity = "error" if strict else "warning"
            problems.append(Problem(path, fm.line_of(key), key, f"unknown key for a {kind} page", severity))
            clean[key] = value
            continue
        try:
            clean[key] = field.check(value)
        except ValueError as exc:
            problems.append(Problem(path, fm.line_of(key), key, str(exc)))
    for key, field in schema.items():
        if field.required and key not in fm.meta:
            problems.append(Problem(path, 1, key, f"is required for a {kind} page"))
    return clean, problems


def _misplaced(key: str, kind: str) -> str:
    """Why a security key on this kind of page would decide nothing, and where it belongs."""
    where = {
        "price": "a price belongs in a course's index.md (content/courses/<slug>/index.md)",
        "type": "`type: course` belongs only in content/courses/<slug>/index.md",
        "access": "set access on the chapters (`access: free` or `paid`), not on the course page",
    }[key]
    return f"does not apply to a {kind} page, so it would not protect anything: {where}"
