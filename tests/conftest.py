"""Shared fixtures: copies of the example site, one session build of it, a clean env for subprocesses.

Other test modules import their own helpers explicitly; everything here is opt-in by
fixture name, and nothing here runs unless a test asks for it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_PARTS = ("mkdocs.yml", "content", "theme", ".folio/public/README.md")
# Variables that would point a subprocess at real services, another repository or a user's settings.
_LEAKY_PREFIXES = ("FOLIO_", "AWS_", "STRIPE_", "GIT_", "MKDOCS_", "PYTEST_")


def pytest_configure(config) -> None:
    """Started with SIGINT ignored (nohup, a script's background job, some CI runners)? Take it back.

    An ignored signal is inherited by every child, so a `folio serve` a test starts would
    ignore the Ctrl-C meant to stop it. A handler is not inherited: with one installed here,
    children start with the default, and Ctrl-C stops the suite itself too. (Children started
    through tests/processes.py also reset it themselves.)
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _children_left(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of this process's children still running (zombies aside), from /proc."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":  # fields[1]: the parent's pid
            left.append((int(stat.parent.name), command))
    return left


def pytest_sessionfinish(session, exitstatus) -> None:
    """A test that started a `folio` process and left it running fails the run (and the process is killed)."""
    if not Path("/proc").is_dir():
        return
    left = [(pid, command) for pid, command in _children_left(os.getpid()) if "folio" in command]
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if left:
        session.config.get_terminal_writer().line(
            "folio processes left running by the tests (killed now): "
            + "; ".join(f"{pid}: {command}" for pid, command in left), red=True)
        session.exitstatus = 1


def copy_example(dest: Path) -> Path:
    """`dest` holding a copy of the repository's example site (mkdocs.yml, content/, theme/)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_PARTS:
        source = REPO / name
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest


@dataclass(frozen=True)
class BuiltSite:
    """A built copy of a site: its root (mkdocs.yml), public site/ and private gated/."""

    root: Path
    site: Path
    gated: Path

    def page(self, url: str) -> str:
        """The HTML served at `url` (e.g. "courses/async-python/")."""
        path = self.site / url
        return (path / "index.html" if url.endswith("/") or not url else path).read_text(encoding="utf-8")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A fresh, unbuilt copy of the example site, free to edit."""
    return copy_example(tmp_path / "example")


# The example site's "today": after its past salons, before its 2027-01-16 one, whatever the real date.
EXAMPLE_TODAY = "2026-12-01"


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> BuiltSite:
    """The example site, built once per session on EXAMPLE_TODAY with `build_site` (as `folio build` does). Read only."""
    import datetime as dt

    from toolkit.plugin.staging import build_site

    root = copy_example(tmp_path_factory.mktemp("example-site"))
    epoch = dt.datetime.fromisoformat(EXAMPLE_TODAY).replace(tzinfo=dt.timezone.utc).timestamp()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(int(epoch)))
        build_site(root / "mkdocs.yml")
    return BuiltSite(root, root / "site", root / "gated")


TINY_PAGES = {
    "index.md": "# Tiny\n\nA small community.\n",
    "courses/c/index.md": (
        "---\ntype: course\ntitle: Tiny course\nprice: 19 USD\nlevel: beginner\nauthors: [Ann]\n---\n\n# Tiny course\n"
    ),
    "courses/c/01-start.md": "---\ntitle: Start\naccess: free\n---\n\n# Start\n\nFree words.\n",
    "courses/c/02-deeper.md": (
        "---\ntitle: Deeper\n---\n\n# Deeper\n\nThe teaser.\n\n<!-- more -->\n\n"
        "The paid part explains the secret handshake of the tiny course in detail.\n"
    ),
    "articles/note.md": "---\ntitle: A note\ndate: 2026-06-18\ntags: [notes]\n---\n\n# A note\n\nHello.\n",
}


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A minimal site (one course of two chapters, one article), written by `tests.sites.write_site`."""
    from tests.sites import write_site

    root = tmp_path / "tiny"
    write_site(root, TINY_PAGES, folio={"gate_url": None, "membership": {"monthly": "9 USD"}})
    return root


@pytest.fixture(scope="session")
def folio_env(tmp_path_factory) -> dict[str, str]:
    """Environment for `folio`/`mkdocs` subprocesses: no credentials, a throwaway HOME, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_PREFIXES)}
    env.update(
        HOME=str(tmp_path_factory.mktemp("home")),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        NO_COLOR="1",
        NO_MKDOCS_2_WARNING="1",
    )
    return env


@pytest.fixture(scope="session")
def venv_bin() -> Path:
    """The folder of the installed console scripts (`folio`, `mkdocs`) next to this Python."""
    return Path(sys.executable).parent
