"""The documentation site (docs/) builds with --strict, documents every command, option and
setting, and its samples work: each mkdocs.yml block loads with Folio's loader, each front
matter block passes its page kind's schema, and each `folio …` line parses as the CLI would."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from toolkit.cli import COMMANDS, LazyGroup, main
from toolkit.config import FolioConfig, GateConfig
from toolkit.store.client import StorageSettings

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
# Where a reader looks things up: the reference pages.
REFERENCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((DOCS / "reference").glob("*.md")))
SETTINGS = (DOCS / "reference/settings.md").read_text(encoding="utf-8")
# Samples are tested wherever they are shown: the docs and the README.
SAMPLED = [*PAGES, REPO / "README.md"]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)


def blocks(lang: str) -> list[tuple[str, str]]:
    """(where, text) of every fenced block of `lang`, `where` as file:line."""
    found = []
    for path in SAMPLED:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group("lang") == lang:
                line = text[: match.start()].count("\n") + 1
                body = "\n".join(row[len(match.group("indent")):] for row in match.group("body").splitlines())
                found.append((f"{path.relative_to(REPO)}:{line}", body))
    return found


# -- the site builds -------------------------------------------------------------------------


def test_the_documentation_builds_with_strict(tmp_path, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # From the repository root with a relative -f, as `make docs` runs it: MkDocs refuses a docs_dir
    # that is the folder of a config file named by its absolute path (see docs/mkdocs.yml).
    monkeypatch.chdir(REPO)
    with open("docs/mkdocs.yml", "rb") as config_file:
        config = load_config(config_file, site_dir=str(tmp_path / "site"), strict=True)
    build(config)  # raises mkdocs.exceptions.Abort on any warning under strict
    assert (tmp_path / "site/reference/settings/index.html").is_file()
    included = (tmp_path / "site/reference/formats/index.html").read_text(encoding="utf-8")
    assert "folio-pack 1" in included  # gated/README.md is included, not copied


def test_the_readme_is_a_front_door():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250, "the README is the front door: details go to docs/"
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / link).is_file(), f"README.md links to {link}, which does not exist"


def test_every_page_is_in_the_navigation():
    nav = (DOCS / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [str(p.relative_to(DOCS)) for p in PAGES if f" {p.relative_to(DOCS).as_posix()}" not in nav]
    assert missing == []


# -- every command, option and setting is documented -----------------------------------------


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
def test_every_command_is_in_the_reference(name):
    assert f"folio {name}" in REFERENCE


@pytest.mark.parametrize("name, command", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_is_in_the_reference(name, command):
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            # The long spelling: a short flag like `-d` would be found anywhere.
            long = [opt for opt in param.opts + param.secondary_opts if opt.startswith("--")]
            missing = [opt for opt in long if opt not in REFERENCE]
            assert not missing, f"folio {name}: {missing} not documented in docs/reference/"


@pytest.mark.parametrize("key", [key for key, _ in FolioConfig._schema])
def test_every_plugin_setting_is_in_the_settings_reference(key):
    assert f"`{key}`" in SETTINGS, f"plugins.folio.{key} is not in docs/reference/settings.md"


@pytest.mark.parametrize("key", [key for key, _ in GateConfig._schema])
def test_every_gate_setting_is_in_the_settings_reference(key):
    assert f"`{key}`" in _section(SETTINGS, "## The gate"), key


def _section(text: str, title: str) -> str:
    return text.split(title, 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("key", [field.name for field in dataclasses.fields(StorageSettings)])
def test_every_storage_setting_is_documented(key):
    storage = _section(SETTINGS, "## Storage")
    assert f"`{key}`" in storage or f"{key}:" in storage, key


def _leaderboard_keys() -> list[str]:
    from toolkit.leaderboard.settings import DEFAULTS

    keys = []
    for key, value in DEFAULTS.items():
        # `points` is documented one entry at a time.
        keys += [f"points.{name}" for name in value] if key == "points" else [key]
    return keys


@pytest.mark.parametrize("key", _leaderboard_keys())
def test_every_leaderboard_setting_is_documented(key):
    assert f"`{key}`" in _section(SETTINGS, "## Leaderboard"), key


# -- the samples work ------------------------------------------------------------------------

# What a fragment leaves out, so that it loads as a whole mkdocs.yml.
BASE_CONFIG = {"site_name": "Sample", "docs_dir": ".folio/public", "theme": {"name": "material"}}
MKDOCS_KEYS = {"site_name", "site_url", "docs_dir", "theme", "plugins", "markdown_extensions", "nav"}


def yaml_samples() -> list[tuple[str, str]]:
    return blocks("yaml")


@pytest.mark.parametrize("where, text", yaml_samples(), ids=[where for where, _ in yaml_samples()])
def test_every_yaml_sample_is_valid(where, text, tmp_path, monkeypatch):
    if text.lstrip().startswith("---"):
        _check_front_matter(where, text)
        return
    data = yaml.safe_load(text)
    assert isinstance(data, dict) and set(data) & MKDOCS_KEYS, \
        f"{where}: a yaml block is front matter (--- … ---) or an mkdocs.yml (top-level keys such as plugins)"
    config = {**BASE_CONFIG, **data}
    (tmp_path / ".folio/public").mkdir(parents=True)
    (tmp_path / "content").mkdir()
    (tmp_path / "theme").mkdir()  # the samples' custom_dir
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("FOLIO_S3_", "AWS_")):
            monkeypatch.delenv(name)

    from toolkit.config import load_mkdocs_config
    from toolkit.errors import FolioError

    try:
        load_mkdocs_config(tmp_path / "mkdocs.yml")
    except FolioError as error:
        pytest.fail(f"{where}: the sample does not load:\n{error}")


def _check_front_matter(where: str, text: str) -> None:
    from toolkit.content.frontmatter import read_front_matter
    from toolkit.content.schema import validate

    front = read_front_matter(text.strip() + "\n")
    assert front.meta, f"{where}: empty front matter"
    kind = ("course" if front.meta.get("type") == "course" else "salon" if "speakers" in front.meta
            else "article" if "date" in front.meta else "chapter")
    _, problems = validate(kind, front, where, strict=True)
    assert [str(p) for p in problems] == [], f"{where}: not valid {kind} front matter"


def command_lines() -> list[tuple[str, list[str]]]:
    """Every `folio …` line of a sh/console block, as the shell would split it (up to `>`, `|`, `&&`, `;`)."""
    found = []
    for lang in ("sh", "console", "bash", "shell"):
        for where, text in blocks(lang):
            for line in text.splitlines():
                line = line.strip().removeprefix("$ ")
                if not line.startswith("folio "):
                    continue
                lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
                lexer.whitespace_split = True
                lexer.commenters = "#"
                words = []
                for word in lexer:
                    if word and set(word) <= set(";&|<>"):
                        break
                    words.append(word)
                found.append((where, words[1:]))
    return found


def parse(argv: list[str]) -> click.Context:
    """Parse `folio ARGV` as the CLI would, down to the command that would run; run nothing."""
    command, parent, name, args = main, None, "folio", list(argv)
    while True:
        ctx = command.make_context(name, args, parent=parent)
        if not isinstance(command, click.Group):
            return ctx
        # click >= 8.2 keeps the sub-command's words in `_protected_args` (`protected_args` before).
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        rest = [*protected, *ctx.args]
        assert rest, f"`{name}` needs a sub-command"
        name, command, args = command.resolve_command(ctx, rest)
        parent = ctx


@pytest.mark.parametrize("where, argv", command_lines(), ids=[" ".join(a) for _, a in command_lines()])
def test_every_folio_command_line_shown_parses(where, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()  # what `folio check --leaks site` names
    try:
        parse(argv)
    except click.exceptions.Exit:
        pass  # --help, --version
    except click.UsageError as error:
        pytest.fail(f"{where}: `folio {' '.join(argv)}` does not parse: {error.format_message()}")


def test_the_sample_checks_can_fail():
    """A sample with a typo is caught (the checks above are not vacuous)."""
    with pytest.raises(click.UsageError):
        parse(["publish", "--dry-runn"])
    with pytest.raises(click.UsageError):
        parse(["new", "chapter"])
    assert len(command_lines()) > 20 and len(yaml_samples()) > 8
