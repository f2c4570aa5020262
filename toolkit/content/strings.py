"""UI strings: one table per language for the site, the bundles and the leaderboard (and later the gate and mail).

`theme.language` chooses the table: `zh`, `zh-CN`, `zh-Hans`, `zh-SG` give Simplified
Chinese; `zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO` give Traditional Chinese; anything else
English. A table knows its own language (`UiStrings.language`), so nothing ever guesses
the language by comparing a translated string. Leaderboard keys start with `leaderboard.`.
"""

from __future__ import annotations

EN = {
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
    # bundles (gated/)
    "bundle_footer": "{product} · Paid content made with Folio, for the buyer's own reading.",
    # leaderboard
    "leaderboard.title": "Leaderboard", "leaderboard.overall": "Overall", "leaderboard.courses": "Courses",
    "leaderboard.articles": "Articles", "leaderboard.salons": "Salons", "leaderboard.general": "General",
    "leaderboard.all": "All time", "leaderboard.90d": "Last 90 days", "leaderboard.month": "This month",
    "leaderboard.rank": "Rank", "leaderboard.name": "Contributor", "leaderboard.points": "Points",
    "leaderboard.breakdown": "Breakdown", "leaderboard.level": "Level", "leaderboard.badges": "Badges",
    "leaderboard.activity": "Activity",
    # Counts: `.one` for exactly 1, `.other` for any other number (a language with one form repeats it).
    "leaderboard.pages.one": "{} page", "leaderboard.pages.other": "{} pages",
    "leaderboard.lines.one": "{} line", "leaderboard.lines.other": "{} lines",
    "leaderboard.paid_chapters.one": "{} paid chapter", "leaderboard.paid_chapters.other": "{} paid chapters",
    "leaderboard.salon_notes.one": "{} salon note", "leaderboard.salon_notes.other": "{} salon notes",
    "leaderboard.reviews.one": "{} review", "leaderboard.reviews.other": "{} reviews",
    "leaderboard.everyone_count.one": "{} contributor, by name.",
    "leaderboard.everyone_count.other": "{} contributors, by name.",
    "leaderboard.capped": "{counted} of {added} added lines count: at most {cap} per commit in each section",
    "leaderboard.empty": "No contributions yet.", "leaderboard.contributors": "Contributors",
    "leaderboard.created": "Pages written", "leaderboard.edited": "Pages improved", "leaderboard.boards": "Boards",
    "leaderboard.author": "Author", "leaderboard.reviewer": "Reviewer", "leaderboard.salon_host": "Salon host",
    "leaderboard.course_author": "Course author",
    "leaderboard.not_a_repo": "The leaderboard needs the site's git history, and this build has none: "
                              "`{}` is not inside a git repository.",
    "leaderboard.how": "Points: {}.",
    "leaderboard.more": "… and {} more: see [all contributors]({}).",
    "leaderboard.everyone": "All contributors",
    "leaderboard.course_authors": "Authors", "leaderboard.course_authors_note": "named by the course",
    "leaderboard.course_contributors": "Contributors",
    "leaderboard.course_contributors_note": "from the git history",
    "leaderboard.Newcomer": "Newcomer", "leaderboard.Contributor": "Contributor", "leaderboard.Regular": "Regular",
    "leaderboard.Core": "Core", "leaderboard.Luminary": "Luminary",
}

ZH = {
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
    "bundle_footer": "{product} · 由 Folio 生成的付费内容，仅供购买者个人阅读。",
    "leaderboard.title": "贡献榜", "leaderboard.overall": "总榜", "leaderboard.courses": "课程",
    "leaderboard.articles": "文章", "leaderboard.salons": "沙龙", "leaderboard.general": "其他页面",
    "leaderboard.all": "全部时间", "leaderboard.90d": "最近 90 天", "leaderboard.month": "本月",
    "leaderboard.rank": "排名", "leaderboard.name": "贡献者", "leaderboard.points": "积分",
    "leaderboard.breakdown": "明细", "leaderboard.level": "等级", "leaderboard.badges": "徽章",
    "leaderboard.activity": "活跃度",
    # One form for every number: `.one` and `.other` are the same.
    "leaderboard.pages.one": "新页面 {} 篇", "leaderboard.pages.other": "新页面 {} 篇",
    "leaderboard.lines.one": "新增 {} 行", "leaderboard.lines.other": "新增 {} 行",
    "leaderboard.paid_chapters.one": "付费章节 {} 篇", "leaderboard.paid_chapters.other": "付费章节 {} 篇",
    "leaderboard.salon_notes.one": "沙龙笔记 {} 篇", "leaderboard.salon_notes.other": "沙龙笔记 {} 篇",
    "leaderboard.reviews.one": "审阅 {} 次", "leaderboard.reviews.other": "审阅 {} 次",
    "leaderboard.everyone_count.one": "共 {} 位贡献者，按姓名排序。",
    "leaderboard.everyone_count.other": "共 {} 位贡献者，按姓名排序。",
    "leaderboard.capped": "新增 {added} 行，计分 {counted} 行：每次提交在每个栏目最多计 {cap} 行",
    "leaderboard.empty": "暂无贡献。", "leaderboard.contributors": "贡献者",
    "leaderboard.created": "撰写的页面", "leaderboard.edited": "改进的页面", "leaderboard.boards": "榜单",
    "leaderboard.author": "作者", "leaderboard.reviewer": "审阅者", "leaderboard.salon_host": "沙龙主持",
    "leaderboard.course_author": "课程作者",
    "leaderboard.not_a_repo": "贡献榜需要站点的 git 历史，但本次构建没有：`{}` 不在 git 仓库中。",
    "leaderboard.how": "积分规则：{}。",
    "leaderboard.more": "……另有 {} 位：见[全部贡献者]({})。", "leaderboard.everyone": "全部贡献者",
    "leaderboard.course_authors": "作者", "leaderboard.course_authors_note": "课程署名",
    "leaderboard.course_contributors": "贡献者", "leaderboard.course_contributors_note": "来自 git 历史",
    "leaderboard.Newcomer": "新人", "leaderboard.Contributor": "贡献者", "leaderboard.Regular": "常驻作者",
    "leaderboard.Core": "核心成员", "leaderboard.Luminary": "灯塔",
}

ZH_HANT = {
    "courses": "課程",
    "articles": "文章",
    "salons": "沙龍",
    "leaderboard": "排行榜",
    "free": "免費",
    "paid": "付費",
    "members": "會員",
    "chapter": "章節",
    "chapters": "章節",
    "chapter_of": "第 {position} 章，共 {count} 章",
    "minutes": "{minutes} 分鐘",
    "minutes_read": "閱讀約 {minutes} 分鐘",
    "level": "難度",
    "level_beginner": "入門",
    "level_intermediate": "進階",
    "level_advanced": "高級",
    "price": "價格",
    "authors": "作者",
    "free_course": "免費課程",
    "total_reading": "閱讀時間",
    "upcoming": "即將舉行",
    "past": "往期",
    "no_upcoming": "目前尚無排定的沙龍。",
    "by_date": "依日期",
    "by_tag": "依標籤",
    "date": "日期",
    "location": "地點",
    "speakers": "講者",
    "slides": "投影片",
    "recording": "錄影",
    "paywall_title": "《{title}》的其餘內容僅對{who}開放",
    "who_buyers": "本課程的購買者",
    "who_members": "會員",
    "paywall_locked": "還有約 {minutes} 分鐘的內容已鎖定。",
    "buy_course": "購買課程 — {price}",
    "join_monthly": "加入會員 — {price} / 月",
    "join_yearly": "加入會員 — {price} / 年",
    "already_bought": "我已購買，繼續閱讀",
    "sign_in": "以電子郵件登入",
    "no_gate": "作者提示：mkdocs.yml 中尚未設定 gate_url，這些按鈕暫時無效。"
               "請將 plugins.folio.gate_url 設為你的 gate 服務位址後即可開始銷售。",
    "membership": "會員",
    "contributors": "貢獻者",
    "course_of": "所屬課程：{course}",
    "bundle_footer": "{product} · 由 Folio 產生的付費內容，僅供購買者個人閱讀。",
    "leaderboard.title": "貢獻榜", "leaderboard.overall": "總榜", "leaderboard.courses": "課程",
    "leaderboard.articles": "文章", "leaderboard.salons": "沙龍", "leaderboard.general": "其他頁面",
    "leaderboard.all": "全部時間", "leaderboard.90d": "最近 90 天", "leaderboard.month": "本月",
    "leaderboard.rank": "排名", "leaderboard.name": "貢獻者", "leaderboard.points": "積分",
    "leaderboard.breakdown": "明細", "leaderboard.level": "等級", "leaderboard.badges": "徽章",
    "leaderboard.activity": "活躍度",
    # One form for every number: `.one` and `.other` are the same.
    "leaderboard.pages.one": "新頁面 {} 篇", "leaderboard.pages.other": "新頁面 {} 篇",
    "leaderboard.lines.one": "新增 {} 行", "leaderboard.lines.other": "新增 {} 行",
    "leaderboard.paid_chapters.one": "付費章節 {} 篇", "leaderboard.paid_chapters.other": "付費章節 {} 篇",
    "leaderboard.salon_notes.one": "沙龍筆記 {} 篇", "leaderboard.salon_notes.other": "沙龍筆記 {} 篇",
    "leaderboard.reviews.one": "審閱 {} 次", "leaderboard.reviews.other": "審閱 {} 次",
    "leaderboard.everyone_count.one": "共 {} 位貢獻者，按姓名排序。",
    "leaderboard.everyone_count.other": "共 {} 位貢獻者，按姓名排序。",
    "leaderboard.capped": "新增 {added} 行，計分 {counted} 行：每次提交在每個欄目最多計 {cap} 行",
    "leaderboard.empty": "尚無貢獻。", "leaderboard.contributors": "貢獻者",
    "leaderboard.created": "撰寫的頁面", "leaderboard.edited": "改進的頁面", "leaderboard.boards": "榜單",
    "leaderboard.author": "作者", "leaderboard.reviewer": "審閱者", "leaderboard.salon_host": "沙龍主持",
    "leaderboard.course_author": "課程作者",
    "leaderboard.not_a_repo": "貢獻榜需要網站的 git 歷史，但本次建置沒有：`{}` 不在 git 儲存庫中。",
    "leaderboard.how": "積分規則：{}。",
    "leaderboard.more": "……另有 {} 位：見[全部貢獻者]({})。", "leaderboard.everyone": "全部貢獻者",
    "leaderboard.course_authors": "作者", "leaderboard.course_authors_note": "課程署名",
    "leaderboard.course_contributors": "貢獻者", "leaderboard.course_contributors_note": "來自 git 歷史",
    "leaderboard.Newcomer": "新人", "leaderboard.Contributor": "貢獻者", "leaderboard.Regular": "常駐作者",
    "leaderboard.Core": "核心成員", "leaderboard.Luminary": "燈塔",
}

# table -> (its strings, the language it is in (what the manifest records), its BCP 47 tag for `lang=`)
TABLES: dict[str, tuple[dict[str, str], str, str]] = {
    "en": (EN, "en", "en"),
    "zh": (ZH, "zh", "zh-Hans"),
    "zh-Hant": (ZH_HANT, "zh", "zh-Hant"),
}
# Kept for callers that index by table: STRINGS["zh"]["courses"].
STRINGS: dict[str, dict[str, str]] = {name: table for name, (table, _, _) in TABLES.items()}

# Regions and scripts whose readers expect Traditional characters.
_TRADITIONAL = {"hant", "tw", "hk", "mo"}


class UiStrings(dict):
    """One language's strings; `.language` ('en'/'zh'), `.table` and `.tag` say which, so nobody guesses."""

    def __init__(self, table: str):
        strings, self.language, self.tag = TABLES[table]
        self.table = table
        super().__init__(strings)


def table_of(theme_language: str | None) -> str:
    """The table for a theme language: 'zh-Hant' for Traditional Chinese, 'zh' for other Chinese, else 'en'."""
    parts = (theme_language or "").lower().replace("_", "-").split("-")
    if parts[0] != "zh":
        return "en"
    return "zh-Hant" if _TRADITIONAL & set(parts[1:]) else "zh"


def language_of(theme_language: str | None) -> str:
    """'zh' for any Chinese theme language (zh, zh-Hans, zh-Hant, zh-TW), else 'en'."""
    return TABLES[table_of(theme_language)][1]


def strings(theme_language: str | None) -> UiStrings:
    """The UI strings for a theme language (or a table name)."""
    return UiStrings(table_of(theme_language))
