"""One seeded community for the whole package of report tests (seeding a year takes seconds, once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.leaderboard_repo import ISOLATED_GIT
from tests.report.seed import events_file, seed_git, seed_stripe
from toolkit.cli import main
from toolkit.sandbox.stripe import StripeStandIn


class Community:
    def __init__(self, root: Path, standin: StripeStandIn, seeded):
        self.root, self.standin, self.seeded = root, standin, seeded
        self.events = events_file(root / "events.jsonl")
        self.out = root / "reports"

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def run(self, *args: str, stripe: bool = True):
        env = {"STRIPE_API_KEY": self.standin.api_key, "STRIPE_API_BASE": self.standin.url} if stripe else \
            {"STRIPE_API_KEY": ""}
        return CliRunner().invoke(main, ["report", "-f", str(self.config_file), *args], env=env,
                                  catch_exceptions=False)

    def report(self, label: str) -> dict:
        return json.loads((self.out / label / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="package")
def community(tmp_path_factory):
    root = tmp_path_factory.mktemp("community")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ISOLATED_GIT.items():
            patch.setenv(name, value)
        patch.setenv("HOME", str(root))
        seed_git(root / "site")
        with StripeStandIn() as standin:
            seeded = seed_stripe(standin)
            community = Community(root / "site", standin, seeded)
            november = community.run("--month", "2026-11", "--payouts", "--events", str(community.events),
                                     "--out", str(community.out))
            assert november.exit_code == 0, november.output
            year = community.run("--since", "2025-12-01", "--until", "2026-11-30", "--out", str(community.out))
            assert year.exit_code == 0, year.output
            yield community
