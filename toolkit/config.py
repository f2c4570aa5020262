"""The `folio` plugin's settings in mkdocs.yml, declared as typed MkDocs options.

Sections owned by other modules (``storage``, ``leaderboard``) are kept as
plain mappings here and validated by those modules, so each idea has one home.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MembershipConfig(base.Config):
    """Membership plans: each grants every `paid` and `members` page."""

    monthly = c.Optional(c.Type(str))
    yearly = c.Optional(c.Type(str))


class FolioConfig(base.Config):
    """`plugins: - folio: {...}` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    # Words kept public on a paid page that has no `<!-- more -->` marker.
    teaser_words = c.Type(int, default=120)
    # Where the gate service lives; the paywall's forms post there.
    gate_url = c.Optional(c.Type(str))
    membership = c.SubConfig(MembershipConfig)
    # Private output folder, relative to mkdocs.yml.
    gated_dir = c.Type(str, default="gated")
    # Unknown front matter keys fail the build instead of warning.
    strict = c.Type(bool, default=False)
    # Run the leak guard after every build (turning it off is for debugging only).
    leak_guard = c.Type(bool, default=True)
    # IANA time zone of salons that do not name their own (`timezone:` in front matter).
    timezone = c.Type(str, default="UTC")
    storage = c.Type(dict, default={})
    leaderboard = c.Type(dict, default={})
