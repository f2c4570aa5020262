"""URLs the gate hands out: pages of the public site, the gate's own base URL."""

from __future__ import annotations

import re

from toolkit.gate.settings import GateSettings

# A content source path as the build writes it: no scheme, no '..', no leading '/'.
_SOURCE = re.compile(r"(?!/)(?!.*(?:^|/)\.\.(?:/|$))[\w\-./]{1,300}\.(?:md|markdown|mdown|mkdn|mkd)")


def is_source_path(value: str | None) -> bool:
    return bool(value) and bool(_SOURCE.fullmatch(value))


def site_page_url(settings: GateSettings, source: str | None, fragment: str = "") -> str:
    """The public site's URL of the page built from `source` (the site's home for anything else)."""
    base = settings.site_url.rstrip("/") + "/"
    if not is_source_path(source):
        return base
    from mkdocs.structure.files import File

    url = File(source, "", "", settings.use_directory_urls).url
    url = "" if url in ("", "./", ".") else url
    return base + url + (f"#{fragment}" if fragment else "")


def gate_base_url(settings: GateSettings) -> str:
    """Where readers reach the gate: the configured gate_url, never a request's Host or X-Forwarded-*."""
    return settings.gate_url.rstrip("/")
