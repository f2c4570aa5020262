"""Folio: membership publishing for technical communities on MkDocs + Material."""

__version__ = "0.1.0"
