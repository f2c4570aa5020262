"""What a fresh clone needs is declared: every package toolkit/ imports, the version, the licences."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import toolkit

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# Imports of optional parts, declared in the extra that installs them (the code says so when missing).
EXTRAS_FOR = {"sandbox": ("toolkit/sandbox/",)}


def _name(requirement: str) -> str:
    """The distribution a requirement names, normalised (PEP 503): `moto[server]>=5` -> `moto`."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def imported_modules(path: Path) -> set[str]:
    """The top-level modules a file imports, wherever the import statement sits."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def third_party_imports() -> dict[str, set[str]]:
    """distribution -> the toolkit/ files importing it (stdlib and toolkit itself left out)."""
    owners = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "toolkit").rglob("*.py")):
        for module in imported_modules(path) - set(sys.stdlib_module_names) - {"toolkit", "__future__"}:
            assert module in owners, f"{path.relative_to(REPO)} imports {module}, which no installed package provides"
            for distribution in owners[module]:
                found.setdefault(_name(distribution), set()).add(path.relative_to(REPO).as_posix())
    return found


def test_every_package_toolkit_imports_is_declared():
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {extra: {_name(r) for r in requirements}
              for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items()}
    undeclared = {}
    for distribution, files in third_party_imports().items():
        if distribution in runtime:
            continue
        # Allowed in an extra only when every importing file is the part that extra installs for.
        allowed = [extra for extra, folders in EXTRAS_FOR.items()
                   if distribution in extras[extra] and all(f.startswith(folders) for f in files)]
        if not allowed:
            undeclared[distribution] = sorted(files)
    assert undeclared == {}, "imported by toolkit/ but not in pyproject.toml's dependencies"


def test_the_check_sees_imports_inside_functions():
    # botocore is only imported inside functions: a check of module-level imports would miss it.
    assert "botocore" in third_party_imports()
    assert _name("moto[server]>=5.0") == "moto" and _name("Flask_WTF>=1.2") == "flask-wtf"


def test_the_version_is_one_fact():
    assert toolkit.__version__ == PYPROJECT["project"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", toolkit.__version__)  # semantic versioning
    assert f"## [{toolkit.__version__}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_licences_ship():
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    katex = (REPO / "toolkit/gated/vendor/katex/LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2013-2020 Khan Academy and other contributors" in katex
    assert "gated/vendor/**/*" in PYPROJECT["tool"]["setuptools"]["package-data"]["toolkit"]
    stripe = REPO / "tests/sandbox/stripe_openapi"
    assert (stripe / "fixtures.json").is_file() and "Stripe, Inc." in (stripe / "LICENSE-stripe-openapi").read_text()
