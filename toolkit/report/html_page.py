"""The report as one self-contained HTML page (inline CSS and SVG charts, no script, no outside file).

It is drawn from the JSON document alone, so the page and report.json never disagree.
Tables scroll sideways inside their box on a phone; charts scale to the screen's width.
"""

from __future__ import annotations

from html import escape

from toolkit.content.prices import format_minor
from toolkit.leakguard.private import PRIVATE_MARKER
from toolkit.report import charts

STYLE = """
:root{color-scheme:light}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC",
"Noto Sans CJK SC",sans-serif;color:#1f2937;background:#f8fafc}main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;margin:.2em 0}h2{margin-top:2rem;border-bottom:2px solid #e5e7eb;padding-bottom:.2em}
h3{margin-top:1.4rem}.private{background:#fef3c7;border:1px solid #f59e0b;padding:.5em .8em;border-radius:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px}.card b{display:block;font-size:1.3rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}table{border-collapse:collapse;background:#fff;min-width:100%}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;white-space:nowrap}td.n,th.n{text-align:right}
figure{margin:1rem 0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}.muted{color:#6b7280}p,h1,h2,h3{overflow-wrap:anywhere}
"""


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f'<th{" class=n" if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{escape(str(v))}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>" if svg else ""


def _card(label: str, value: str) -> str:
    return f'<div class="card">{escape(label)}<b>{escape(value)}</b></div>'


def render(document: dict, s: dict[str, str], title: str | None = None) -> str:
    """The whole page for a report document (see `toolkit.report.document`)."""
    period = document["period"]
    heading = title or s["title"]
    parts = [f'<!doctype html><html lang="{escape(document["language"])}"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width,initial-scale=1">'
             f'<meta name="robots" content="noindex,nofollow"><meta name="folio-private" content="{PRIVATE_MARKER}">'
             f"<title>{escape(heading)} · {escape(document['site'])} · {escape(period['label'])}</title>"
             f"<style>{STYLE}</style></head><body><main>",
             f"<h1>{escape(heading)}</h1><p>{escape(document['site'])} · "
             f"{escape(s['period'].format(since=period['since'], until=period['until']))}</p>",
             f'<p class="private">{escape(s["private"])}</p>']
    if "content_skipped" in document:
        parts.append(f'<section id="content"><h2>{escape(s["content"])}</h2>'
                     f'<p>{escape(document["content_skipped"])}</p></section>')
    if "content" in document:
        parts.append(_content(document, s))
    if "revenue" in document:
        parts.append(_revenue(document["revenue"], s))
    if "reading" in document:
        parts.append(_reading(document["reading"], s))
    if "incentives" in document:
        parts.append(_incentives(document["incentives"], s))
    if document.get("payouts"):
        parts.append(payouts_section(document["payouts"], s, heading=title is None))
    head = ((document.get("content") or {}).get("head") or "-")[:12]
    generated = s["generated"].format(when=document["generated"], head=head,
                                      events=len((document.get("reading") or {}).get("files") or []))
    parts.append(f'<p class="muted">{escape(generated)}</p></main></body></html>\n')
    return "".join(parts)


def _content(document: dict, s: dict) -> str:
    content = document["content"]
    totals = content["totals"]
    out = [f'<section id="content"><h2>{escape(s["content"])}</h2><div class="cards">',
           *[_card(s[key], str(totals[key])) for key in ("pages_added", "pages_updated", "lines_added", "reviews")],
           "</div>"]
    months = content["months"]
    labels = list(months)
    out.append(_figure(s["pages_by_month"], charts.columns(
        s["pages_by_month"], labels, [m["pages_added"] + m["pages_updated"] for m in months.values()],
        [f'{m["pages_added"]} + {m["pages_updated"]}' for m in months.values()])))
    people = [p for p in content["people"] if p["points"] > 0][:10]
    out.append(_figure(s["top_contributors"], charts.bars(
        s["top_contributors"], [(p["name"], p["points"], f'{p["points"]:g}') for p in people])))
    out.append(_table([s["contributor"], s["points"], s["pages_added"], s["pages_updated"], s["lines_added"],
                       s["words"], s["reviews"]],
                      [[p["name"], f'{p["points"]:g}', p["pages_added"], p["pages_updated"], p["lines_added"],
                        p.get("words_in_added_pages", 0), p["reviews"]] for p in content["people"]],
                      numeric={1, 2, 3, 4, 5, 6}))
    if content["courses"]:
        out.append(f"<h3>{escape(s['course'])}</h3>")
        out.append(_table([s["course"], s["pages_added"], s["pages_updated"], s["lines_added"], s["words"],
                           s["contributors"]],
                          [[slug, c["pages_added"], c["pages_updated"], c["lines_added"], c["words_in_changed_pages"],
                            ", ".join(c["contributors"])] for slug, c in content["courses"].items()],
                          numeric={1, 2, 3, 4}))
    out.append("</section>")
    return "".join(out)


def _money(amount: int, currency: str) -> str:
    return format_minor(amount, currency)


def _revenue(revenue: dict, s: dict) -> str:
    out = [f'<section id="revenue"><h2>{escape(s["revenue"])}</h2>']
    if revenue.get("skipped"):
        return out[0] + f"<p>{escape(s['no_stripe'])}</p></section>"
    if not revenue["currencies"]:
        out.append(f"<p>{escape(s['no_revenue'])}</p>")
    for currency, figures in revenue["currencies"].items():
        total, members = figures["total"], figures["members"]
        out.append(f"<h3>{escape(currency.upper())}</h3><div class='cards'>")
        out += [_card(s[key], _money(total[key], currency)) for key in ("gross", "refunds", "disputes", "net")]
        out += [_card(s["one_time"], _money(figures["one_time"]["net"], currency)),
                _card(s["membership"], _money(figures["membership"]["net"], currency)),
                _card(s["members_new"], str(members["new"])), _card(s["members_active"], str(members["active"])),
                _card(s["members_ended"], str(members["ended"])), _card(s["mrr"], _money(members["mrr"], currency)),
                "</div>"]
        months = [(month, values.get(currency, {}).get("net", 0)) for month, values in revenue["months"].items()]
        caption = s["net_by_month"].format(currency=currency.upper())
        out.append(_figure(caption, charts.columns(caption, [m for m, _ in months], [v for _, v in months],
                                                   [_money(v, currency) for _, v in months])))
        products = [p for p in revenue["products"] if p["currency"] == currency]
        caption = s["net_by_product"].format(currency=currency.upper())
        out.append(_figure(caption, charts.bars(caption, [(_product(p, s).removeprefix("course:"), p["net"],
                                                           _money(p["net"], currency))
                                                          for p in products])))
        out.append(_table([s["product"], s["plan"], s["sales"], s["gross"], s["refunds"], s["disputes"], s["net"]],
                          [[_product(p, s), p["plan"], p["sales"], _money(p["gross"], currency),
                            _money(p["refunds"], currency), _money(p["disputes"], currency),
                            _money(p["net"], currency)] for p in products], numeric={2, 3, 4, 5, 6}))
    out.append("</section>")
    return "".join(out)


def _product(line: dict, s: dict) -> str:
    return s["unattributed"] if line["product"] == "unattributed" else line["product"]


def _reading(reading: dict, s: dict) -> str:
    out = [f'<section id="reading"><h2>{escape(s["reading"])}</h2>']
    if reading.get("skipped"):
        return out[0] + f"<p>{escape(s['no_events'])}</p></section>"
    events = reading["events"]
    out += ["<div class='cards'>", _card(s["readers"], str(reading["readers"])), _card(s["reads"], str(events["read"])),
            _card(s["downloads"], str(events["download"])), "</div>"]
    for course, figures in reading["courses"].items():
        caption = s["dropoff"].format(course=course)
        chapters = figures["chapters"]
        out.append(_figure(caption, charts.bars(caption, [(c["page"].rsplit("/", 1)[-1], c["reached"], str(c["reached"]))
                                                          for c in chapters])))
        out.append(_table([s["chapter"], s["readers"], s["reads"], s["reached"]],
                          [[c["page"].rsplit("/", 1)[-1], c["readers"], c["reads"], c["reached"]] for c in chapters],
                          numeric={1, 2, 3}))
    if reading["downloads"]:
        out.append(f"<h3>{escape(s['downloads'])}</h3>")
        out.append(_table([s["product"], s["downloads"], s["readers"]],
                          [[p, d["downloads"], d["readers"]] for p, d in reading["downloads"].items()],
                          numeric={1, 2}))
    if reading["skipped_lines"] or reading["outside_period"]:
        out.append(f'<p class="muted">{escape(s["skipped"].format(skipped=reading["skipped_lines"], outside=reading["outside_period"]))}</p>')
    out.append("</section>")
    return "".join(out)


def _incentives(incentives: dict, s: dict) -> str:
    none = s["none"]
    out = [f'<section id="incentives"><h2>{escape(s["incentives"])}</h2><div class="cards">',
           _card(s["contributors"], str(incentives["contributors"])),
           *[_card(s[key], str(len(incentives[key]))) for key in ("new", "returning", "lapsed")], "</div>",
           _table([s["new"], s["returning"], s["lapsed"]],
                  [[", ".join(incentives[key]) or none for key in ("new", "returning", "lapsed")]])]
    out.append(f"<h3>{escape(s['top_by_month'])}</h3>")
    out.append(_table([s["month"], s["top_contributors"]],
                      [[month, ", ".join(f'{row["rank"]}. {row["name"]} ({row["points"]:g})' for row in rows) or none]
                       for month, rows in incentives["top_by_month"].items()]))
    out.append(f"<h3>{escape(s['salons'])}</h3>")
    out.append(_table([s["date"], s["salons"], s["speakers"]],
                      [[salon["date"], salon["title"], ", ".join(salon["speakers"])] for salon in incentives["salons"]])
               if incentives["salons"] else f"<p>{escape(none)}</p>")
    out.append("</section>")
    return "".join(out)


def payouts_section(payouts: dict, s: dict, heading: bool = True) -> str:
    out = ['<section id="payouts">' + (f'<h2>{escape(s["payouts"])}</h2>' if heading else ""),
           f'<p class="private"><b>{escape(s["never_moves_money"])}</b> {escape(s["connect"])}</p>']
    for statement in payouts["courses"]:
        out.append(f"<h3>{escape(s['statement'].format(course=statement['course']))}</h3>")
        if not statement["currencies"]:
            out.append(f"<p>{escape(s['no_revenue'])}</p>")
        for currency, figures in statement["currencies"].items():
            out.append(f"<p>{escape(s['net_revenue'])}: <b>{escape(_money(figures['net'], currency))}</b></p>")
            if figures["note"]:
                out.append(f"<p>{escape(s['nothing_to_share'])}</p>")
            out.append(_table([s["contributor"], s["amount"], s["basis"], s["email"]],
                              [[_who(line, s), _money(line["amount"], currency), _basis(line, s), line["email"]]
                               for line in figures["lines"]], numeric={1}))
    out.append("</section>")
    return "".join(out)


def _who(line: dict, s: dict) -> str:
    return s["unallocated"] if line["basis"] == "unallocated" else line["name"]


def _basis(line: dict, s: dict) -> str:
    if line["basis"] == "fixed":
        return s["fixed"].format(percent=f'{line["percent"]:g}')
    if line["basis"] == "pool":
        return s["pool"].format(points=f'{line["points"]:g}', percent=f'{line["percent"]:.2f}')
    return s["unallocated"]


def payouts_page(document: dict, s: dict) -> str:
    """The payout statements alone, for handing to contributors' treasurer."""
    return render({key: value for key, value in document.items() if key in ("period", "site", "language", "generated",
                                                                             "payouts")}, s, s["payouts"])
