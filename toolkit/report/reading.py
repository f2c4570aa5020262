"""Reading, from the gate's structured events (JSON lines; format in docs/operators/report.md).

Each line is one event: `v`, `ts` (UTC), `event`, `reader` (a keyed hash, never an email),
`product`, and `page` / `object` for reads and downloads. Lines that are not such events
are skipped and counted, never fatal: a log shipper may interleave other lines. Only
aggregates reach the report: counts of distinct readers, reads and downloads, never a
reader's hash.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from toolkit.errors import FolioError
from toolkit.report.period import Period

EVENTS = frozenset({"grant", "refund", "dispute", "revoke", "read", "download", "signin"})
VERSION = 1


@dataclass
class Reading:
    period: Period
    files: list[str] = field(default_factory=list)
    lines: int = 0
    skipped: int = 0  # lines that were not events Folio understands
    outside: int = 0  # events outside the period
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(sorted(EVENTS), 0))
    readers: set = field(default_factory=set)
    # course slug -> chapter page -> set of readers; reads per chapter
    chapter_readers: dict[str, dict[str, set]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    chapter_reads: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    downloads: dict[str, list] = field(default_factory=lambda: defaultdict(lambda: [0, set()]))  # product -> [n, readers]
    revokes: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # reason -> count

    def as_json(self, chapters: dict[str, list[str]] | None = None) -> dict:
        """Aggregates only; `chapters`: each course's chapter pages in reading order (from the content)."""
        courses = {}
        for course in sorted(set(self.chapter_readers) | set(chapters or {})):
            order = _chapter_order(course, (chapters or {}).get(course, []), self.chapter_readers.get(course, {}))
            seen = self.chapter_readers.get(course, {})
            course_readers = set().union(*seen.values()) if seen else set()
            furthest = {}
            for position, page in enumerate(order):
                for reader in seen.get(page, ()):
                    furthest[reader] = max(furthest.get(reader, -1), position)
            courses[course] = {
                "readers": len(course_readers),
                "reads": sum(self.chapter_reads.get(course, {}).values()),
                "chapters": [{"page": page, "readers": len(seen.get(page, ())),
                              "reads": self.chapter_reads.get(course, {}).get(page, 0),
                              # readers whose furthest chapter is this one or a later one
                              "reached": sum(1 for far in furthest.values() if far >= position)}
                             for position, page in enumerate(order)],
            }
        return {
            "files": self.files, "lines": self.lines, "skipped_lines": self.skipped,
            "outside_period": self.outside, "events": self.counts, "readers": len(self.readers),
            "courses": courses,
            "downloads": {product: {"downloads": count, "readers": len(readers)}
                          for product, (count, readers) in sorted(self.downloads.items())},
            "revokes": dict(sorted(self.revokes.items())),
        }


def _chapter_order(course: str, known: list[str], seen: dict[str, set]) -> list[str]:
    """The content's chapter order, then chapters only the events name, by path."""
    return list(known) + sorted(page for page in seen if page not in known)


def course_of(page: str, courses_folders: Iterable[str]) -> str | None:
    """`courses/async-python/03-tasks.md` -> `async-python` (None outside a courses folder, or an index)."""
    path = PurePosixPath(page)
    for folder in courses_folders:
        parts = path.parts
        prefix = PurePosixPath(folder).parts
        if parts[:len(prefix)] == prefix and len(parts) >= len(prefix) + 2:
            return parts[len(prefix)] if path.name != "index.md" else None
    return None


def read_events(paths: Iterable[Path], period: Period, courses_folders: Iterable[str]) -> Reading:
    """Aggregate the events of every file (`.gz` files are unpacked) that fall in the period."""
    folders = list(courses_folders)
    reading = Reading(period)
    for path in paths:
        reading.files.append(Path(path).name)
        for line in _lines(Path(path)):
            reading.lines += 1
            event = _event(line)
            if event is None:
                reading.skipped += 1
                continue
            day, kind, reader, product, extra = event
            if not period.holds_day(day):
                reading.outside += 1
                continue
            reading.counts[kind] += 1
            reading.readers.add(reader)
            if kind == "read" and isinstance(extra.get("page"), str):
                course = course_of(extra["page"], folders)
                if course:
                    reading.chapter_readers[course][extra["page"]].add(reader)
                    reading.chapter_reads[course][extra["page"]] += 1
            elif kind == "download":
                entry = reading.downloads[product]
                entry[0] += 1
                entry[1].add(reader)
            elif kind == "revoke":
                reading.revokes[str(extra.get("reason") or "unknown")] += 1
    return reading


def _lines(path: Path) -> Iterator[str]:
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as stream:
            yield from stream
    except (OSError, EOFError) as error:
        raise FolioError(f"--events {path}: cannot read it ({getattr(error, 'strerror', None) or error}); "
                         "pass a JSON-lines file the gate's `folio.events` logger wrote") from None


def _event(line: str):
    """(day, event, reader, product, the object) of one line, or None if it is not an event."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION or data.get("event") not in EVENTS:
        return None
    reader, product, stamp = data.get("reader"), data.get("product"), data.get("ts")
    if not all(isinstance(value, str) and value for value in (reader, product, stamp)):
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.date(), data["event"], reader, product, data
