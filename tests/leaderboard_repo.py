"""Real git repositories in temp folders, with controlled people, dates and trailers.

The machine's git configuration never matters: every git call (ours and the
code under test) runs with GIT_CONFIG_GLOBAL=/dev/null and GIT_CONFIG_NOSYSTEM=1.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

ISOLATED_GIT = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

MKDOCS_YML = """\
site_name: Test community
docs_dir: {docs_dir}
plugins:
  - folio:
      leaderboard: {settings}
"""


def isolate_git(monkeypatch, home: Path) -> None:
    """Make every git process in this test ignore the machine's configuration."""
    for name, value in ISOLATED_GIT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(home))


class ContentRepo:
    """A site repository (mkdocs.yml + content/) whose commits we script."""

    def __init__(self, root: Path, settings: str = "{}", docs_dir: str = "content"):
        self.root = root
        self.docs = root / docs_dir
        self.docs_dir = docs_dir
        self.docs.mkdir(parents=True, exist_ok=True)
        self.configure(settings)
        self.git("init", "-q", "-b", "main")

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def configure(self, settings: str) -> None:
        """Rewrite mkdocs.yml with these leaderboard settings (YAML flow style)."""
        self.config_file.write_text(MKDOCS_YML.format(settings=settings, docs_dir=self.docs_dir), encoding="utf-8")

    def git(self, *args: str, date: str = "2024-01-01", name: str = "Nobody", email: str = "nobody@example.org") -> str:
        env = {**os.environ, **ISOLATED_GIT,
               "GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00"}
        done = subprocess.run(["git", "-c", f"user.name={name}", "-c", f"user.email={email}", *args],
                              cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def write(self, path: str, text: str) -> None:
        """Write a file under content/ (parents created)."""
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def write_lines(self, path: str, count: int, front_matter: str = "") -> None:
        """Write a page of exactly `count` lines (front matter lines included)."""
        head = f"---\n{front_matter}---\n" if front_matter else ""
        body_lines = count - head.count("\n")
        self.write(path, head + "".join(f"line {n}\n" for n in range(body_lines)))

    def append_lines(self, path: str, count: int) -> None:
        with open(self.docs / path, "a", encoding="utf-8") as stream:
            stream.writelines(f"more {n}\n" for n in range(count))

    def commit(self, who: tuple[str, str], date: str, message: str = "Edit", trailers: list[str] = ()) -> str:
        """Commit everything as `who` = (name, email) on `date`; return the commit id."""
        body = message + ("\n\n" + "\n".join(trailers) if trailers else "")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", body, date=date, name=who[0], email=who[1])
        return self.git("rev-parse", "HEAD").strip()

    def move(self, old: str, new: str) -> None:
        self.git("mv", f"{self.docs_dir}/{old}", f"{self.docs_dir}/{new}")


def import_commits(root: Path, commits: list[tuple[tuple[str, str], str, dict[str, str]]]) -> None:
    """Write many commits at once with `git fast-import`, then check them out.

    Each commit is ((name, email), "YYYY-MM-DD", {repository path: full text}); far faster
    than one `git commit` each when a test needs hundreds of contributors.
    """
    stream = []
    for number, ((name, email), date, files) in enumerate(commits):
        when = f"{date}T12:00:00+00:00"
        stamp = int(datetime.datetime.fromisoformat(when).timestamp()) + number
        stream.append(f"commit refs/heads/main\nauthor {name} <{email}> {stamp} +0000\n"
                      f"committer {name} <{email}> {stamp} +0000\n")
        stream.append(_data(f"Commit {number}\n"))
        for path, text in files.items():
            stream.append(f'M 100644 inline "{path}"\n' + _data(text))
    env = {**os.environ, **ISOLATED_GIT}
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, env=env, check=True,
                   input="".join(stream).encode("utf-8"))
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, env=env, check=True)


def _data(text: str) -> str:
    return f"data {len(text.encode('utf-8'))}\n{text}\n"
