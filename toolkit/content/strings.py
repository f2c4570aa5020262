"""UI strings in English and Chinese, chosen by `theme.language`."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "courses": "Courses",
        "articles": "Articles",
        "salons": "Salons",
        "leaderboard": "Leaderboard",
        "free": "Free",
        "paid": "Paid",
        "members": "Members",
        "chapter": "Chapter",
        "chapters": "Chapters",
        "chapter_of": "Chapter {position} of {count}",
        "minutes": "{minutes} min",
        "minutes_read": "{minutes} min read",
        "level": "Level",
        "level_beginner": "Beginner",
        "level_intermediate": "Intermediate",
        "level_advanced": "Advanced",
        "price": "Price",
        "authors": "Authors",
        "free_course": "Free course",
        "total_reading": "Reading time",
        "upcoming": "Upcoming",
        "past": "Past",
        "no_upcoming": "No salon is scheduled yet.",
        "by_date": "By date",
        "by_tag": "By tag",
        "date": "Date",
        "location": "Where",
        "speakers": "Speakers",
        "slides": "Slides",
        "recording": "Recording",
        "paywall_title": "The rest of “{title}” is for {who}",
        "who_buyers": "buyers of this course",
        "who_members": "members",
        "paywall_locked": "About {minutes} more minutes of reading are locked.",
        "buy_course": "Buy the course — {price}",
        "join_monthly": "Join — {price} / month",
        "join_yearly": "Join — {price} / year",
        "already_bought": "Read it — I already bought",
        "sign_in": "Sign in by email",
        "no_gate": "Author's note: no gate_url is set in mkdocs.yml, so these buttons go nowhere yet. "
                   "Set plugins.folio.gate_url to your gate service to start selling.",
        "membership": "Membership",
        "contributors": "Contributors",
        "course_of": "Part of {course}",
    },
    "zh": {
        "courses": "课程",
        "articles": "文章",
        "salons": "沙龙",
        "leaderboard": "排行榜",
        "free": "免费",
        "paid": "付费",
        "members": "会员",
        "chapter": "章节",
        "chapters": "章节",
        "chapter_of": "第 {position} 章，共 {count} 章",
        "minutes": "{minutes} 分钟",
        "minutes_read": "阅读约 {minutes} 分钟",
        "level": "难度",
        "level_beginner": "入门",
        "level_intermediate": "进阶",
        "level_advanced": "高级",
        "price": "价格",
        "authors": "作者",
        "free_course": "免费课程",
        "total_reading": "阅读时长",
        "upcoming": "即将举行",
        "past": "往期",
        "no_upcoming": "暂无已安排的沙龙。",
        "by_date": "按日期",
        "by_tag": "按标签",
        "date": "日期",
        "location": "地点",
        "speakers": "嘉宾",
        "slides": "幻灯片",
        "recording": "录像",
        "paywall_title": "《{title}》的其余内容仅对{who}开放",
        "who_buyers": "本课程的购买者",
        "who_members": "会员",
        "paywall_locked": "还有约 {minutes} 分钟的内容已锁定。",
        "buy_course": "购买课程 — {price}",
        "join_monthly": "加入会员 — {price} / 月",
        "join_yearly": "加入会员 — {price} / 年",
        "already_bought": "我已购买，继续阅读",
        "sign_in": "通过邮箱登录",
        "no_gate": "作者提示：mkdocs.yml 中尚未设置 gate_url，这些按钮暂时无效。"
                   "请将 plugins.folio.gate_url 设为你的 gate 服务地址后即可开始销售。",
        "membership": "会员",
        "contributors": "贡献者",
        "course_of": "所属课程：{course}",
    },
}


def language_of(theme_language: str | None) -> str:
    """'zh' for any Chinese theme language (zh, zh-Hant, zh-TW), else 'en'."""
    return "zh" if (theme_language or "").lower().startswith("zh") else "en"


def strings(theme_language: str | None) -> dict[str, str]:
    return STRINGS[language_of(theme_language)]


# --- mail (owner: members) ---------------------------------------------------------------
# Receipt and sign-in mails, in the product's language. `{site}` is the site's name.
MAIL_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "signin_subject": "Your sign-in link for {site}",
        "signin_intro": "Someone (we hope you) asked to sign in to {site} with this address.",
        "signin_action": "Sign in",
        "signin_expiry": "The link works for {minutes} minutes. Opening it asks you to confirm; "
                         "nothing happens until you do.",
        "signin_ignore": "If you did not ask for it, ignore this mail: nobody can sign in without it.",
        "receipt_subject": "Your receipt for {title}",
        "receipt_intro": "Thank you for buying “{title}” on {site}.",
        "receipt_amount": "Paid: {amount}",
        "receipt_reference": "Reference: {reference}",
        "receipt_action": "Open your library",
        "receipt_expiry": "The link signs you in for {days} days. Later, ask for a fresh link at {signin_url}.",
        "footer": "Sent by {site}.",
    },
    "zh": {
        "signin_subject": "{site} 的登录链接",
        "signin_intro": "有人（希望是你）请求用这个邮箱登录 {site}。",
        "signin_action": "登录",
        "signin_expiry": "链接 {minutes} 分钟内有效。打开后需要点击确认，确认之前不会发生任何事。",
        "signin_ignore": "如果不是你本人操作，请忽略这封邮件：没有这个链接，任何人都无法登录。",
        "receipt_subject": "《{title}》的购买收据",
        "receipt_intro": "感谢你在 {site} 购买《{title}》。",
        "receipt_amount": "实付金额：{amount}",
        "receipt_reference": "订单号：{reference}",
        "receipt_action": "打开我的书架",
        "receipt_expiry": "该链接 {days} 天内可直接登录。之后可在 {signin_url} 获取新的登录链接。",
        "footer": "来自 {site}。",
    },
}
# --- end mail --------------------------------------------------------------------------------
