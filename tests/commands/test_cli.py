"""The `folio` command line, through click's runner and as the installed console script."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import __version__
from toolkit.cli import COMMANDS, main

BROKEN_DATE = "content/articles/note.md:3: date: `2026-13-01` is not a date"
BROKEN_PRICE = "content/courses/c/index.md:4: price: `free` is not a price"


def run(args: list[str]):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def run_script(venv_bin: Path, env: dict, cwd: Path, *args: str, name: str = "folio") -> subprocess.CompletedProcess:
    return subprocess.run([str(venv_bin / name), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def break_front_matter(root: Path) -> None:
    """Two mistakes in two files: an impossible date and `price: free`."""
    note = root / "content/articles/note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("2026-06-18", "2026-13-01"), encoding="utf-8")
    index = root / "content/courses/c/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("19 USD", "free"), encoding="utf-8")


def test_version_prints_the_package_version():
    result = run(["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"folio, version {__version__}"


def test_help_lists_every_command():
    result = run(["--help"])
    assert result.exit_code == 0
    for name, (_, help_text) in COMMANDS.items():
        assert name in result.output and help_text in result.output


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["bild"])
    assert result.exit_code == 2
    assert "No such command 'bild'" in result.output


def test_build_writes_the_site_and_gated_output(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    result = run(["build"])
    assert result.exit_code == 0, result.output
    assert "leak guard: clean" in result.output
    assert (tiny_site / "site/courses/c/02-deeper/index.html").is_file()
    assert (tiny_site / "gated/manifest.json").is_file()


def test_build_strict_passes_on_clean_content(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    result = run(["build", "--strict"])
    assert result.exit_code == 0, result.output


def test_build_strict_fails_on_an_unknown_key_and_keeps_no_site(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    note = tiny_site / "content/articles/note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("tags:", "sumary: typo\ntags:"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--strict"])
    assert result.exit_code == 1
    assert "content/articles/note.md:4: sumary: unknown key for a article page" in result.output
    assert not (tiny_site / "site").exists()


def test_build_without_strict_only_warns_on_an_unknown_key(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    note = tiny_site / "content/articles/note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("tags:", "sumary: typo\ntags:"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (tiny_site / "site/articles/note/index.html").is_file()


@pytest.mark.parametrize("command", ["build", "check"])
def test_broken_front_matter_exits_1_with_file_line_key_and_no_traceback(tiny_site, monkeypatch, command):
    monkeypatch.chdir(tiny_site)
    break_front_matter(tiny_site)
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 1
    assert BROKEN_DATE in result.output and BROKEN_PRICE in result.output
    assert "2 errors in the content" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, not an escaped exception


@pytest.mark.parametrize("command", ["build", "check"])
def test_broken_front_matter_fails_the_installed_script_without_traceback(tiny_site, folio_env, venv_bin, command):
    break_front_matter(tiny_site)
    result = run_script(venv_bin, folio_env, tiny_site, command)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert BROKEN_DATE in result.stderr and BROKEN_PRICE in result.stderr
    assert "Traceback" not in output


def test_installed_script_builds_and_reports_version(tiny_site, folio_env, venv_bin):
    assert run_script(venv_bin, folio_env, tiny_site, "--version").stdout.strip() == f"folio, version {__version__}"
    result = run_script(venv_bin, folio_env, tiny_site, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert (tiny_site / "site/index.html").is_file()


def test_check_on_clean_content_writes_nothing(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    result = run(["check"])
    assert result.exit_code == 0
    assert result.output.strip() == "5 pages checked: no errors."
    assert not (tiny_site / "site").exists() and not (tiny_site / "gated").exists()


def test_check_strict_fails_on_an_unknown_key(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    index = tiny_site / "content/courses/c/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("level:", "levle: x\nlevel:"), encoding="utf-8")
    assert run(["check"]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "--strict"])
    assert result.exit_code == 1
    assert "content/courses/c/index.md:5: levle: unknown key for a course page" in result.output


def test_missing_mkdocs_yml_is_a_clear_error(tmp_path, monkeypatch, folio_env, venv_bin):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "mkdocs.yml: no such file" in result.output and "--config-file" in result.output
    script = run_script(venv_bin, folio_env, tmp_path, "check")
    assert script.returncode == 1
    assert "mkdocs.yml: no such file" in script.stderr and "Traceback" not in script.stderr


def test_config_file_option_builds_a_site_elsewhere(tiny_site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["build", "--config-file", str(tiny_site / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert (tiny_site / "site/index.html").is_file()


def test_bad_membership_price_fails_with_mkdocs_yml_line(tiny_site, monkeypatch):
    monkeypatch.chdir(tiny_site)
    config = tiny_site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("9 USD", "-9 USD"), encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if "monthly" in text)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert f"mkdocs.yml:{line}: plugins.folio.membership.monthly: must be more than zero, got -9" in result.output
