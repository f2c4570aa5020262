"""Errors a user can cause: MkDocs understands them, `folio` prints them once, and nothing shows a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import processes, sites
from tests.loopback import free_port, wait_for
from toolkit.cli import main

PAGES = {
    "index.md": "# Home\n\nWelcome.\n",
    "articles/note.md": "---\ntitle: A note\ndate: 2026-06-18\n---\n\n# A note\n\nHello.\n",
    "articles/deep.md": (
        "---\ntitle: Deep\ndate: 2026-06-19\naccess: members\n---\n\n# Deep\n\nThe teaser of the deep dive.\n\n"
        "<!-- more -->\n\nThe members part of the deep dive explains the whole trick.\n"
    ),
}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_fails_clearly(result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output, phrase


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    sites.write_site(tmp_path, PAGES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- a build error is the plugin's own message, once -------------------------------------------


def test_folio_build_shows_the_plugins_message_not_mkdocs_abort(tmp_path, monkeypatch):
    sites.write_site(tmp_path, PAGES, folio={"gated_dir": "content/private"})
    monkeypatch.chdir(tmp_path)

    result = invoke("build")

    assert_fails_clearly(result, "plugins.folio.gated_dir:", "so paid files would be published")
    assert "Aborted with a BuildError" not in result.output
    assert result.output.count("so paid files would be published") == 1


def test_folio_build_shows_another_plugins_error_message_once(tmp_path, monkeypatch):
    (tmp_path / "hooks.py").write_text(
        "from mkdocs.exceptions import PluginError\n\n\n"
        "def on_files(files, config):\n    raise PluginError('the hook refuses this site: fix hooks.py')\n",
        encoding="utf-8")
    sites.write_site(tmp_path, PAGES, extra={"hooks": ["hooks.py"]})
    monkeypatch.chdir(tmp_path)

    result = invoke("build")

    assert_fails_clearly(result, "the hook refuses this site: fix hooks.py")
    assert "Aborted with a BuildError" not in result.output
    assert result.output.count("the hook refuses this site") == 1


def test_folio_errors_are_mkdocs_plugin_errors():
    from mkdocs.exceptions import PluginError

    from toolkit.errors import ConfigError, ContentError, FolioError

    assert issubclass(FolioError, PluginError)
    assert issubclass(ContentError, FolioError) and issubclass(ConfigError, FolioError)


# -- no traceback for ... ----------------------------------------------------------------------


def test_a_theme_other_than_material_says_folio_needs_material(site):
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: mkdocs"), encoding="utf-8")

    result = invoke("build")

    assert_fails_clearly(result, "theme.name: Folio needs the mkdocs-material theme, got 'mkdocs'",
                         "write `name: material`")
    assert not (site / "site").exists()


def test_an_unreadable_markdown_file_is_named(site):
    page = site / "content/articles/locked-away.md"
    if os.geteuid() == 0:
        # root reads any file whatever its mode; /proc/self/mem is a file no read at offset 0 succeeds on.
        page.symlink_to("/proc/self/mem")
    else:
        page.write_text("# Locked away\n", encoding="utf-8")
        page.chmod(0)

    for command in ("check", "build"):
        assert_fails_clearly(invoke(command), "content/articles/locked-away.md: cannot be read (",
                             "check its permissions")


def test_a_duplicate_front_matter_key_names_both_lines(site):
    note = site / "content/articles/note.md"
    note.write_text("---\ntitle: A note\ndate: 2026-06-18\ntitle: Another title\n---\n\n# A note\n", encoding="utf-8")

    assert_fails_clearly(invoke("check"),
                         "content/articles/note.md:4: `title` appears twice, on lines 2 and 4; keep one")


def test_a_second_build_in_the_same_folder_waits_for_nobody_and_says_why(site):
    holder = processes.start(
        [sys.executable, "-c", "import sys; from toolkit.plugin.lock import BuildLock; "
         f"BuildLock({str(site / '.folio-cache')!r}).acquire(); print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = invoke("build")
        assert_fails_clearly(result, f"Another build of this site is running (process {holder.pid})",
                             "Wait for it to finish")
    finally:
        try:
            holder.communicate("", timeout=10)  # its `sys.stdin.read()` returns: it exits, the lock with it
        finally:
            processes.stop(holder)  # killed if it did not: never left holding the lock
    assert invoke("build").exit_code == 0  # the lock went with its holder


def test_presign_local_with_a_corrupt_manifest_is_a_clear_error(tmp_path, monkeypatch):
    sites.write_site(tmp_path, PAGES, folio={"storage": {"bucket": "my-gated"}})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gated").mkdir()
    (tmp_path / "gated/manifest.json").write_text('{"schema": 2, "products": {', encoding="utf-8")

    result = invoke("presign", "membership", "--local")

    assert_fails_clearly(result, "gated/manifest.json")


def test_a_programming_error_near_s3_is_not_reported_as_an_s3_failure():
    from toolkit.store.client import StorageSettings, read_published_manifest

    settings = StorageSettings(bucket="my-gated")
    with pytest.raises(AttributeError):
        read_published_manifest(None, settings)  # a bug (no client), not "S3 failed"


# -- honest output -----------------------------------------------------------------------------


def test_summary_says_clean_when_the_leak_guard_ran(site):
    result = invoke("build")

    assert result.exit_code == 0, result.output
    assert "leak guard: clean (" in result.output


def test_summary_never_says_clean_when_the_leak_guard_is_off(tmp_path, monkeypatch):
    sites.write_site(tmp_path, PAGES, folio={"leak_guard": False})
    monkeypatch.chdir(tmp_path)

    result = invoke("build")

    assert result.exit_code == 0, result.output
    assert "leak guard: clean" not in result.output
    assert "LEAK GUARD OFF: site/ was not checked for paid text" in result.output
    assert "WARNING: the leak guard is OFF" in result.output and "Do not deploy it" in result.output


def test_a_site_without_custom_dir_still_gets_the_paywall_and_headers(tmp_path, monkeypatch):
    sites.write_site(tmp_path, PAGES, custom_dir=False)
    monkeypatch.chdir(tmp_path)

    assert invoke("build").exit_code == 0
    page = (tmp_path / "site/articles/deep/index.html").read_text(encoding="utf-8")

    assert 'class="folio-paywall"' in page and f'action="{sites.GATE}/checkout/membership"' in page
    assert 'class="folio-header folio-header--article"' in page
    assert (tmp_path / "site/assets/folio.css").is_file()
    assert "The members part" not in page


def test_a_sites_custom_dir_still_overrides_folio_templates(tmp_path, monkeypatch):
    sites.write_site(tmp_path, PAGES)
    (tmp_path / "theme/partials/paywall.html").write_text('<aside class="my-own-paywall">Join us</aside>\n',
                                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert invoke("build").exit_code == 0
    page = (tmp_path / "site/articles/deep/index.html").read_text(encoding="utf-8")

    assert 'class="my-own-paywall"' in page and 'class="folio-paywall"' not in page


def _commands_reading_mkdocs_yml():
    from toolkit.cli import COMMANDS, LazyGroup

    ctx = __import__("click").Context(main)
    for name in COMMANDS:
        command = LazyGroup.get_command(main, ctx, name)
        for sub_name, sub in (getattr(command, "commands", None) or {name: command}).items():
            yield pytest.param(sub, id=f"{name} {sub_name}" if sub is not command else name)


@pytest.mark.parametrize("command", list(_commands_reading_mkdocs_yml()))
def test_every_command_takes_the_same_config_file_option(command):
    options = [param for param in command.params if "--config-file" in getattr(param, "opts", [])]

    assert options and options[0].opts == ["-f", "--config-file"]


# -- folio serve keeps serving -----------------------------------------------------------------


def _printed(stream_lines: list[str], text: str):
    return lambda: any(text in line for line in stream_lines)


def test_folio_serve_prints_a_content_error_and_keeps_serving(tmp_path, folio_env, venv_bin):
    sites.write_site(tmp_path, PAGES)
    port = free_port()
    server = processes.start([str(venv_bin / "folio"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                             cwd=tmp_path, env=folio_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    lines = processes.collect_output(server)
    try:
        assert wait_for(_printed(lines, "Serving on"), 60), "".join(lines)
        note = tmp_path / "content/articles/note.md"
        note.write_text(note.read_text(encoding="utf-8").replace("2026-06-18", "2026-13-01"), encoding="utf-8")

        assert wait_for(_printed(lines, "content/articles/note.md:3: date: `2026-13-01` is not a date"), 60), \
            "".join(lines)
        assert server.poll() is None, "".join(lines)
        assert "Traceback" not in "".join(lines)

        note.write_text(note.read_text(encoding="utf-8").replace("Hello.", "Hello again."), encoding="utf-8")
        note.write_text(note.read_text(encoding="utf-8").replace("2026-13-01", "2026-06-18"), encoding="utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/note/", timeout=60) as response:
            assert response.status == 200 and "Hello again." in response.read().decode()
        assert "Traceback" not in "".join(lines)
    finally:
        processes.stop(server)
