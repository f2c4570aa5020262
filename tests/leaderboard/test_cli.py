"""`folio leaderboard` options: --top, the commits column, relative windows, --course, date errors, CSV."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ContentRepo
from toolkit.commands.leaderboard import command

TODAY = datetime.date.today()
ANN = ("Ann", "ann@x.org")
ZOE = ("Zoë Ångström", "zoe@example.se")
LEI = ("李雷", "lei@example.cn")


def days_ago(count: int) -> str:
    return (TODAY - datetime.timedelta(days=count)).isoformat()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> ContentRepo:
    """Ann wrote a course long ago; Zoë and 李雷 wrote articles recently."""
    repo = ContentRepo(tmp_path_factory.mktemp("cli"))
    repo.write_lines("courses/rust/index.md", 5, "title: Rust\n")
    repo.write_lines("courses/rust/01-intro.md", 5)
    repo.commit(ANN, days_ago(400))
    repo.write_lines("courses/go/index.md", 5)
    repo.commit(ANN, days_ago(300))
    repo.write_lines("articles/a.md", 10)
    repo.commit(ZOE, days_ago(60))
    repo.append_lines("articles/a.md", 10)
    repo.commit(ZOE, days_ago(50))
    repo.write_lines("articles/b.md", 10)
    repo.commit(LEI, days_ago(5))
    return repo


def run(repo: ContentRepo, *args: str):
    return CliRunner().invoke(command, ["-f", str(repo.config_file), *args])


def names(repo: ContentRepo, *args: str) -> list[str]:
    result = run(repo, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [row["name"] for row in json.loads(result.stdout)["contributors"]]


def test_top_limits_the_rows(repo):
    assert names(repo, "--top", "2") == ["Ann", "Zoë Ångström"]
    assert len(run(repo, "--top", "1").stdout.splitlines()) == 3  # header, rule, one row
    result = run(repo, "--top", "0")
    assert result.exit_code == 2 and "--top" in result.output


def test_the_table_has_a_commits_column(repo):
    lines = run(repo).stdout.splitlines()
    header = lines[0].split()
    assert header[:5] == ["rank", "name", "points", "commits", "pages"]
    rows = {line.split()[1]: line.split() for line in lines[2:]}
    assert (rows["Ann"][3], rows["Zoë"][4], rows["李雷"][3]) == ("2", "2", "1")


def test_since_accepts_days_or_weeks_back_from_today(repo):
    result = run(repo, "--format", "json", "--since", "90d")
    window = json.loads(result.stdout)["window"]
    assert window == {"name": "custom", "since": days_ago(89), "until": None}
    assert names(repo, "--since", "90d") == ["Zoë Ångström", "李雷"]
    assert names(repo, "--since", "1w") == ["李雷"]
    assert names(repo, "--since", "90d", "--until", "30d") == ["Zoë Ångström"]


def test_course_ranks_one_course(repo):
    assert names(repo, "--course", "go") == ["Ann"]
    document = json.loads(run(repo, "--format", "json", "--course", "rust").stdout)
    assert (document["section"], document["course"], document["contributors"][0]["points"]) == ("courses", "rust",
                                                                                                 21.0)


def test_an_unknown_course_lists_the_known_ones(repo):
    result = run(repo, "--course", "python")
    assert result.exit_code == 1
    assert result.output == "Error: --course python: no course of that name in the history; courses: go, rust\n"


def test_an_impossible_date_is_a_clear_error(repo):
    result = run(repo, "--since", "2024-02-30")
    assert result.exit_code == 2
    assert "Invalid value for '--since': '2024-02-30' is not a real date (day is out of range for month); " \
           "write YYYY-MM-DD" in result.output
    result = run(repo, "--until", "last tuesday")
    assert result.exit_code == 2
    assert "'last tuesday' is not a date; write YYYY-MM-DD (e.g. 2024-06-30), a number of days or weeks back " \
           "(90d, 12w), or today" in result.output


def test_an_inverted_range_is_a_clear_error(repo):
    result = run(repo, "--since", "2024-06-01", "--until", "2024-05-01")
    assert result.exit_code == 2
    assert "--since 2024-06-01 is after --until 2024-05-01, so no day is counted; swap them" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_section_lists_the_sections(repo):
    result = run(repo, "--section", "blog")
    assert result.exit_code == 2
    assert "'blog' is not a section of this site; choose from all, courses, articles, salons, general" in result.output


def test_csv_opens_in_spreadsheets_with_non_ascii_names(repo):
    result = run(repo, "--format", "csv")
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel needs
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert "Zoë Ångström".encode("utf-8") in data and "李雷".encode("utf-8") in data
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row["name"] for row in table] == ["Ann", "Zoë Ångström", "李雷"]
    assert table[1]["slug"] == "zoë-ångström"
