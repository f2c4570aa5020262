"""The gate's events as the report reads them: gzip files, several files, bad lines skipped and counted."""

from __future__ import annotations

import gzip

import pytest

from tests.report.seed import events_file
from toolkit.errors import FolioError
from toolkit.report.period import month_period
from toolkit.report.reading import course_of, read_events


def test_gzip_and_plain_files_add_up(tmp_path):
    plain = events_file(tmp_path / "events.jsonl")
    packed = tmp_path / "events.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    one = read_events([plain], month_period("2026-11"), ["courses"]).as_json()
    both = read_events([plain, packed], month_period("2026-11"), ["courses"]).as_json()
    assert both["files"] == ["events.jsonl", "events.jsonl.gz"]
    assert both["events"]["read"] == 2 * one["events"]["read"] and both["readers"] == one["readers"]
    assert both["skipped_lines"] == 2 * one["skipped_lines"] == 6


def test_a_file_that_cannot_be_read_is_named(tmp_path):
    broken = tmp_path / "events.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(FolioError, match="--events .*events.jsonl.gz: cannot read it"):
        read_events([broken], month_period("2026-11"), ["courses"])


def test_course_of_a_page():
    assert course_of("courses/async-python/03-tasks.md", ["courses"]) == "async-python"
    assert course_of("courses/async-python/part-1/03-tasks.md", ["courses"]) == "async-python"
    assert course_of("courses/async-python/index.md", ["courses"]) is None
    assert course_of("articles/tips.md", ["courses"]) is None
