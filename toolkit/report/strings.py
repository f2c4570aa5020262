"""The report's words, one table per language, chosen by the site's `theme.language` as the site's are
(`toolkit.content.strings.language_of`: any Chinese theme language gives `zh`, anything else `en`)."""

from __future__ import annotations

from toolkit.content.strings import language_of

EN = {
    "title": "Operator's report", "period": "{since} to {until}", "private": "Private: never publish this report.",
    "generated": "Written {when} from git {head}, Stripe and {events} event file(s).",
    "summary": "Summary", "content": "Content", "revenue": "Revenue", "reading": "Reading",
    "incentives": "Incentives", "payouts": "Contributors' share",
    "pages_added": "Pages added", "pages_updated": "Pages updated", "lines_added": "Lines added",
    "commits": "Commits", "reviews": "Reviews", "points": "Points", "words": "Words",
    "contributor": "Contributor", "course": "Course", "month": "Month", "contributors": "Contributors",
    "pages_by_month": "Pages added and updated by month", "top_contributors": "Top contributors (points)",
    "gross": "Gross", "refunds": "Refunds", "disputes": "Disputes", "net": "Net", "sales": "Sales",
    "product": "Product", "plan": "Plan", "currency": "Currency", "one_time": "One-time", "membership": "Membership",
    "members_new": "New members", "members_active": "Active members", "members_ended": "Ended members",
    "mrr": "Monthly recurring revenue", "net_by_month": "Net revenue by month ({currency})",
    "net_by_product": "Net revenue by product ({currency})", "no_revenue": "No payment in this period.",
    "no_stripe": "Revenue was not read (--no-stripe).",
    "readers": "Readers", "reads": "Reads", "downloads": "Downloads", "chapter": "Chapter",
    "reached": "Readers who got this far", "dropoff": "How far readers get: {course}",
    "no_events": "No event file was given (--events FILE), so there is no reading data.",
    "skipped": "{skipped} line(s) were not events and were skipped; {outside} event(s) fell outside the period.",
    "new": "New", "returning": "Returning", "lapsed": "Lapsed", "top_by_month": "Top contributors by month",
    "salons": "Salons held", "speakers": "Speakers", "date": "Date", "none": "None",
    "statement": "Statement: {course}", "basis": "Basis", "email": "Email", "share": "Share", "amount": "Amount",
    "fixed": "fixed {percent}%", "pool": "pool: {points} points ({percent}%)", "unallocated": "Unallocated",
    "net_revenue": "Net revenue", "never_moves_money": "Folio never moves money.",
    "connect": "This statement only computes shares; paying them is yours to do. With Stripe Connect, each "
               "contributor would be a connected account and each line of this statement one Transfer, made "
               "after the period's payments have settled.",
    "nothing_to_share": "No positive net revenue in this period: nothing to share.",
    "empty": "Nothing in this period.", "unattributed": "Unattributed",
}

ZH = {
    "title": "运营报告", "period": "{since} 至 {until}", "private": "内部资料：切勿发布此报告。",
    "generated": "生成于 {when}，数据来自 git {head}、Stripe 与 {events} 个事件文件。",
    "summary": "概览", "content": "内容", "revenue": "收入", "reading": "阅读",
    "incentives": "激励", "payouts": "贡献者分成",
    "pages_added": "新增页面", "pages_updated": "更新页面", "lines_added": "新增行数",
    "commits": "提交", "reviews": "审阅", "points": "积分", "words": "字数",
    "contributor": "贡献者", "course": "课程", "month": "月份", "contributors": "贡献者",
    "pages_by_month": "每月新增与更新的页面", "top_contributors": "主要贡献者（积分）",
    "gross": "总收入", "refunds": "退款", "disputes": "争议", "net": "净收入", "sales": "笔数",
    "product": "产品", "plan": "方案", "currency": "币种", "one_time": "一次性购买", "membership": "会员",
    "members_new": "新会员", "members_active": "有效会员", "members_ended": "已结束会员",
    "mrr": "月度经常性收入", "net_by_month": "每月净收入（{currency}）",
    "net_by_product": "各产品净收入（{currency}）", "no_revenue": "本期没有付款。",
    "no_stripe": "未读取收入（--no-stripe）。",
    "readers": "读者", "reads": "阅读次数", "downloads": "下载", "chapter": "章节",
    "reached": "读到此处的读者", "dropoff": "读者读到哪里：{course}",
    "no_events": "未提供事件文件（--events FILE），因此没有阅读数据。",
    "skipped": "跳过 {skipped} 行非事件内容；{outside} 个事件不在本期内。",
    "new": "新加入", "returning": "回归", "lapsed": "流失", "top_by_month": "每月主要贡献者",
    "salons": "已举办的沙龙", "speakers": "嘉宾", "date": "日期", "none": "无",
    "statement": "分成明细：{course}", "basis": "依据", "email": "邮箱", "share": "比例", "amount": "金额",
    "fixed": "固定 {percent}%", "pool": "按贡献：{points} 积分（{percent}%）", "unallocated": "未分配",
    "net_revenue": "净收入", "never_moves_money": "Folio 从不转账。",
    "connect": "本明细只计算分成，付款由你自己完成。若使用 Stripe Connect，每位贡献者是一个关联账户，"
               "明细的每一行对应一笔 Transfer，在本期款项结算后发起。",
    "nothing_to_share": "本期净收入不为正：没有可分配的金额。",
    "empty": "本期没有内容。", "unattributed": "无法归属",
}

TABLES = {"en": EN, "zh": ZH}


def report_strings(theme_language: str | None) -> tuple[str, dict[str, str]]:
    """(language, strings) for the site's theme language."""
    language = language_of(theme_language)
    return language, TABLES.get(language, EN)
