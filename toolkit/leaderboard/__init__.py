"""Contributor leaderboards from the content's git history.

One streaming `git log` (gitlog) becomes a ledger of page changes (history),
cached by commit (cache, collect); the ledger is tallied into boards (scoring)
and shown as site pages (pages, render) or as `folio leaderboard` output
(report, formats). Settings and the JSON schema are documented in `settings`.

The MkDocs plugin calls `site_pages(repo_dir, docs_dir, settings, language, today)`.
"""

from toolkit.leaderboard.pages import LeaderboardPages, site_pages

__all__ = ["LeaderboardPages", "site_pages"]
