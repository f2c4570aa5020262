"""The report's tables as CSV: UTF-8 with a byte-order mark (spreadsheets then read CJK names right),
amounts as integers in minor units beside the amount as people read it. The first line marks
the file private (a comment line), so the leak guard knows it if it is ever copied into a site."""

from __future__ import annotations

import csv
import io

from toolkit.content.prices import format_minor
from toolkit.leakguard.private import PRIVATE_MARKER

ENCODING = "utf-8-sig"


def _csv(header: list[str], rows: list[list]) -> bytes:
    stream = io.StringIO()
    stream.write(f"# {PRIVATE_MARKER}: private, never publish\n")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode(ENCODING)


def contributors_csv(document: dict) -> bytes:
    people = document.get("content", {}).get("people", [])
    return _csv(["name", "email", "points", "commits", "pages_added", "pages_updated", "lines_added",
                 "words_in_added_pages", "reviews"],
                [[p["name"], p["email"], p["points"], p["commits"], p["pages_added"], p["pages_updated"],
                  p["lines_added"], p.get("words_in_added_pages", 0), p["reviews"]] for p in people])


def revenue_csv(document: dict) -> bytes:
    products = document.get("revenue", {}).get("products", [])
    return _csv(["kind", "product", "plan", "currency", "sales", "gross", "refunds", "disputes", "net", "net_display"],
                [[p["kind"], p["product"], p["plan"], p["currency"], p["sales"], p["gross"], p["refunds"],
                  p["disputes"], p["net"], format_minor(p["net"], p["currency"])] for p in products])


def payouts_csv(document: dict) -> bytes:
    rows = []
    for statement in document["payouts"]["courses"]:
        for currency, figures in statement["currencies"].items():
            for line in figures["lines"]:
                rows.append([statement["course"], currency, figures["net"], line["name"], line["email"], line["basis"],
                             round(line["percent"], 6), "" if line["points"] is None else line["points"],
                             line["amount"], format_minor(line["amount"], currency)])
    return _csv(["course", "currency", "net", "name", "email", "basis", "percent", "points", "amount", "amount_display"],
                rows)
