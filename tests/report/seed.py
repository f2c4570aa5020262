"""A year of a small community, seeded for real: a git history with several contributors (real
commits in a temp folder), a year of Stripe purchases, refunds, disputes and membership changes in
two currencies (the stand-in, its clock pinned to each moment), and the gate's events.

Every money movement is also written down here (`Seeded.money`, `Seeded.members`), so the tests
compute what each figure of report.json must be from the seed, not from the code under test.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.leaderboard_repo import ContentRepo

ADA = ("Ada Lovelace", "ada@example.org")
BO_OLD = ("Bo Chen", "bo.chen@old.example")  # .mailmap makes this bo@example.org
BO = ("Bo Chen", "bo@example.org")
CY = ("Cy Young", "cy@example.org")
DEE = ("Dee Park", "dee@example.org")
EVE = ("Eve Wu", "eve@example.org")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")

MKDOCS_YML = """\
site_name: Seeded community
docs_dir: content
theme:
  name: material
  language: {language}
plugins:
  - folio:
      payouts:
        pool: contributions
        courses:
          async-python:
            fixed:
              "Ada Lovelace <ada@example.org>": 30
"""


def stamp(day: str, time: str = "12:00:00") -> int:
    return int(dt.datetime.fromisoformat(f"{day}T{time}+00:00").timestamp())


def seed_git(root: Path, language: str = "en") -> ContentRepo:
    repo = ContentRepo(root)
    repo.config_file.write_text(MKDOCS_YML.format(language=language), encoding="utf-8")
    (root / ".mailmap").write_text("Bo Chen <bo@example.org> <bo.chen@old.example>\n", encoding="utf-8")
    repo.write_lines("courses/async-python/index.md", 5, "title: Async Python\nprice: 49 USD\n")
    repo.write_lines("courses/async-python/01-intro.md", 20, "title: Intro\n")
    repo.commit(ADA, "2026-01-10", "Start the course")
    repo.write_lines("articles/tips.md", 10)
    repo.commit(DEE, "2026-10-05")
    repo.write_lines("courses/async-python/02-tasks.md", 30)
    repo.commit(BO_OLD, "2026-10-20")
    # November 2026, the month the tests report on
    repo.write_lines("courses/async-python/03-gather.md", 40, "title: Gather\n")
    repo.commit(ADA, "2026-11-03", trailers=[f"Reviewed-by: {CY[0]} <{CY[1]}>"])
    repo.append_lines("courses/async-python/02-tasks.md", 12)
    repo.commit(BO_OLD, "2026-11-10", trailers=[f"Co-authored-by: {CY[0]} <{CY[1]}>"])
    repo.write_lines("courses/rust-intro/index.md", 5, "title: Rust intro\n")
    repo.write("courses/rust-intro/01-start.md", "# Start\n\n" + "word " * 120 + "\n" * 23)
    repo.commit(CY, "2026-11-15")
    repo.append_lines("courses/async-python/01-intro.md", 3)
    repo.commit(BOT, "2026-11-20")
    repo.write("salons/2026-11-28-meetup.md", "---\ntitle: November meetup\ndate: 2026-11-28\n"
               "location: Online\nspeakers: [Ada Lovelace, Eve Wu]\n---\n\nNotes.\n")
    repo.commit(EVE, "2026-11-25")
    repo.append_lines("courses/async-python/03-gather.md", 4)
    repo.commit(ADA, "2026-12-02")
    return repo


@dataclass
class Seeded:
    # (timestamp, kind, product, plan, currency, field, amount): field is gross | refunds | disputes
    money: list[tuple] = field(default_factory=list)
    # (currency, started, ended or None, monthly amount)
    members: list[tuple] = field(default_factory=list)


def _months(first: str, count: int) -> list[str]:
    year, month = map(int, first.split("-"))
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def seed_stripe(standin) -> Seeded:
    client = standin.client()
    seeded = Seeded()

    def price(amount, currency, product_id, recurring=None):
        product = client.v1.products.create(params={"name": product_id, "metadata": {"folio_product": product_id}})
        params = {"product": product.id, "unit_amount": amount, "currency": currency}
        if recurring:
            params["recurring"] = {"interval": recurring}
        return client.v1.prices.create(params=params)

    course_usd = price(4900, "usd", "course:async-python")
    course_eur = price(4500, "eur", "course:async-python")
    rust_eur = price(2900, "eur", "course:rust-intro")
    member_usd = price(900, "usd", "membership", "month")
    member_eur = price(800, "eur", "membership", "month")

    def buy(the_price, product, when):
        with standin.at(when):
            session = client.v1.checkout.sessions.create(params={
                "mode": "payment", "line_items": [{"price": the_price.id, "quantity": 1}],
                "metadata": {"folio_product": product, "folio_plan": "one_time"}, "customer_creation": "always",
                "success_url": "https://gate.example/ok", "cancel_url": "https://site.example/"})
            standin.complete_checkout(session.id, email="buyer@example.org")
        seeded.money.append((when, "one_time", product, "one_time", the_price.currency, "gross", the_price.unit_amount))
        return session.id, the_price.currency, product

    def refund(sale, when, amount):
        with standin.at(when):
            standin.refund(sale[0], amount)
        seeded.money.append((when, "one_time", sale[2], "one_time", sale[1], "refunds", amount))

    def dispute(sale, when, amount):
        with standin.at(when):
            standin.dispute(sale[0])
        seeded.money.append((when, "one_time", sale[2], "one_time", sale[1], "disputes", amount))

    sales = {}
    for month in _months("2025-12", 12):
        sales[month] = [buy(course_usd, "course:async-python", stamp(f"{month}-03")),
                        buy(course_usd, "course:async-python", stamp(f"{month}-17")),
                        buy(rust_eur, "course:rust-intro", stamp(f"{month}-09")),
                        buy(course_eur, "course:async-python", stamp(f"{month}-21"))]
    refund(sales["2026-03"][0], stamp("2026-03-05"), 4900)
    dispute(sales["2026-08"][2], stamp("2026-08-20"), 2900)
    refund(sales["2026-10"][1], stamp("2026-11-02"), 4900)  # an October sale refunded in November
    refund(sales["2026-11"][0], stamp("2026-11-04"), 1000)  # part of a November sale
    dispute(sales["2026-11"][2], stamp("2026-11-12"), 2900)
    refund(sales["2026-11"][3], stamp("2026-11-30", "23:59:59"), 500)  # the last second of November
    refund(sales["2026-11"][1], stamp("2026-12-01", "00:00:00"), 4900)  # the first second of December

    def join(the_price, when):
        with standin.at(when):
            session = client.v1.checkout.sessions.create(params={
                "mode": "subscription", "line_items": [{"price": the_price.id, "quantity": 1}],
                "metadata": {"folio_product": "membership", "folio_plan": "monthly"},
                "subscription_data": {"metadata": {"folio_product": "membership", "folio_plan": "monthly"}},
                "success_url": "https://gate.example/ok", "cancel_url": "https://site.example/"})
            standin.complete_checkout(session.id, email="member@example.org")
        seeded.money.append((when, "membership", "membership", "monthly", the_price.currency, "gross",
                             the_price.unit_amount))
        return client.v1.checkout.sessions.retrieve(session.id).subscription

    def renew(subscription, the_price, when):
        with standin.at(when):
            standin.renew(subscription)
        seeded.money.append((when, "membership", "membership", "monthly", the_price.currency, "gross",
                             the_price.unit_amount))

    def cancel(subscription, when):
        with standin.at(when):
            standin.set_subscription_status(subscription, "canceled")

    # A: USD, June to its cancellation on 15 November; C: USD, February onwards; B: EUR, joins in November.
    a = join(member_usd, stamp("2026-06-01"))
    c = join(member_usd, stamp("2026-02-01"))
    for month in _months("2026-03", 9):
        renew(c, member_usd, stamp(f"{month}-01", "08:00:00"))
    for month in _months("2026-07", 5):
        renew(a, member_usd, stamp(f"{month}-01", "09:00:00"))
    cancel(a, stamp("2026-11-15"))
    b = join(member_eur, stamp("2026-11-05"))
    seeded.members += [("usd", stamp("2026-06-01"), stamp("2026-11-15"), 900),
                       ("usd", stamp("2026-02-01"), None, 900),
                       ("eur", stamp("2026-11-05"), None, 800)]
    assert a and b and c
    return seeded


def month_bounds(month: str) -> tuple[int, int]:
    year, number = map(int, month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return stamp(f"{month}-01", "00:00:00"), stamp(f"{month}-{last:02d}", "23:59:59") + 1


READER = {name: f"{index:016x}" for index, name in enumerate(["r1", "r2", "r3", "r4", "r5"], start=1)}


def events_file(path: Path) -> Path:
    """The gate's events for the tests: November reads and downloads, plus lines to skip."""
    def event(ts, kind, reader, product, **extra):
        return json.dumps({"v": 1, "ts": ts, "event": kind, "reader": READER[reader], "product": product, **extra})

    chapter = "courses/async-python/{}.md".format
    lines = [
        event("2026-11-02T10:00:00Z", "grant", "r1", "course:async-python", session="cs_test_1"),
        event("2026-11-02T10:05:00Z", "read", "r1", "course:async-python", page=chapter("01-intro")),
        event("2026-11-03T10:05:00Z", "read", "r1", "course:async-python", page=chapter("02-tasks")),
        event("2026-11-04T10:05:00Z", "read", "r1", "course:async-python", page=chapter("03-gather")),
        event("2026-11-04T11:05:00Z", "read", "r1", "course:async-python", page=chapter("03-gather")),
        event("2026-11-05T10:05:00Z", "read", "r2", "course:async-python", page=chapter("01-intro")),
        event("2026-11-06T10:05:00Z", "read", "r2", "course:async-python", page=chapter("02-tasks")),
        event("2026-11-07T10:05:00Z", "read", "r3", "course:async-python", page=chapter("01-intro")),
        event("2026-11-08T10:05:00Z", "read", "r4", "course:rust-intro", page="courses/rust-intro/01-start.md"),
        event("2026-11-09T10:05:00Z", "download", "r1", "course:async-python", object="bundles/async-python.epub"),
        event("2026-11-10T10:05:00Z", "download", "r1", "course:async-python", object="bundles/async-python.pdf"),
        event("2026-11-10T10:06:00Z", "download", "r2", "course:async-python", object="bundles/async-python.epub"),
        event("2026-11-11T10:06:00Z", "signin", "r5", "membership"),
        event("2026-11-12T10:06:00Z", "revoke", "r3", "course:async-python", reason="refund"),
        event("2026-10-31T23:59:59Z", "read", "r5", "course:async-python", page=chapter("01-intro")),  # October
        event("2026-12-01T00:00:00Z", "read", "r5", "course:async-python", page=chapter("01-intro")),  # December
        "INFO gate started on 127.0.0.1:8080",  # a log line, not an event
        json.dumps({"v": 2, "ts": "2026-11-05T00:00:00Z", "event": "read", "reader": "x", "product": "p"}),
        json.dumps({"v": 1, "ts": "yesterday", "event": "read", "reader": "x", "product": "p"}),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
