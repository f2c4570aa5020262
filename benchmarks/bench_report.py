"""Benchmark: `folio report` against the raw reads it cannot avoid, in the same run.

Makes a deterministic repository of 50,000 commits (2,000 pages) with `git fast-import`
(the leaderboard benchmark's generator) and seeds the Stripe stand-in with one month of
10,000 paid checkouts, refunds, disputes and membership invoices (in-process, not timed).
Then measures, best of `--repeat`:

- baseline: raw `git log --numstat` over content/ + listing the month's Checkout Sessions,
  invoices, refunds, disputes and subscriptions with stripe-python (100 a page), nothing else;
- report, cold: the whole report (no leaderboard cache: one full `git log`) with payouts,
  its HTML, JSON and CSV written;
- report, warm: the same with the leaderboard's cache current (git not read again).

Prints a table and writes benchmarks/results/report.json. The ratio is what counts: the report
should cost little more than reading what it must read (target: cold / baseline <= 1.5).

    python benchmarks/bench_report.py                                   # full size
    python benchmarks/bench_report.py --commits 3000 --files 300 --payments 1000   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_leaderboard import ISOLATED_GIT, generate, git_env, raw_git_log  # noqa: E402

from toolkit.leaderboard.settings import load_settings  # noqa: E402
from toolkit.report import Sources, make_report  # noqa: E402
from toolkit.report.output import report_files, write_report  # noqa: E402
from toolkit.report.period import month_period  # noqa: E402
from toolkit.report.strings import report_strings  # noqa: E402
from toolkit.sandbox.stripe import StripeStandIn  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "report.json"
MONTH = "2021-03"  # inside the generated history (it starts 2020-09-13, a commit every ten minutes)
SETTINGS = load_settings({})


def seed(standin: StripeStandIn, payments: int) -> dict:
    """One month of sales in two currencies, straight into the stand-in's ledger (not timed)."""
    ledger = standin.ledger
    start, end = month_period(MONTH).timestamps()
    counts = {"payments": payments, "refunds": 0, "disputes": 0, "members": 0}
    with ledger.lock:
        prices = {}
        for currency, amount in (("usd", 4900), ("eur", 4500)):
            for course in range(20):
                product = ledger.create_product({"name": f"course {course}",
                                                 "metadata": {"folio_product": f"course:course-{course:02d}"}})
                prices[(currency, course)] = ledger.create_price(
                    {"product": product["id"], "currency": currency, "unit_amount": str(amount + course)})
        member = ledger.create_price({"product_data": {"name": "membership"}, "currency": "usd",
                                      "unit_amount": "900", "recurring": {"interval": "month"}})
        step = (end - start - 3600) // max(payments, 1)
        for number in range(payments):
            currency, course = ("usd", "eur")[number % 2], number % 20
            with standin.at(start + number * step):
                session = ledger.create_session({
                    "mode": "payment", "line_items": [{"price": prices[(currency, course)]["id"], "quantity": "1"}],
                    "metadata": {"folio_product": f"course:course-{course:02d}", "folio_plan": "one_time"},
                    "customer_creation": "always", "success_url": "https://gate.example/ok",
                    "cancel_url": "https://site.example/"})
                ledger.complete_session(session["id"], "paid", f"buyer{number}@example.org")
                if number % 20 == 7:
                    ledger.refund(ledger.charge_of(session["id"]), None)
                    counts["refunds"] += 1
                elif number % 100 == 13:
                    ledger.dispute(ledger.charge_of(session["id"]))
                    counts["disputes"] += 1
                if number % 33 == 0:
                    joined = ledger.create_session({
                        "mode": "subscription", "line_items": [{"price": member["id"], "quantity": "1"}],
                        "subscription_data": {"metadata": {"folio_product": "membership", "folio_plan": "monthly"}},
                        "success_url": "https://gate.example/ok", "cancel_url": "https://site.example/"})
                    ledger.complete_session(joined["id"], "paid", f"member{number}@example.org")
                    counts["members"] += 1
            ledger.take_outbox()  # no webhook receiver: drop the queued events
    return counts


def raw_stripe(client) -> int:
    """List what the report lists, with nothing done to it: the Stripe half of the baseline."""
    start, end = month_period(MONTH).timestamps()
    created = {"created": {"gte": start, "lt": end}, "limit": 100}
    v1, seen = client.v1, 0
    for call, params in ((v1.checkout.sessions.list, {**created, "status": "complete"}),
                         (v1.invoices.list, {**created, "status": "paid"}), (v1.refunds.list, created),
                         (v1.disputes.list, created),
                         (v1.subscriptions.list, {"status": "all", "created": {"lt": end}, "limit": 100})):
        for _item in call(params=params).auto_paging_iter():
            seen += 1
    return seen


def report(repo: Path, client, out: Path) -> dict:
    language, strings = report_strings("en")
    sources = Sources(repo, repo / "content", SETTINGS, site_name="Bench", stripe_client=client)
    document = make_report(sources, month_period(MONTH), payouts=True)
    write_report(out, MONTH, report_files(document, strings))
    return document


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(repo: Path, client, out: Path, repeat: int) -> dict:
    raw_git = min(timed(lambda: raw_git_log(repo)) for _ in range(repeat))
    listed = []
    raw_listing = min(timed(lambda: listed.append(raw_stripe(client))) for _ in range(repeat))
    colds, documents = [], []
    for _ in range(repeat):
        shutil.rmtree(repo / ".folio" / "cache", ignore_errors=True)
        colds.append(timed(lambda: documents.append(report(repo, client, out))))
    warm = min(timed(lambda: report(repo, client, out)) for _ in range(repeat))
    baseline = raw_git + raw_listing
    stripe = documents[-1]["revenue"]["stripe"]
    return {"raw_git_log_s": raw_git, "raw_stripe_listing_s": raw_listing, "baseline_s": baseline,
            "stripe_objects_listed": listed[-1], "report_cold_s": min(colds), "report_warm_s": warm,
            "report_stripe_pages": stripe["pages"], "report_stripe_objects": stripe["objects"],
            "ratio_cold_to_baseline": min(colds) / baseline, "ratio_warm_to_baseline": warm / baseline}


def print_table(result: dict) -> None:
    base = result["baseline_s"]
    rows = [("raw git log --numstat", result["raw_git_log_s"]),
            ("raw Stripe listing (5 lists)", result["raw_stripe_listing_s"]),
            ("baseline (the two)", base),
            ("report, cold (no leaderboard cache)", result["report_cold_s"]),
            ("report, warm (cache current)", result["report_warm_s"])]
    print(f"{result['commits']} commits, {result['files']} pages; {result['seeded']['payments']} payments, "
          f"{result['seeded']['refunds']} refunds, {result['seeded']['disputes']} disputes, "
          f"{result['seeded']['members']} members in {MONTH}")
    print(f"{'run':38} {'seconds':>9} {'x baseline':>11}")
    for label, seconds in rows:
        print(f"{label:38} {seconds:9.3f} {seconds / base:11.2f}")
    print(f"Stripe: the report read {result['report_stripe_objects']} objects in {result['report_stripe_pages']} "
          f"pages (the raw listing: {result['stripe_objects_listed']} objects)")
    print(f"cold / baseline = {result['ratio_cold_to_baseline']:.2f} (target <= 1.5)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.update(ISOLATED_GIT)
    workdir = Path(tempfile.mkdtemp(prefix="folio-bench-report-"))
    repo = workdir / "repo"
    try:
        generate_s = time.perf_counter()
        generate(repo, args.commits, args.files)
        generate_s = time.perf_counter() - generate_s
        with StripeStandIn() as standin:
            seed_s = time.perf_counter()
            seeded = seed(standin, args.payments)
            seed_s = time.perf_counter() - seed_s
            client = standin.client()
            result = {"commits": args.commits, "files": args.files, "month": MONTH, "seeded": seeded,
                      "generate_s": generate_s, "seed_s": seed_s,
                      **measure(repo, client, workdir / "reports", args.repeat),
                      "git": subprocess.run(["git", "--version"], capture_output=True, text=True, env=git_env())
                      .stdout.strip(), "python": platform.python_version(), "machine": platform.machine(),
                      "measured": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      "note": "the machine is shared with other work; one sitting"}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0 if result["ratio_cold_to_baseline"] <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
