"""Folio: membership publishing for technical communities on MkDocs + Material."""

__version__ = "0.2.0"  # = project.version in pyproject.toml (tests/test_dependencies.py)
