"""Markdown pieces for the site: translated strings, escaped names, board tables, sparklines."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from toolkit.leaderboard.scoring import Standing

# A count's label is a (singular, plural) pair in English; Chinese has one form.
STRINGS = {
    "en": {
        "title": "Leaderboard", "overall": "Overall", "courses": "Courses", "articles": "Articles",
        "salons": "Salons", "general": "General", "all": "All time", "90d": "Last 90 days", "month": "This month",
        "rank": "Rank", "name": "Contributor", "points": "Points", "breakdown": "Breakdown",
        "level": "Level", "badges": "Badges", "activity": "Activity",
        "pages": ("{} page", "{} pages"), "lines": ("{} line", "{} lines"),
        "paid_chapters": ("{} paid chapter", "{} paid chapters"),
        "salon_notes": ("{} salon note", "{} salon notes"), "reviews": ("{} review", "{} reviews"),
        "commits": ("{} commit", "{} commits"),
        "capped": "{counted} of {added} added lines count: at most {cap} per commit in each section",
        "empty": "No contributions yet.", "contributors": "Contributors",
        "created": "Pages written", "edited": "Pages improved", "boards": "Boards",
        "author": "Author", "reviewer": "Reviewer", "salon_host": "Salon host", "course_author": "Course author",
        "not_a_repo": "The leaderboard needs the site's git history, and this build has none: `{}` is not inside a git repository.",
        "how": "Points: {}.",
        "more": "… and {} more: see [all contributors]({}).",
        "everyone": "All contributors", "everyone_count": ("{} contributor, by name.", "{} contributors, by name."),
        "course_authors": "Authors", "course_authors_note": "named by the course",
        "course_contributors": "Contributors", "course_contributors_note": "from the git history",
    },
    "zh": {
        "title": "贡献榜", "overall": "总榜", "courses": "课程", "articles": "文章",
        "salons": "沙龙", "general": "其他页面", "all": "全部时间", "90d": "最近 90 天", "month": "本月",
        "rank": "排名", "name": "贡献者", "points": "积分", "breakdown": "明细",
        "level": "等级", "badges": "徽章", "activity": "活跃度",
        "pages": "新页面 {} 篇", "lines": "新增 {} 行", "paid_chapters": "付费章节 {} 篇",
        "salon_notes": "沙龙笔记 {} 篇", "reviews": "审阅 {} 次", "commits": "提交 {} 次",
        "capped": "新增 {added} 行，计分 {counted} 行：每次提交在每个栏目最多计 {cap} 行",
        "empty": "暂无贡献。", "contributors": "贡献者",
        "created": "撰写的页面", "edited": "改进的页面", "boards": "榜单",
        "author": "作者", "reviewer": "审阅者", "salon_host": "沙龙主持", "course_author": "课程作者",
        "not_a_repo": "贡献榜需要站点的 git 历史，但本次构建没有：`{}` 不在 git 仓库中。",
        "how": "积分规则：{}。",
        "more": "……另有 {} 位：见[全部贡献者]({})。",
        "everyone": "全部贡献者", "everyone_count": "共 {} 位贡献者，按姓名排序。",
        "course_authors": "作者", "course_authors_note": "课程署名",
        "course_contributors": "贡献者", "course_contributors_note": "来自 git 历史",
        # default level names
        "Newcomer": "新人", "Contributor": "贡献者", "Regular": "常驻作者", "Core": "核心成员", "Luminary": "灯塔",
    },
}
# Count shown in the breakdown for each kind of points: the scored (capped) figure.
BREAKDOWN_COUNTS = {"pages": "pages_counted", "lines": "lines_counted", "paid_chapters": "paid_chapters_counted",
                    "salon_notes": "salon_notes_counted", "reviews": "reviews"}
MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]|<>#"})


class Strings:
    """Translated UI strings; unknown keys (such as custom level names) pass through."""

    def __init__(self, language: str):
        self.table = STRINGS.get(language.split("_")[0].split("-")[0], STRINGS["en"])

    def __getitem__(self, key: str) -> str:
        found = self.table.get(key, STRINGS["en"].get(key, key))
        return found[1] if isinstance(found, tuple) else found

    def count(self, key: str, number: int) -> str:
        """Return `number` with its label, singular or plural as the language needs."""
        found = self.table.get(key, STRINGS["en"][key])
        if isinstance(found, tuple):
            found = found[0] if number == 1 else found[1]
        return found.format(number)


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
    """Return the scored figures behind a row's points, e.g. `1 page · 300 lines · 2 reviews`."""
    parts = [strings.count(kind, row.counts[BREAKDOWN_COUNTS[kind]])
             for kind, points in row.breakdown.items() if points]
    return " · ".join(parts)


def number(value: float) -> str:
    return f"{value:g}"


def board_table(rows: list[Standing], strings: Strings, profile_link: str,
                activity: dict[str, list[int]], top: int, empty: str | None = None) -> str:
    """Return a Markdown table of the first `top` rows; `profile_link` formats a slug into a link."""
    if not rows:
        return escape(empty or strings["empty"]) + "\n"
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


def course_people(authors: list[str], contributors: list[tuple[str, str]], strings: Strings,
                  url_for: Callable[[str], str]) -> str:
    """Return the course page's two labelled lists: authors from front matter, contributors from git.

    `contributors` holds (name, profile page src); `url_for` turns a src into a URL relative to the
    course page. Raw HTML, so the block renders the same whatever Markdown extensions a site enables.
    Without git contributors there is nothing to tell apart: the course facts already name the authors.
    """
    if not contributors:
        return ""
    def people_list(css: str, label: str, note: str, items: list[str]) -> str:
        if not items:
            return ""
        return (f'<div class="folio-people folio-people--{css}"><h3>{html.escape(strings[label])} '
                f'<small>({html.escape(strings[note])})</small></h3>\n<ul>'
                + "".join(f"<li>{item}</li>" for item in items) + "</ul></div>\n")

    author_items = [html.escape(str(name)) for name in authors]
    contributor_items = [f'<a href="{html.escape(url_for(src))}">{html.escape(name)}</a>' for name, src in contributors]
    blocks = (people_list("authors", "course_authors", "course_authors_note", author_items)
              + people_list("contributors", "course_contributors", "course_contributors_note", contributor_items))
    return f'\n<section class="folio-course-people">\n{blocks}</section>\n' if blocks else ""
