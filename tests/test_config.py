"""mkdocs.yml is validated one way, by MkDocs config options: every problem, at its line, with what to write."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from tests import sites
from toolkit.cli import main

PAGES = {"index.md": "# Home\n\nWelcome.\n"}


def site_with(tmp_path, monkeypatch, **folio) -> None:
    """A one-page site whose folio settings are the defaults of tests.sites plus `folio`; cwd is its folder."""
    sites.write_site(tmp_path, PAGES, folio=folio)
    monkeypatch.chdir(tmp_path)


def line_of(tmp_path, text: str) -> int:
    """The 1-based line of mkdocs.yml that contains `text`."""
    lines = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def fails(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("value", [0, -3])
def test_teaser_words_below_one_is_refused_at_its_line(tmp_path, monkeypatch, value):
    site_with(tmp_path, monkeypatch, teaser_words=value)

    output = fails("check")

    assert (f"mkdocs.yml:{line_of(tmp_path, 'teaser_words')}: plugins.folio.teaser_words: "
            f"must be a whole number >= 1, got {value}; write e.g. `teaser_words: 120`") in output


def test_a_gate_url_that_is_not_http_is_refused(tmp_path, monkeypatch):
    site_with(tmp_path, monkeypatch, gate_url="ftp://gate.example.org")

    output = fails("check")

    assert (f"mkdocs.yml:{line_of(tmp_path, 'gate_url')}: plugins.folio.gate_url: must be an http:// or https:// "
            "address, got 'ftp://gate.example.org'; write e.g. `gate_url: https://gate.example.org`") in output


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_membership_plan_folio_does_not_sell_is_refused(tmp_path, monkeypatch, command):
    site_with(tmp_path, monkeypatch, membership={"monthly": "9 USD", "weekly": "3 USD"})

    output = fails(command)

    assert (f"mkdocs.yml:{line_of(tmp_path, 'weekly')}: plugins.folio.membership.weekly: unknown membership plan "
            "(Folio sells monthly and yearly)") in output
    assert not (tmp_path / "site").exists()


def test_a_storage_typo_fails_the_build_not_only_publish(tmp_path, monkeypatch):
    site_with(tmp_path, monkeypatch, storage={"bukcet": "my-gated"})

    output = fails("build")

    assert (f"mkdocs.yml:{line_of(tmp_path, 'bukcet')}: plugins.folio.storage.bukcet: unknown setting; "
            "did you mean `bucket`?") in output


def test_a_misspelt_plugin_setting_is_refused_not_ignored(tmp_path, monkeypatch):
    site_with(tmp_path, monkeypatch, teaser_word=50)

    output = fails("check")

    assert f"mkdocs.yml:{line_of(tmp_path, 'teaser_word:')}: plugins.folio.teaser_word: unknown setting; " \
           "did you mean `teaser_words`?" in output


def test_every_problem_is_reported_at_once_each_at_its_line(tmp_path, monkeypatch):
    site_with(tmp_path, monkeypatch, teaser_words=0, gate_url="gate.example.org",
              storage={"bucket": "Bad_Name", "keep": 0, "max_attempts": "five"})

    output = fails("check")

    for key in ("teaser_words", "gate_url", "storage.bucket", "storage.keep", "storage.max_attempts"):
        line = line_of(tmp_path, key.split(".")[-1] + ":")
        assert f"mkdocs.yml:{line}: plugins.folio.{key}: " in output, key


def test_mkdocs_own_settings_are_named_at_their_line(tmp_path, monkeypatch):
    site_with(tmp_path, monkeypatch)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"),
                      encoding="utf-8")

    output = fails("build")

    assert f"mkdocs.yml:{line_of(tmp_path, 'theme:')}: theme: Unrecognised theme name: 'no-such-theme'" in output


def test_plain_mkdocs_build_validates_folio_settings_too(tmp_path, folio_env, venv_bin):
    sites.write_site(tmp_path, PAGES, folio={"teaser_words": 0, "storage": {"bukcet": "x"}})

    result = subprocess.run([str(venv_bin / "mkdocs"), "build"], cwd=tmp_path, env=folio_env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert f"mkdocs.yml:{line_of(tmp_path, 'teaser_words')}: plugins.folio.teaser_words: must be" in result.stderr
    assert f"mkdocs.yml:{line_of(tmp_path, 'bukcet')}: plugins.folio.storage.bukcet: unknown setting" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_valid_settings_load_with_their_defaults(tmp_path):
    from toolkit.config import folio_plugin, load_mkdocs_config

    path = sites.write_site(tmp_path, PAGES, folio={"storage": {"bucket": "my-gated", "prefix": "v1/"}})

    settings = folio_plugin(load_mkdocs_config(path)).config

    assert (settings.teaser_words, settings.gate_url, settings.leak_guard) == (120, sites.GATE, True)
    assert dict(settings.membership) == {"monthly": "9 USD", "yearly": "90 USD"}
    assert (settings.storage.bucket, settings.storage.prefix, settings.storage.keep) == ("my-gated", "v1/", 3)
