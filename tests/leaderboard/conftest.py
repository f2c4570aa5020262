"""Every leaderboard test runs git with the machine's configuration ignored (one fixture, defined once)."""

from __future__ import annotations

import pytest

from tests.leaderboard_repo import isolate_git


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    isolate_git(monkeypatch, tmp_path)
