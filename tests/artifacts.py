"""Where browser tests keep their screenshots: tests/artifacts/ (git-ignored), or $FOLIO_TEST_ARTIFACTS."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("FOLIO_TEST_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")


def artifact(name: str) -> Path:
    """A path for the artifact `name` (folders made as needed)."""
    path = ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
