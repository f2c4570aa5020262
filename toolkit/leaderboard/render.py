"""Markdown pieces for the site: translated strings, escaped names, board tables, sparklines."""

from __future__ import annotations

import json

from toolkit.leaderboard.scoring import Standing

STRINGS = {
    "en": {
        "title": "Leaderboard", "overall": "Overall", "courses": "Courses", "articles": "Articles",
        "salons": "Salons", "all": "All time", "90d": "Last 90 days", "month": "This month",
        "rank": "Rank", "name": "Contributor", "points": "Points", "breakdown": "Breakdown",
        "level": "Level", "badges": "Badges", "activity": "Activity",
        "pages": "{} pages", "lines": "{} lines", "paid_chapters": "{} paid chapters",
        "salon_notes": "{} salon notes", "reviews": "{} reviews",
        "empty": "No contributions yet.", "contributors": "Contributors",
        "created": "Pages written", "edited": "Pages improved", "boards": "Boards",
        "author": "Author", "reviewer": "Reviewer", "salon_host": "Salon host", "course_author": "Course author",
        "not_a_repo": "The leaderboard needs the site's git history, and this build has none: `{}` is not inside a git repository.",
        "how": "Points: {}.",
    },
    "zh": {
        "title": "贡献榜", "overall": "总榜", "courses": "课程", "articles": "文章",
        "salons": "沙龙", "all": "全部时间", "90d": "最近 90 天", "month": "本月",
        "rank": "排名", "name": "贡献者", "points": "积分", "breakdown": "明细",
        "level": "等级", "badges": "徽章", "activity": "活跃度",
        "pages": "新页面 {}", "lines": "新增 {} 行", "paid_chapters": "付费章节 {}",
        "salon_notes": "沙龙笔记 {}", "reviews": "审阅 {}",
        "empty": "暂无贡献。", "contributors": "贡献者",
        "created": "撰写的页面", "edited": "改进的页面", "boards": "榜单",
        "author": "作者", "reviewer": "审阅者", "salon_host": "沙龙主持", "course_author": "课程作者",
        "not_a_repo": "贡献榜需要站点的 git 历史，但本次构建没有：`{}` 不在 git 仓库中。",
        "how": "积分规则：{}。",
        # default level names
        "Newcomer": "新人", "Contributor": "贡献者", "Regular": "常驻作者", "Core": "核心成员", "Luminary": "灯塔",
    },
}
# Count shown in the breakdown column for each kind of points.
BREAKDOWN_COUNTS = {"pages": "pages", "lines": "lines_added", "paid_chapters": "paid_chapters",
                    "salon_notes": "salon_notes", "reviews": "reviews"}
MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]|<>#"})


class Strings:
    """Translated UI strings; unknown keys (such as custom level names) pass through."""

    def __init__(self, language: str):
        self.table = STRINGS.get(language.split("_")[0].split("-")[0], STRINGS["en"])

    def __getitem__(self, key: str) -> str:
        return self.table.get(key, STRINGS["en"].get(key, key))


def escape(text: str) -> str:
    """Return `text` safe inside Markdown (table cells included)."""
    return text.translate(MARKDOWN_SPECIAL)


def sparkline(values: list[int], width: int = 104, height: int = 20) -> str:
    """Return an inline SVG line of `values` (drawn flat when there is no activity)."""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{index * step:.1f},{height - 1 - (value / top) * (height - 2):.1f}"
                      for index, value in enumerate(values))
    return (f'<svg class="folio-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{sum(values)}"><polyline fill="none" stroke="currentColor" '
            f'stroke-width="1.5" points="{points}"/></svg>')


def breakdown_text(row: Standing, strings: Strings) -> str:
    parts = [strings[kind].format(row.counts[BREAKDOWN_COUNTS[kind]])
             for kind, points in row.breakdown.items() if points]
    return " · ".join(parts)


def number(value: float) -> str:
    return f"{value:g}"


def board_table(rows: list[Standing], strings: Strings, profile_link: str,
                activity: dict[str, list[int]], top: int) -> str:
    """Return a Markdown table of the first `top` rows; `profile_link` formats a slug into a link."""
    if not rows:
        return strings["empty"] + "\n"
    header = [strings[key] for key in ("rank", "name", "points", "breakdown", "level", "activity")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows[:top]:
        name = f"[{escape(row.person.name)}]({profile_link.format(row.person.slug)})"
        spark = sparkline(activity.get(row.person.key, [0]))
        cells = [str(row.rank), name, number(row.points), breakdown_text(row, strings),
                 escape(strings[row.level]), spark]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def front_matter(title: str) -> str:
    """Return a front matter block setting the page title (a JSON string is valid YAML)."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"
