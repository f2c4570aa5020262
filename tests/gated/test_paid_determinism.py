"""gated/ is deterministic: same input, same bytes; one edit rewrites only its own course."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests import sites
from toolkit.plugin.staging import build_site

COURSE_B = {
    "courses/courseb/index.md": """\
        ---
        type: course
        title: Course B
        price: 19 USD
        level: advanced
        authors: [Bo Tester]
        ---

        # Course B

        The second course.
        """,
    "courses/courseb/01-only.md": """\
        ---
        title: Only chapter
        ---

        # Only chapter

        Course B teaser.

        <!-- more -->

        Course B's paid body explains the whole trick in one long and careful paragraph.
        """,
}


def two_course_site(root: Path) -> Path:
    pages = {**sites.adversarial_pages(), **{k: v for k, v in COURSE_B.items()}}
    return sites.write_site(root, pages, assets=sites.adversarial_assets())


@pytest.fixture
def build_log(tmp_path):
    """The folio logger's records as text, also from the forked process that writes gated/."""
    path = tmp_path / "build.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    logger = logging.getLogger("mkdocs.plugins.folio")
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield lambda: path.read_text(encoding="utf-8")
    logger.removeHandler(handler)
    logger.setLevel(old_level)
    handler.close()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path, prefix: str) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in sorted((folder / prefix).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("determinism") / "one"
    build_site(two_course_site(root))
    return root


def test_two_clean_builds_in_separate_folders_give_identical_gated_trees(first_build, tmp_path):
    other = tmp_path / "elsewhere" / "two"
    build_site(two_course_site(other))
    one, two = tree(first_build / "gated"), tree(other / "gated")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_editing_one_chapter_rewrites_only_its_course(first_build, tmp_path, build_log):
    root = tmp_path / "site-copy"
    shutil.copytree(first_build, root)
    gated = root / "gated"
    before = {prefix: stats(gated, prefix) for prefix in ("course/leaklab", "course/courseb", "membership")}
    chapter = root / "content/courses/leaklab/03-also-locked.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more paid paragraph about jitter added today.\n",
                       encoding="utf-8")
    build_site(root / "mkdocs.yml")
    assert stats(gated, "course/courseb") == before["course/courseb"]
    assert stats(gated, "membership") == before["membership"]
    after = stats(gated, "course/leaklab")
    changed = set(after) ^ set(before["course/leaklab"])
    # the page, its member page and locked part, and the pack lists of the zip and the EPUB
    assert {name.split("/")[-1].split(".")[0] + "." + name.removesuffix(".pack").rsplit(".", 1)[1]
            for name in changed} == {"03-also-locked.html", "03-also-locked--site.html", "03-also-locked--part.html",
                                     "leaklab.zip", "leaklab.epub"}
    log = build_log()
    assert "course:leaklab packed" in log
    assert [line for line in log.splitlines() if "rendered" in line] == [
        "Gated: rendered courses/leaklab/03-also-locked.md"]  # one page rendered, the others from the cache
    assert "course:courseb unchanged" in log
    assert "membership unchanged" in log


def test_rebuild_without_changes_keeps_every_gated_file(first_build, tmp_path, build_log):
    root = tmp_path / "again"
    shutil.copytree(first_build, root)
    before = stats(root / "gated", ".")
    manifest = (root / "gated/manifest.json").read_bytes()
    build_site(root / "mkdocs.yml")
    after = stats(root / "gated", ".")
    # The manifest is always rewritten (atomically), with the same bytes; nothing else is touched.
    assert (root / "gated/manifest.json").read_bytes() == manifest
    assert {k: v for k, v in after.items() if k != "manifest.json"} == {
        k: v for k, v in before.items() if k != "manifest.json"}
    assert "rendered" not in build_log() and "packed" not in build_log()
    assert "course:leaklab unchanged" in build_log()
