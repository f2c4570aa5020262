"""What the person running `folio publish` asked for: the flags every publish step reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishOptions:
    dry_run: bool = False
    create_bucket: bool = False
    allow_public_bucket: bool = False
    prune: bool = False
    keep: int | None = None  # None: the `keep` setting
