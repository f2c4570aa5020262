"""The text of a private file of a priced course, for fingerprints: what a reader of it would see.

Source code, text, CSV and JSON are read as text (any encoding `contents.decode` knows);
a notebook gives its cells' sources and text outputs; a PDF gives the text pypdf extracts
(a scanned PDF gives none: the guard cannot see it, and says so). Images, fonts and other
media hold no text Folio could look for.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from toolkit.leakguard.contents import _is_media, decode

# A file larger than this is fingerprinted from its first bytes only (a data dump, a video).
MAX_BYTES = 16 * 1024 * 1024


def private_text(path: Path) -> tuple[str, str | None]:
    """Give (text, why it could not be read or None) of the private file at `path`."""
    try:
        data = Path(path).read_bytes()[:MAX_BYTES]
    except OSError as exc:
        return "", f"cannot be read ({exc.strerror or exc})"
    name = str(path).lower()
    if data.startswith(b"%PDF") or name.endswith(".pdf"):
        return _pdf_text(data)
    if _is_media(data):
        return "", None
    texts = decode(data)
    if not texts:
        return "", "binary file: its text (if any) is not fingerprinted"
    text = texts[0]
    if name.endswith(".ipynb"):
        return _notebook_text(text), None
    return text, None


def _notebook_text(text: str) -> str:
    try:
        notebook = json.loads(text)
    except ValueError:
        return text  # not JSON after all: its text as it is
    parts: list[str] = []
    for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
        if not isinstance(cell, dict):
            continue
        parts.append(_joined(cell.get("source")))
        for output in cell.get("outputs", []) or []:
            if isinstance(output, dict):
                parts.append(_joined(output.get("text")))
                data = output.get("data") or {}
                if isinstance(data, dict):
                    parts += [_joined(data.get(kind)) for kind in ("text/plain", "text/markdown", "text/html")]
    return "\n\n".join(part for part in parts if part)


def _joined(value) -> str:
    if isinstance(value, list):
        return "".join(str(item) for item in value)
    return value if isinstance(value, str) else ""


def _pdf_text(data: bytes) -> tuple[str, str | None]:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - a runtime dependency
        return "", "PDF: pypdf is not installed, so its text is not fingerprinted"
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds on damaged files
        return "", f"PDF: pypdf could not read it ({exc.__class__.__name__})"
    if not text.strip():
        return "", "PDF without extractable text (a scan?): the guard cannot see its contents"
    return text, None
