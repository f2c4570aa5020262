"""The layer contract in pyproject.toml: imports point one way along the flow."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    return shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"


def test_stages_depend_one_way():
    result = subprocess.run([_lint_imports()], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Stages of the flow depend one way KEPT" in result.stdout


def test_the_contract_catches_an_upward_import(tmp_path):
    """A copy of the package where content/ imports build/ must break the contract."""
    copy = tmp_path / "toolkit"
    shutil.copytree(ROOT / "toolkit", copy, ignore=shutil.ignore_patterns("__pycache__"))
    model = copy / "content" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport toolkit.build.plugin  # noqa\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run([_lint_imports()], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "toolkit.content.model -> toolkit.build.plugin" in result.stdout
