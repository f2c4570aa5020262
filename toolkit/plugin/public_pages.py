"""What of the content may be public: teasers, sanitized front matter, and which assets.

For every locked page this gives the Markdown MkDocs will be handed (teaser
only), the remainder kept aside for `gated/`, and the assets that only paid
text references, which must not be copied into `site/`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace

import yaml

from toolkit.content.model import Page, Site, is_markdown
from toolkit.content.references import references
from toolkit.content.schema import public_keys
from toolkit.plugin.teaser import Renderer, split
from toolkit.content.text import count_words, plain_text, reading_minutes, shorten

log = logging.getLogger("mkdocs.plugins.folio")


@dataclass(frozen=True)
class LockedPage:
    page: Page
    teaser: str
    remainder: str

    @property
    def locked_minutes(self) -> int:
        """Reading time of the locked part; 0 when nothing beyond the teaser is locked."""
        return reading_minutes(self.remainder) if count_words(self.remainder) else 0


@dataclass
class PublicSite:
    markdown: dict[str, str] = field(default_factory=dict)  # src -> public Markdown (locked pages)
    locked: dict[str, LockedPage] = field(default_factory=dict)
    paid_only_assets: set[str] = field(default_factory=set)
    public_refs: set[str] = field(default_factory=set)  # files public pages link to or embed

    def public_texts(self, site: Site) -> list[str]:
        """Every text that is legitimately public, for the leak guard's allow-list."""
        return [self.locked[src].teaser if src in self.locked else page.body for src, page in site.pages.items()]


def make_public(site: Site, teaser_words: int, renderer: Renderer | None = None, shown=str) -> PublicSite:
    """The public form of every locked page, and the assets only paid parts use.

    `renderer` renders Markdown as the site does (its extensions): teasers are cut on its blocks.
    """
    public = PublicSite()
    for page in site.locked_pages:
        parts = split(page.body, teaser_words, renderer)
        if parts.no_text:
            log.warning("%s: locked page with no text to show: its public page has only a title and the "
                        "paywall; start it with a paragraph, or put one before `<!-- more -->`", shown(page.src))
        elif parts.cut_inside:
            log.warning("%s: teaser cut inside a block: its first text block is longer than teaser_words "
                        "(%d) on its own, so the public page shows its first sentences; put `<!-- more -->` "
                        "on a line of its own where the teaser should end", shown(page.src), teaser_words)
        if not page.meta.get("title"):
            # Without `title:` the title is the first `# heading`: it must be one of the teaser,
            # never a heading (or a `# comment` in code) of the locked part.
            page.meta["title"] = replace(page, body=parts.teaser).title
        public.locked[page.src] = LockedPage(page, parts.teaser, parts.remainder)
        public.markdown[page.src] = public_markdown(page, parts.teaser)
    public.paid_only_assets, public.public_refs = _paid_only_assets(site, public)
    return public


# libyaml's emitter where PyYAML has it: the same YAML, several times faster than PyYAML's own.
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def public_markdown(page: Page, teaser: str) -> str:
    """Front matter with only safe keys, a description from the teaser, then the teaser."""
    meta = {key: _yaml_safe(page.meta[key]) for key in public_keys(page.kind) if key in page.meta}
    meta["title"] = page.title
    description = shorten(plain_text(teaser_without_headings(teaser)))
    if description:
        meta["description"] = description
    front = yaml.dump(meta, Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n{teaser}"


def teaser_without_headings(teaser: str) -> str:
    return re.sub(r"^#{1,6}\s.*$", "", teaser, flags=re.M)


def _yaml_safe(value):
    """Dates stay dates (Material's blog requires one), whether YAML or our loader read them."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _paid_only_assets(site: Site, public: PublicSite) -> tuple[set[str], set[str]]:
    paid_refs: set[str] = set()
    public_refs: set[str] = set()
    for src, page in site.pages.items():
        if src in public.locked:
            paid_refs |= references(public.locked[src].remainder, src)
            public_refs |= references(public.locked[src].teaser, src)
        else:
            public_refs |= references(page.body, src)
    return {ref for ref in paid_refs - public_refs if not is_markdown(ref)}, public_refs
