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


class LeakGuardConfig(base.Config):
    """`leak_guard:` the scan of every built site for paid text (`leak_guard: false` turns it off)."""

    enabled = c.Type(bool, default=True)
    # Paid text that may be public anyway: a phrase (string) or a whole output file (`file: PATH`,
    # a glob relative to site_dir). Each use is logged.
    allow = c.ListOfItems(c.Type((str, dict)), default=[])

    def validate(self):
        failed, warnings = super().validate()
        for index, entry in enumerate(self.get("allow") or []):
            if isinstance(entry, dict) and (set(entry) != {"file"} or not isinstance(entry["file"], str)):
                failed.append((f"allow[{index}]", base.ValidationError(
                    f"expected a phrase or `file: PATH`, got {entry!r}")))
        return failed, warnings


class _LeakGuardOption(c.SubConfig[LeakGuardConfig]):
    """The `leak_guard:` SubConfig, also accepting `true`/`false` for `enabled`."""

    def run_validation(self, value):
        if isinstance(value, bool):
            value = {"enabled": value}
        return super().run_validation(value)


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
    # Scan every build for paid text (turning it off is for debugging only).
    leak_guard = _LeakGuardOption()
    storage = c.Type(dict, default={})
    leaderboard = c.Type(dict, default={})
