"""Every figure of report.json, checked against the seeded year (tests/report/seed.py).

The seed writes down each money movement and membership as it makes it, so what the report
must say is computed here from the seed, never from the code under test.
"""

from __future__ import annotations

from collections import defaultdict

from tests.report.seed import month_bounds, stamp
from toolkit.leaderboard.report import build_report
from toolkit.leaderboard.settings import load_settings
from toolkit.leaderboard.windows import Window

COUNTER = {"gross": "sales", "refunds": "refund_count", "disputes": "dispute_count"}


def expected_lines(seeded, start: int, end: int) -> dict:
    lines = defaultdict(lambda: dict.fromkeys(("gross", "refunds", "disputes", "sales", "refund_count",
                                               "dispute_count"), 0))
    for when, kind, product, plan, currency, field, amount in seeded.money:
        if start <= when < end:
            row = lines[(kind, product, plan, currency)]
            row[field] += amount
            row[COUNTER[field]] += 1
    for row in lines.values():
        row["net"] = row["gross"] - row["refunds"] - row["disputes"]
    return dict(lines)


def expected_members(seeded, start: int, end: int) -> dict:
    found = {}
    for currency, started, ended, monthly in seeded.members:
        row = found.setdefault(currency, {"new": 0, "active": 0, "ended": 0, "mrr": 0})
        row["new"] += start <= started < end
        row["ended"] += ended is not None and start <= ended < end
        if started < end and (ended is None or ended >= end):
            row["active"] += 1
            row["mrr"] += monthly
    return found


def test_the_report_is_written_with_its_files(community):
    folder = community.out / "2026-11"
    assert sorted(path.name for path in folder.iterdir()) == [
        "contributors.csv", "index.html", "payouts.csv", "payouts.html", "report.json", "revenue.csv"]
    report = community.report("2026-11")
    assert report["period"]["since"] == "2026-11-01" and report["period"]["until"] == "2026-11-30"
    assert report["period"]["stripe_created"] == {"gte": stamp("2026-11-01", "00:00:00"),
                                                  "lt": stamp("2026-12-01", "00:00:00")}


def test_revenue_by_product_plan_and_currency(community):
    start, end = month_bounds("2026-11")
    expected = expected_lines(community.seeded, start, end)
    products = community.report("2026-11")["revenue"]["products"]
    found = {(p["kind"], p["product"], p["plan"], p["currency"]): {k: v for k, v in p.items()
                                                                   if k not in ("kind", "product", "plan", "currency")}
             for p in products}
    assert found == expected
    # The seed's edge cases: an October sale refunded in November counts in November; the refund at
    # 23:59:59 on 30 November counts, the one at 00:00:00 on 1 December does not.
    usd = found[("one_time", "course:async-python", "one_time", "usd")]
    assert usd["refunds"] == 4900 + 1000 and usd["refund_count"] == 2
    assert found[("one_time", "course:async-python", "one_time", "eur")]["refunds"] == 500


def test_totals_one_time_and_membership_never_mix_currencies(community):
    start, end = month_bounds("2026-11")
    expected = expected_lines(community.seeded, start, end)
    currencies = community.report("2026-11")["revenue"]["currencies"]
    assert sorted(currencies) == ["eur", "usd"]
    for currency, figures in currencies.items():
        for part, kinds in (("total", ("one_time", "membership")), ("one_time", ("one_time",)),
                            ("membership", ("membership",))):
            rows = [row for (kind, _p, _plan, cur), row in expected.items() if cur == currency and kind in kinds]
            for name in ("gross", "refunds", "disputes", "net", "sales"):
                assert figures[part][name] == sum(row[name] for row in rows), (currency, part, name)
    assert currencies["usd"]["total"]["gross"] == 2 * 4900 + 2 * 900  # two sales, two renewals (A and C)
    assert currencies["eur"]["membership"]["gross"] == 800


def test_members_and_monthly_recurring_revenue(community):
    start, end = month_bounds("2026-11")
    currencies = community.report("2026-11")["revenue"]["currencies"]
    expected = expected_members(community.seeded, start, end)
    assert {currency: figures["members"] for currency, figures in currencies.items()} == expected
    assert expected == {"usd": {"new": 0, "active": 1, "ended": 1, "mrr": 900},
                        "eur": {"new": 1, "active": 1, "ended": 0, "mrr": 800}}


def test_net_revenue_month_by_month_over_the_year(community):
    report = community.report("2025-12-01_2026-11-30")
    assert list(report["revenue"]["months"]) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    for month, values in report["revenue"]["months"].items():
        start, end = month_bounds(month)
        expected = expected_lines(community.seeded, start, end)
        for currency in ("usd", "eur"):
            rows = [row for key, row in expected.items() if key[3] == currency]
            assert values.get(currency, {}).get("net", 0) == sum(row["net"] for row in rows), (month, currency)
    year_start, year_end = month_bounds("2025-12")[0], month_bounds("2026-11")[1]
    expected = expected_lines(community.seeded, year_start, year_end)
    assert report["revenue"]["currencies"]["usd"]["total"]["net"] == sum(
        row["net"] for key, row in expected.items() if key[3] == "usd")
    # One pass: every object read once, 100 to a page (plus one lookup per refund of an older sale).
    assert report["revenue"]["stripe"]["pages"] <= 12


def test_content_per_person_course_and_month(community):
    content = community.report("2026-11")["content"]
    assert content["totals"] == {"commits": 4, "pages_added": 4, "pages_updated": 1, "lines_added": 40 + 12 + 30 + 8,
                                 "reviews": 1}
    people = {p["name"]: p for p in content["people"]}
    assert sorted(people) == ["Ada Lovelace", "Bo Chen", "Cy Young", "Eve Wu"]  # no bot, Bo once (.mailmap)
    assert people["Bo Chen"]["email"] == "bo@example.org"
    row = lambda p: {k: people[p][k] for k in ("commits", "pages_added", "pages_updated", "lines_added", "reviews")}  # noqa: E731
    assert row("Ada Lovelace") == {"commits": 1, "pages_added": 1, "pages_updated": 0, "lines_added": 40, "reviews": 0}
    assert row("Bo Chen") == {"commits": 1, "pages_added": 0, "pages_updated": 1, "lines_added": 12, "reviews": 0}
    assert row("Cy Young") == {"commits": 2, "pages_added": 2, "pages_updated": 1, "lines_added": 42, "reviews": 1}
    # Points: a new page 10, a line 0.1, a new paid chapter 15, a review 3 (the leaderboard's defaults).
    assert people["Ada Lovelace"]["points"] == 10 + 4.0 + 15
    assert people["Cy Young"]["points"] == round(1.2 + 20 + 3.0 + 3, 2)
    assert people["Cy Young"]["words_in_added_pages"] == 121 + 4  # "Start" + 120 words; the index: "line 0 line 1"
    courses = content["courses"]
    assert courses["async-python"]["pages_added"] == 1 and courses["async-python"]["pages_updated"] == 1
    assert courses["async-python"]["lines_added"] == 52
    assert courses["async-python"]["contributors"] == ["Ada Lovelace", "Bo Chen", "Cy Young"]
    assert courses["rust-intro"]["pages_added"] == 2
    assert courses["async-python"]["months"] == {"2026-11": {"commits": 2, "pages_added": 1, "pages_updated": 1,
                                                             "lines_added": 52, "reviews": 1}}
    assert content["months"] == {"2026-11": content["totals"]}


def test_content_month_by_month_over_the_year(community):
    content = community.report("2025-12-01_2026-11-30")["content"]
    months = content["months"]
    assert months["2026-01"]["pages_added"] == 2 and months["2026-10"]["pages_added"] == 2  # Ada's start; Dee, Bo
    assert months["2026-11"]["commits"] == 4 and months["2026-09"]["commits"] == 0
    assert content["courses"]["async-python"]["months"]["2026-01"]["pages_added"] == 2
    assert content["courses"]["async-python"]["months"]["2026-10"] == {
        "commits": 1, "pages_added": 1, "pages_updated": 0, "lines_added": 30, "reviews": 0}


def test_points_are_the_leaderboards_own(community):
    """The report's points for the period are what `folio leaderboard --since --until` gives."""
    settings = load_settings({})
    import datetime as dt

    window = Window("custom", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    board = build_report(community.root, community.root / "content", settings, window)
    people = {p["name"]: p["points"] for p in community.report("2026-11")["content"]["people"]}
    assert {row.person.name: row.points for row in board.standings} == people


def test_reading_from_the_gates_events(community):
    reading = community.report("2026-11")["reading"]
    assert reading["skipped_lines"] == 3 and reading["outside_period"] == 2
    assert reading["readers"] == 5
    assert reading["events"]["read"] == 8 and reading["events"]["download"] == 3
    course = reading["courses"]["async-python"]
    assert course["readers"] == 3 and course["reads"] == 7
    assert [(c["page"].rsplit("/", 1)[1], c["readers"], c["reads"], c["reached"]) for c in course["chapters"]] == [
        ("01-intro.md", 3, 3, 3), ("02-tasks.md", 2, 2, 2), ("03-gather.md", 1, 2, 1)]
    assert reading["courses"]["rust-intro"]["readers"] == 1
    assert reading["downloads"] == {"course:async-python": {"downloads": 3, "readers": 2}}
    assert reading["revokes"] == {"refund": 1}


def test_no_reader_hash_or_email_reaches_the_report(community):
    from tests.report.seed import READER

    text = (community.out / "2026-11" / "report.json").read_text(encoding="utf-8")
    html = (community.out / "2026-11" / "index.html").read_text(encoding="utf-8")
    for reader in READER.values():
        assert reader not in text and reader not in html
    assert "buyer@example.org" not in text and "member@example.org" not in text


def test_incentives(community):
    incentives = community.report("2026-11")["incentives"]
    assert incentives["contributors"] == 4
    assert incentives["new"] == ["Cy Young", "Eve Wu"]
    assert incentives["returning"] == ["Ada Lovelace", "Bo Chen"]
    assert incentives["lapsed"] == ["Dee Park"]
    assert [row["name"] for row in incentives["top_by_month"]["2026-11"]] == ["Ada Lovelace", "Cy Young", "Eve Wu"]
    assert incentives["salons"] == [{"date": "2026-11-28", "title": "November meetup",
                                     "page": "salons/2026-11-28-meetup.md", "speakers": ["Ada Lovelace", "Eve Wu"]}]
