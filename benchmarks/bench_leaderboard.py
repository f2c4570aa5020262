"""Benchmark: the leaderboard against a raw `git log --numstat` over the same paths.

Generates a deterministic repository (by default 50,000 commits touching 2,000
Markdown files under content/) with `git fast-import`, then measures in the
same run:

- raw:    `git log --numstat` over the paths the leaderboard reads (content/, by default)
- cold:   the leaderboard with no cache (one streaming `git log --raw --numstat`, parse, score)
- cached: the leaderboard after one new commit (reads `git log OLD..HEAD` only)
- git-fame on the same repository, when `git-fame` is installed

Targets: cold / raw <= 1.5 and cached / cold < 5%. The leaderboard runs
in-process (as inside `mkdocs build`), so Python's start-up is not counted.

    python benchmarks/bench_leaderboard.py                 # full size
    python benchmarks/bench_leaderboard.py --commits 2000 --files 200   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from toolkit.leaderboard.collect import content_pathspecs
from toolkit.leaderboard.report import build_report
from toolkit.leaderboard.settings import load_settings
from toolkit.leaderboard.windows import ALL_TIME

SETTINGS = load_settings({})

RESULTS = Path(__file__).parent / "results" / "leaderboard.json"
ISOLATED_GIT = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
START = 1_600_000_000  # first commit's time; commits are ten minutes apart
PEOPLE = [(f"Writer {n}", f"writer{n}@example.org") for n in range(150)] + [
    ("陈晓", "chen@example.cn"), ("Zoë Ångström", "zoe@example.se"),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")]


def content_paths(files: int) -> list[str]:
    """Return `files` page paths spread over courses (half), articles and salons."""
    paths = []
    for n in range(files):
        if n % 2 == 0:
            paths.append(f"content/courses/course-{n % 40:02d}/chapter {n:04d}.md")
        elif n % 4 == 1:
            paths.append(f"content/articles/article-{n:04d}.md")
        else:
            paths.append(f"content/salons/salon-{n:04d}.md")
    return paths


class HistoryWriter:
    """Writes a fast-import stream: first commits create the pages, the rest edit them."""

    def __init__(self, stream, seed: int = 5):
        self.stream = stream
        self.random = random.Random(seed)
        self.pages: dict[str, list[str]] = {}
        self.commit_count = 0

    def data(self, text: str) -> None:
        raw = text.encode()
        self.stream.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(self, changes: list[str], message: str) -> None:
        name, email = self.random.choice(PEOPLE)
        when = START + self.commit_count * 600
        self.commit_count += 1
        self.stream.write(f"commit refs/heads/main\nauthor {name} <{email}> {when} +0000\n"
                          f"committer {name} <{email}> {when} +0000\n".encode())
        self.data(message + self.trailers())
        for line in changes:
            self.stream.write(line.encode())

    def trailers(self) -> str:
        roll = self.random.random()
        if roll < 0.1:
            return "\n\nCo-authored-by: {} <{}>\n".format(*self.random.choice(PEOPLE))
        if roll < 0.25:
            return "\n\nReviewed-by: {} <{}>\n".format(*self.random.choice(PEOPLE))
        return "\n"

    def page_change(self, path: str) -> str:
        """Return a fast-import `M` command that writes the page's next version."""
        lines = self.pages.setdefault(path, [f"---\ntitle: {Path(path).stem}\n---\n"])
        lines.extend(f"Line {self.random.randrange(10**6)} of {path}.\n" for _ in range(self.random.randint(1, 12)))
        if len(lines) > 60:  # keep pages small so the benchmark measures history, not blob size
            del lines[1:20]
        text = "".join(lines).encode()
        return f'M 100644 inline "{path}"\n' + f"data {len(text)}\n" + text.decode() + "\n"

    def rename(self, path: str, new_path: str) -> str:
        self.pages[new_path] = self.pages.pop(path)
        return f'R "{path}" "{new_path}"\n'


def generate(repo: Path, commits: int, files: int) -> None:
    """Create the benchmark repository with `commits` commits and check it out."""
    run(["git", "init", "-q", "-b", "main", str(repo)], Path.cwd())
    paths = content_paths(files)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE, env=git_env())
    writer = HistoryWriter(importer.stdin)
    for number in range(commits):
        if number < files:
            writer.commit([writer.page_change(paths[number])], f"Add page {number}")
        elif number % 997 == 0:  # an occasional move: not a new page
            old = writer.random.choice(sorted(writer.pages))
            writer.commit([writer.rename(old, old.replace(".md", f"-moved{number}.md"))], "Move a page")
        else:
            touched = writer.random.sample(sorted(writer.pages), writer.random.choice([1, 1, 1, 2, 3]))
            writer.commit([writer.page_change(path) for path in touched], f"Edit {number}")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    run(["git", "reset", "-q", "--hard", "main"], repo)


def git_env() -> dict[str, str]:
    return {**os.environ, **ISOLATED_GIT}


def run(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, env=git_env(), check=True, capture_output=True)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def raw_git_log(repo: Path) -> None:
    _prefix, pathspecs = content_pathspecs(repo, repo / "content", SETTINGS)
    subprocess.run(["git", "log", "--numstat", "--", *pathspecs], cwd=repo, env=git_env(),
                   stdout=subprocess.PIPE, check=True)


def leaderboard(repo: Path) -> int:
    report = build_report(repo, repo / "content", SETTINGS, ALL_TIME)
    return report.parsed


def drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".folio" / "cache", ignore_errors=True)


def add_one_commit(repo: Path) -> None:
    page = repo / "content" / "articles" / "one-more.md"
    page.write_text("---\ntitle: One more\n---\nA new page.\n", encoding="utf-8")
    run(["git", "add", "-A"], repo)
    run(["git", "-c", "user.name=Late Writer", "-c", "user.email=late@example.org",
         "commit", "-q", "-m", "One more"], repo)


def git_fame_seconds(repo: Path) -> float | None:
    executable = shutil.which("git-fame")
    if not executable:
        return None
    return timed(lambda: subprocess.run([executable, "--silent-progress", "."], cwd=repo, env=git_env(),
                                        capture_output=True, check=False))


def measure(repo: Path, repeat: int) -> dict:
    os.environ.update(ISOLATED_GIT)
    raw = min(timed(lambda: raw_git_log(repo)) for _ in range(repeat))
    colds = []
    for _ in range(repeat):
        drop_cache(repo)
        colds.append(timed(lambda: leaderboard(repo)))
    cold = min(colds)
    add_one_commit(repo)
    parsed = []
    cached = timed(lambda: parsed.append(leaderboard(repo)))
    unchanged = timed(lambda: leaderboard(repo))
    return {"raw_git_log_s": raw, "cold_s": cold, "cached_one_new_commit_s": cached,
            "cached_no_new_commit_s": unchanged, "commits_parsed_after_one_new_commit": parsed[0],
            "ratio_cold_to_raw": cold / raw, "cached_fraction_of_cold": cached / cold,
            "git_fame_s": git_fame_seconds(repo)}


def print_table(result: dict) -> None:
    rows = [("raw git log --numstat", result["raw_git_log_s"], 1.0),
            ("leaderboard, cold (no cache)", result["cold_s"], result["ratio_cold_to_raw"]),
            ("leaderboard, after one new commit", result["cached_one_new_commit_s"],
             result["cached_one_new_commit_s"] / result["raw_git_log_s"]),
            ("leaderboard, no new commit", result["cached_no_new_commit_s"],
             result["cached_no_new_commit_s"] / result["raw_git_log_s"])]
    if result["git_fame_s"] is not None:
        rows.append(("git-fame", result["git_fame_s"], result["git_fame_s"] / result["raw_git_log_s"]))
    print(f"{result['commits']} commits, {result['files']} files")
    print(f"{'run':36} {'seconds':>9} {'x raw':>7}")
    for label, seconds, ratio in rows:
        print(f"{label:36} {seconds:9.3f} {ratio:7.2f}")
    print(f"cold / raw = {result['ratio_cold_to_raw']:.2f} (target <= 1.5); "
          f"cached / cold = {result['cached_fraction_of_cold']:.1%} (target < 5%)")
    if result["git_fame_s"] is None:
        print("git-fame: not installed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="take the best of this many raw and cold runs")
    parser.add_argument("--keep", type=Path, help="generate the repository here and keep it")
    args = parser.parse_args(argv)
    if args.files > args.commits:
        parser.error("--files must not exceed --commits (each file is created by its own commit)")
    workdir = Path(tempfile.mkdtemp(prefix="folio-bench-"))
    repo = args.keep or workdir / "repo"
    try:
        generate_seconds = timed(lambda: generate(repo, args.commits, args.files))
        result = {"commits": args.commits, "files": args.files, "generate_s": generate_seconds,
                  **measure(repo, args.repeat), "git": subprocess.run(["git", "--version"], capture_output=True,
                  text=True).stdout.strip(), "python": platform.python_version(), "machine": platform.machine()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    ok = result["ratio_cold_to_raw"] <= 1.5 and result["cached_fraction_of_cold"] < 0.05
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
