"""The README documents every command, every option and every plugin setting."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

from toolkit.cli import COMMANDS, LazyGroup, main
from toolkit.config import FolioConfig
from toolkit.store.client import StorageSettings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[tuple[str, click.Command]]:
    """Every `folio` command and sub-command, with its full name."""
    found = [("", main)]
    ctx = click.Context(main)
    for name in LazyGroup.list_commands(main, ctx):
        command = main.get_command(ctx, name)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", command.commands[sub]) for sub in command.commands]
    return found


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_in_the_readme(name):
    assert f"folio {name}" in README


@pytest.mark.parametrize("name, command", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_is_in_the_readme(name, command):
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            # The long spelling: a short flag like `-d` would be found anywhere.
            long = [opt for opt in param.opts + param.secondary_opts if opt.startswith("--")]
            missing = [opt for opt in long if opt not in README]
            assert not missing, f"folio {name}: {missing} not documented in README.md"


@pytest.mark.parametrize("key", [key for key, _ in FolioConfig._schema])
def test_every_plugin_setting_is_in_the_configuration_reference(key):
    reference = README.split("## Configuration reference", 1)[1]
    assert f"{key}:" in reference, f"plugins.folio.{key} is not in the configuration reference"


def _section(title: str) -> str:
    return README.split(title, 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("key", [field.name for field in dataclasses.fields(StorageSettings)])
def test_every_storage_setting_is_documented(key):
    assert f"`{key}`" in _section("## Publishing") or f"{key}:" in _section("## Publishing"), key


def _leaderboard_keys() -> list[str]:
    from toolkit.leaderboard.settings import DEFAULTS

    keys = []
    for key, value in DEFAULTS.items():
        # `points` is documented one entry at a time.
        keys += [f"points.{name}" for name in value] if key == "points" else [key]
    return keys


@pytest.mark.parametrize("key", _leaderboard_keys())
def test_every_leaderboard_setting_is_documented(key):
    assert f"`{key}`" in _section("## Leaderboards"), key
