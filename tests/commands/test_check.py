"""`folio check` runs every content check the build runs, paid pages included, without rendering the site:
the same warnings, the same `--strict` exit code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.gated.epub_course import SLUG, epub_course_site


def folio(venv_bin: Path, env: dict, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv_bin / "folio"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def content_warnings(output: str) -> set[str]:
    """The warnings that name a content file and line."""
    return set(re.findall(r"^WARNING\s+-\s+(content/\S+:\d+: .*)$", output, re.M))


@pytest.fixture(scope="module")
def site_with_problems(tmp_path_factory):
    root = tmp_path_factory.mktemp("check")
    epub_course_site(root)
    # A missing image in a paid page, besides the course's broken links, remote image and failed formula.
    chapter = root / f"content/courses/{SLUG}/03-links.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![gone](missing.png)\n", encoding="utf-8")
    return root


def test_check_reports_what_the_build_reports_in_paid_pages(site_with_problems, venv_bin, folio_env):
    check = folio(venv_bin, folio_env, site_with_problems, "check")
    assert check.returncode == 0, check.stderr
    assert not (site_with_problems / "site").exists() and not (site_with_problems / "gated").exists()
    build = folio(venv_bin, folio_env, site_with_problems, "build")
    assert build.returncode == 0, build.stderr
    found = content_warnings(check.stderr)
    assert found == content_warnings(build.stderr)
    assert any("missing.png' not found" in w for w in found)
    assert any("04-gone.md" in w for w in found)
    assert any("formula kept as TeX" in w for w in found)
    assert any("is on another site" in w for w in found)
    assert "5 pages checked: no errors, 5 warnings." in check.stdout


def test_strict_check_fails_where_strict_build_fails(site_with_problems, venv_bin, folio_env):
    check = folio(venv_bin, folio_env, site_with_problems, "check", "--strict")
    build = folio(venv_bin, folio_env, site_with_problems, "build", "--strict")
    assert (check.returncode, build.returncode) == (1, 1)
    assert "5 warnings in strict mode" in check.stderr


def test_strict_check_passes_where_strict_build_passes(tiny_site, venv_bin, folio_env):
    check = folio(venv_bin, folio_env, tiny_site, "check", "--strict")
    build = folio(venv_bin, folio_env, tiny_site, "build", "--strict")
    assert (check.returncode, build.returncode) == (0, 0), check.stderr + build.stderr
