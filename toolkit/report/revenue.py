"""Revenue from Stripe: one paginated pass over the period's objects, each currency on its own.

What is read (all with `created[gte]`/`created[lt]` of the period, 100 a page, nothing expanded):

- Checkout Sessions, `status=complete`: a paid one-time sale (mode `payment`) is gross
  revenue of the product its metadata names (`folio_product`, `folio_plan`).
- Invoices, `status=paid`: a membership period paid (first or renewal) is gross revenue of
  the product in its subscription's metadata. Memberships are billed by invoices, so
  charges are not read (they would count each membership payment twice).
- Refunds (succeeded) and disputes: money taken back, counted in the period they happen, for
  the product of the payment they belong to. A payment sold in an earlier period is found
  by one `checkout.sessions.list(payment_intent=...)` each; a payment no Folio checkout made
  is shown as `unattributed`, never guessed.
- Subscriptions (`status=all`, created before the period's end): new, active and ended
  members and the monthly recurring revenue at the period's end.

Amounts stay integers in the currency's minor unit; currencies are never converted.
The same code reads Stripe and the local stand-in (only the client's base address differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable

from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT
from toolkit.report.period import Period, month_of_timestamp

PAGE = 100
UNATTRIBUTED = "unattributed"
MEMBERSHIP = "membership"
# A subscription in one of these never started (its first payment never arrived).
NEVER_STARTED = frozenset({"incomplete", "incomplete_expired"})
# Price interval -> the months one interval covers (a week is 12/52 of a month).
MONTHS_PER_INTERVAL = {"day": Fraction(12, 365), "week": Fraction(12, 52), "month": Fraction(1), "year": Fraction(12)}


@dataclass
class Line:
    """Money of one product, plan and currency in the period."""

    gross: int = 0
    refunds: int = 0
    disputes: int = 0
    sales: int = 0  # paid checkouts or paid invoices
    refund_count: int = 0
    dispute_count: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunds - self.disputes

    def as_json(self) -> dict:
        return {"gross": self.gross, "refunds": self.refunds, "disputes": self.disputes, "net": self.net,
                "sales": self.sales, "refund_count": self.refund_count, "dispute_count": self.dispute_count}


@dataclass
class Revenue:
    period: Period
    lines: dict[tuple[str, str, str, str], Line] = field(default_factory=dict)  # (kind, product, plan, currency)
    months: dict[tuple[str, str], Line] = field(default_factory=dict)  # (YYYY-MM, currency)
    members: dict[str, dict] = field(default_factory=dict)  # currency -> new/active/ended/mrr
    calls: int = 0  # Stripe API pages read
    objects: int = 0  # objects read

    def line(self, kind: str, product: str, plan: str, currency: str) -> Line:
        return self.lines.setdefault((kind, product, plan, currency), Line())

    def month(self, seconds: int, currency: str) -> Line:
        return self.months.setdefault((month_of_timestamp(seconds), currency), Line())

    def net_of(self, product: str) -> dict[str, int]:
        """currency -> net revenue of one product (e.g. `course:async-python`) in the period."""
        found: dict[str, int] = defaultdict(int)
        for (_kind, name, _plan, currency), line in self.lines.items():
            if name == product:
                found[currency] += line.net
        return dict(sorted(found.items()))

    def currencies(self) -> list[str]:
        return sorted({key[3] for key in self.lines} | set(self.members))

    def as_json(self) -> dict:
        totals: dict[str, Line] = {}
        by_kind: dict[tuple[str, str], Line] = {}
        for (kind, _product, _plan, currency), line in self.lines.items():
            for target in (totals.setdefault(currency, Line()), by_kind.setdefault((currency, kind), Line())):
                _add(target, line)
        return {
            "currencies": {currency: {
                "total": totals.get(currency, Line()).as_json(),
                "one_time": by_kind.get((currency, "one_time"), Line()).as_json(),
                "membership": by_kind.get((currency, MEMBERSHIP), Line()).as_json(),
                "members": self.members.get(currency, _no_members()),
            } for currency in self.currencies()},
            "products": [{"kind": kind, "product": product, "plan": plan, "currency": currency, **line.as_json()}
                         for (kind, product, plan, currency), line in sorted(self.lines.items())],
            "months": {month: {currency: self.months[(m, currency)].as_json()
                               for (m, currency) in sorted(self.months) if m == month}
                       for month in self.period.months()},
            "stripe": {"pages": self.calls, "objects": self.objects},
        }


def _add(target: Line, line: Line) -> None:
    for name in ("gross", "refunds", "disputes", "sales", "refund_count", "dispute_count"):
        setattr(target, name, getattr(target, name) + getattr(line, name))


def _no_members() -> dict:
    return {"new": 0, "active": 0, "ended": 0, "mrr": 0}


def _get(obj, name, default=None):
    value = obj.get(name, default) if hasattr(obj, "get") else getattr(obj, name, default)
    return default if value is None else value


class Reader:
    """Lists one kind of Stripe object page by page (`starting_after`), counting pages and objects."""

    def __init__(self, revenue: Revenue):
        self.revenue = revenue

    def each(self, list_call: Callable, params: dict) -> Iterable:
        params = {**params, "limit": PAGE}
        while True:
            page = list_call(params=params)
            self.revenue.calls += 1
            data = page.data
            self.revenue.objects += len(data)
            yield from data
            if not page.has_more or not data:
                return
            params = {**params, "starting_after": data[-1].id}


def read_revenue(client, period: Period) -> Revenue:
    """Read the period's money from Stripe (`client`: a stripe-python StripeClient)."""
    revenue = Revenue(period)
    reader = Reader(revenue)
    start, end = period.timestamps()
    created = {"created": {"gte": start, "lt": end}}
    v1 = client.v1
    sold: dict[str, tuple[str, str]] = {}  # payment intent -> (product, plan)
    for session in reader.each(v1.checkout.sessions.list, {**created, "status": "complete"}):
        metadata = _get(session, "metadata", {})
        product, plan = _get(metadata, METADATA_PRODUCT, UNATTRIBUTED), _get(metadata, METADATA_PLAN, "one_time")
        intent = _get(session, "payment_intent")
        if intent:
            sold[intent] = (product, plan)
        if session.mode != "payment" or session.payment_status != "paid":
            continue  # memberships are counted by their invoices; an unpaid bank transfer is not money yet
        amount, currency = session.amount_total or 0, session.currency
        for line in (revenue.line("one_time", product, plan, currency), revenue.month(session.created, currency)):
            line.gross += amount
            line.sales += 1
    for invoice in reader.each(v1.invoices.list, {**created, "status": "paid"}):
        details = _get(_get(invoice, "parent", {}), "subscription_details", {})
        metadata = _get(details, "metadata", {})
        product, plan = _get(metadata, METADATA_PRODUCT, MEMBERSHIP), _get(metadata, METADATA_PLAN, "")
        for line in (revenue.line(MEMBERSHIP, product, plan, invoice.currency),
                     revenue.month(invoice.created, invoice.currency)):
            line.gross += invoice.amount_paid
            line.sales += 1
    owner = _Owners(v1, sold, revenue)
    for refund in reader.each(v1.refunds.list, created):
        if refund.status != "succeeded":
            continue
        kind, product, plan = owner.of(_get(refund, "payment_intent"))
        for line in (revenue.line(kind, product, plan, refund.currency), revenue.month(refund.created, refund.currency)):
            line.refunds += refund.amount
            line.refund_count += 1
    for dispute in reader.each(v1.disputes.list, created):
        kind, product, plan = owner.of(_get(dispute, "payment_intent"))
        for line in (revenue.line(kind, product, plan, dispute.currency),
                     revenue.month(dispute.created, dispute.currency)):
            line.disputes += dispute.amount
            line.dispute_count += 1
    _members(reader, v1, period, revenue)
    return revenue


class _Owners:
    """The product of a payment intent: from this period's sessions, else one lookup (remembered)."""

    def __init__(self, v1, sold: dict[str, tuple[str, str]], revenue: Revenue):
        self.v1, self.sold, self.revenue = v1, sold, revenue

    def of(self, intent: str | None) -> tuple[str, str, str]:
        if intent and intent not in self.sold:
            page = self.v1.checkout.sessions.list(params={"payment_intent": intent, "limit": 1})
            self.revenue.calls += 1
            metadata = _get(page.data[0], "metadata", {}) if page.data else {}
            self.sold[intent] = (_get(metadata, METADATA_PRODUCT, UNATTRIBUTED),
                                 _get(metadata, METADATA_PLAN, "one_time"))
        product, plan = self.sold.get(intent, (UNATTRIBUTED, "one_time")) if intent else (UNATTRIBUTED, "one_time")
        return ("one_time" if plan == "one_time" else MEMBERSHIP), product, plan


def _members(reader: Reader, v1, period: Period, revenue: Revenue) -> None:
    start, end = period.timestamps()
    mrr: dict[str, Fraction] = defaultdict(Fraction)
    for subscription in reader.each(v1.subscriptions.list, {"status": "all", "created": {"lt": end}}):
        if subscription.status in NEVER_STARTED:
            continue
        counts = revenue.members.setdefault(subscription.currency, _no_members())
        ended = _get(subscription, "ended_at")
        if start <= subscription.created < end:
            counts["new"] += 1
        if ended is not None and start <= ended < end:
            counts["ended"] += 1
        if ended is None or ended >= end:
            counts["active"] += 1
            mrr[subscription.currency] += monthly_amount(subscription)
    for currency, amount in mrr.items():
        revenue.members[currency]["mrr"] = int(amount + Fraction(1, 2))  # rounded half up, minor units


def monthly_amount(subscription) -> Fraction:
    """What a subscription brings in a month, in minor units: its items' prices over their intervals."""
    total = Fraction(0)
    for item in subscription["items"]["data"]:
        price = item["price"]
        recurring = _get(price, "recurring", {})
        months = MONTHS_PER_INTERVAL[_get(recurring, "interval", "month")] * _get(recurring, "interval_count", 1)
        total += Fraction(_get(price, "unit_amount", 0) * _get(item, "quantity", 1)) / months
    return total
