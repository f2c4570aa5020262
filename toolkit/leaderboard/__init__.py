"""Contributor leaderboards from the content's git history.

One streaming `git log` (gitlog) becomes a ledger of page changes (history),
cached by commit (cache, collect); the ledger is tallied into boards per
section (catalog, scoring) and shown as site pages (pages, render) or as
`folio leaderboard` output (report, formats); `duplicates` suggests .mailmap
lines. Settings and the JSON schema are documented in `settings`.

The MkDocs plugin calls `site_pages(repo_dir, docs_dir, settings, language, today)`
and, for each course page, `LeaderboardPages.course_block(slug, authors, url_for)`.
"""

from toolkit.leaderboard.pages import LeaderboardPages, site_pages

__all__ = ["LeaderboardPages", "site_pages"]
