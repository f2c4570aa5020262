"""`leak_guard:` in mkdocs.yml: a SubConfig (enabled, allow), `false` still meaning off, and
off said so in a way that cannot be missed."""

from __future__ import annotations

import pytest

from tests import sites
from toolkit.plugin.background import ENV
from toolkit.plugin.staging import build_site
from toolkit.config import FolioConfig
from toolkit.errors import FolioError

PAGES = {
    "index.md": "# Home\n\nWelcome.\n",
    "courses/c/index.md": "---\ntype: course\ntitle: C\nprice: 5 USD\nlevel: beginner\nauthors: [X]\n---\n\n# C\n",
    "courses/c/01.md": "---\ntitle: One\n---\n\nFree teaser.\n\n<!-- more -->\n\n"
                       "The paid remainder explains how the sharding key is chosen for every tenant.\n",
}


@pytest.fixture(autouse=True)
def inline_helpers(monkeypatch):
    monkeypatch.setenv(ENV, "inline")


@pytest.mark.parametrize("setting", [False, {"enabled": False}], ids=["false", "enabled-false"])
def test_guard_off_is_said_loudly(tmp_path, setting, caplog):
    config = sites.write_site(tmp_path, PAGES, plugins=["search"], folio={"leak_guard": setting})
    (tmp_path / "content/copy.txt").write_text(
        "The paid remainder explains how the sharding key is chosen for every tenant.\n", encoding="utf-8")
    _, plugin = build_site(config)  # off: the planted copy is not caught, and the summary says so
    assert plugin.leak_summary.startswith("LEAK GUARD OFF: site/ was not checked for paid text")
    assert any("LEAK GUARD OFF" in record.getMessage() and record.levelname == "WARNING" for record in caplog.records)


@pytest.mark.parametrize("setting", [True, {}, {"enabled": True, "allow": []}], ids=["true", "empty", "explicit"])
def test_guard_on_by_default_and_with_true(tmp_path, setting):
    config = sites.write_site(tmp_path, PAGES, plugins=["search"], folio={"leak_guard": setting})
    _, plugin = build_site(config)
    assert plugin.leak_summary.startswith("leak guard: clean (")


@pytest.mark.parametrize("allow, expected", [
    ([{"path": "x.txt"}],
     "mkdocs.yml: plugins.folio.leak_guard.allow[0]: expected a phrase or `file: PATH`, got {'path': 'x.txt'}"),
    ([3], "mkdocs.yml: plugins.folio.leak_guard.allow: Expected type"),
    ({"file": "x"}, "mkdocs.yml: plugins.folio.leak_guard.allow: Expected a list"),
])
def test_a_bad_allow_entry_is_refused_by_the_plugin_schema(allow, expected):
    """Refused by MkDocs' own validation of the plugin's options, so plain `mkdocs build` refuses it too."""
    options = FolioConfig()
    options.load_dict({"leak_guard": {"allow": allow}})
    failed, _ = options.validate()
    assert failed and failed[0][0] == "leak_guard" and str(failed[0][1]).startswith(expected), failed


def test_a_bad_allow_entry_stops_the_build(tmp_path):
    config = sites.write_site(tmp_path, PAGES, plugins=["search"], folio={"leak_guard": {"allow": [{"path": "x"}]}})
    with pytest.raises(FolioError):
        build_site(config)
    assert not (tmp_path / "site").exists()
