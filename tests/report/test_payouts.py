"""Contributors' shares: the seeded November's statements, and the split's arithmetic for any input."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.report.seed import month_bounds
from tests.report.test_report_figures import expected_lines
from toolkit.report.payouts import NEVER_MOVES_MONEY, largest_remainder, policy_for


def _net(community, product: str, currency: str) -> int:
    start, end = month_bounds("2026-11")
    return sum(row["net"] for key, row in expected_lines(community.seeded, start, end).items()
               if key[1] == product and key[3] == currency)


def test_each_course_statement_adds_up_to_its_net_revenue(community):
    payouts = community.report("2026-11")["payouts"]
    assert payouts["note"] == NEVER_MOVES_MONEY
    statements = {statement["course"]: statement for statement in payouts["courses"]}
    assert sorted(statements) == ["async-python", "rust-intro"]
    for course, statement in statements.items():
        for currency, figures in statement["currencies"].items():
            assert figures["net"] == _net(community, f"course:{course}", currency)
            assert sum(line["amount"] for line in figures["lines"]) == max(figures["net"], 0)
            assert all(isinstance(line["amount"], int) for line in figures["lines"])


def test_fixed_share_then_the_pool_by_course_points(community):
    usd = {line["name"]: line for line in
           next(s for s in community.report("2026-11")["payouts"]["courses"]
                if s["course"] == "async-python")["currencies"]["usd"]["lines"]}
    net = _net(community, "course:async-python", "usd")
    assert net == 2 * 4900 - 4900 - 1000
    # Ada has a fixed 30% and is left out of the pool; Bo (1.2 points) and Cy (1.2 co-author + 3 review) share 70%.
    assert usd["Ada Lovelace"]["basis"] == "fixed" and usd["Ada Lovelace"]["amount"] == 1170
    assert (usd["Bo Chen"]["points"], usd["Cy Young"]["points"]) == (1.2, 4.2)
    exact_bo = Fraction(net) * Fraction(7, 10) * Fraction(12, 54)
    assert abs(usd["Bo Chen"]["amount"] - exact_bo) < 1
    assert usd["Ada Lovelace"]["amount"] + usd["Bo Chen"]["amount"] + usd["Cy Young"]["amount"] == net


def test_a_course_with_a_negative_net_shares_nothing(community):
    rust = next(s for s in community.report("2026-11")["payouts"]["courses"] if s["course"] == "rust-intro")
    eur = rust["currencies"]["eur"]
    assert eur["net"] == 2900 - 2900  # one sale, its dispute
    assert [line["amount"] for line in eur["lines"]] == [0]
    assert eur["note"]


def test_payouts_csv_and_statement_page(community):
    folder = community.out / "2026-11"
    raw = (folder / "payouts.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("# ")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    usd = [row for row in rows if row["course"] == "async-python" and row["currency"] == "usd"]
    assert sum(int(row["amount"]) for row in usd) == int(usd[0]["net"])
    page = (folder / "payouts.html").read_text(encoding="utf-8")
    assert "Folio never moves money." in page and "Stripe Connect" in page


def test_policy_course_overrides_the_site_wide_one():
    settings = {"fixed": {"A <a@x.org>": 10}, "pool": "contributions",
                "courses": {"one": {"fixed": {"B <b@x.org>": 50}, "pool": None}, "two": {"fixed": None, "pool": "none"}}}
    assert policy_for("one", settings).fixed == {"B <b@x.org>": 50} and policy_for("one", settings).pool == "contributions"
    assert policy_for("two", settings).fixed == {"A <a@x.org>": 10} and policy_for("two", settings).pool == "none"
    assert policy_for("three", None).pool == "contributions"


def test_largest_remainder_gives_the_leftover_units_to_the_largest_fractions():
    thirds = [("a", Fraction(1, 3)), ("b", Fraction(1, 3)), ("c", Fraction(1, 3))]
    assert largest_remainder(100, thirds) == {"a": 34, "b": 33, "c": 33}
    assert largest_remainder(101, [("a", Fraction(1, 2)), ("b", Fraction(1, 2))]) == {"a": 51, "b": 50}
    assert largest_remainder(10, [("x", Fraction(7, 10)), ("y", Fraction(3, 10))]) == {"x": 7, "y": 3}
    with pytest.raises(ValueError):
        largest_remainder(10, [("x", Fraction(1, 2))])


weights = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**12), raw=weights)
def test_shares_always_add_up_exactly_and_stay_within_one_unit(total, raw):
    whole = sum(raw)
    parts = [(f"p{index:02d}", Fraction(value, whole)) for index, value in enumerate(raw)]
    shares = largest_remainder(total, parts)
    assert sum(shares.values()) == total
    for key, weight in parts:
        assert abs(shares[key] - total * weight) < 1
        assert shares[key] >= 0
