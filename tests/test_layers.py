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
    model.write_text(model.read_text(encoding="utf-8") + "\nimport toolkit.plugin.plugin  # noqa\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run([_lint_imports()], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "toolkit.content.model -> toolkit.plugin.plugin" in result.stdout


def _import_circles() -> list[list[str]]:
    """Every group of toolkit modules that import each other in a circle (Tarjan's SCCs),
    counting imports made only for type checking and imports inside functions."""
    import grimp

    graph = grimp.build_graph("toolkit", include_external_packages=False)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_through_others():
    assert _import_circles() == []
