"""MkDocs plugin `folio` (work in progress: hooks coordinate the modules)."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from toolkit.config import FolioConfig


class FolioPlugin(BasePlugin[FolioConfig]):
    timings: dict[str, float]

    def __init__(self) -> None:
        self.timings = {}
