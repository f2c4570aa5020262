"""`folio report` as a command: where it writes, what it refuses, and how a failure leaves things."""

from __future__ import annotations

import json

import pytest

from toolkit.report import output


def test_an_out_folder_inside_the_site_or_the_docs_is_refused(community):
    for inside in ("site/ops", "content/private", "site"):
        result = community.run("--month", "2026-11", "--out", str(community.root / inside))
        assert result.exit_code == 1, result.output
        assert "is published; a report is private" in result.output
        assert "Traceback" not in result.output
    assert not (community.root / "site").exists() and not (community.root / "content" / "private").exists()


def test_the_default_folder_is_private_and_git_ignored(community):
    result = community.run("--month", "2026-10", "--no-stripe")
    assert result.exit_code == 0, result.output
    written = community.root / ".folio" / "report" / "2026-10"
    assert (written / "index.html").is_file()
    assert json.loads((written / "report.json").read_text(encoding="utf-8"))["revenue"] == {"skipped": True}
    assert ".folio/report/2026-10/index.html" in result.output


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-13"], "is not a month; write YYYY-MM"),
    (["--month", "2026-11", "--since", "2026-11-01"], "give --month or --since/--until, not both"),
    (["--since", "2026-11-01"], "--since and --until go together"),
    (["--since", "2026-11-05", "--until", "2026-11-01"], "swap them"),
])
def test_bad_periods_are_refused_with_what_to_write(community, args, message):
    result = community.run(*args)
    assert result.exit_code == 2 and message in result.output


def test_without_a_stripe_key_it_says_what_to_set(community):
    result = community.run("--month", "2026-11", "--out", str(community.root.parent / "nokey"), stripe=False)
    assert result.exit_code == 1 and "STRIPE_API_KEY is not set" in result.output


def test_payouts_need_revenue(community):
    result = community.run("--month", "2026-11", "--payouts", "--no-stripe", "--out", str(community.root.parent / "x"))
    assert result.exit_code == 1 and "--payouts needs the period's revenue" in result.output


def test_a_failed_write_keeps_the_good_report(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    output.write_report(out, "2026-11", {"index.html": b"good", "report.json": b"{}"})

    class Broken(dict):
        def items(self):
            yield "index.html", b"half"
            raise OSError("disk full")

    with pytest.raises(OSError):
        output.write_report(out, "2026-11", Broken())
    assert (out / "2026-11" / "index.html").read_bytes() == b"good"
    assert sorted(path.name for path in out.iterdir()) == ["2026-11"]  # no temporary folder left behind
    output.write_report(out, "2026-11", {"index.html": b"new"})
    assert sorted(path.name for path in (out / "2026-11").iterdir()) == ["index.html"]
    assert sorted(path.name for path in out.iterdir()) == ["2026-11"]


def test_payout_settings_are_checked_with_key_and_line(tmp_path):
    from toolkit.config import load_mkdocs_config
    from toolkit.errors import ConfigError

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nplugins:\n  - folio:\n      payouts:\n        pool: everyone\n        fixed:\n"
        "          Ada: 30\n          \"Bo <bo@example.org>\": 80\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_mkdocs_config(tmp_path / "mkdocs.yml")
    text = str(error.value)
    assert "mkdocs.yml:5: plugins.folio.payouts.pool: must be one of contributions, none, got 'everyone'" in text
    assert "mkdocs.yml:7: plugins.folio.payouts.fixed.Ada: must name a person" in text


def test_fixed_shares_may_add_up_to_exactly_one_hundred_percent_but_no_more():
    from mkdocs.config.base import ValidationError

    from toolkit.config import PayoutsConfig, Section

    thirds = {"A <a@x.org>": 33.3, "B <b@x.org>": 33.3, "C <c@x.org>": 33.4}
    assert Section(PayoutsConfig).run_validation({"fixed": thirds})["fixed"] == thirds
    with pytest.raises(ValidationError, match="add up to 100.1%, more than 100%"):
        Section(PayoutsConfig).run_validation({"fixed": {**thirds, "C <c@x.org>": 33.5}})


def test_a_site_outside_git_is_told_where_the_content_comes_from(tmp_path):
    from click.testing import CliRunner

    from toolkit.cli import main

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: X\nplugins:\n  - folio\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "-f", str(tmp_path / "mkdocs.yml"), "--month", "2026-11",
                                       "--no-stripe"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not a git repository: the report counts content from the git history" in result.output
    assert not (tmp_path / ".folio" / "report" / "2026-11").exists()


def test_a_missing_events_file_is_named(community):
    result = community.run("--month", "2026-11", "--no-stripe", "--events", str(community.root / "nope.jsonl"),
                           "--out", str(community.root.parent / "missing-events"))
    assert result.exit_code == 1 and "nope.jsonl: cannot read it (No such file or directory)" in result.output
    assert not (community.root.parent / "missing-events" / "2026-11").exists()
