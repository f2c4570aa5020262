"""What a reader sees of Folio on a page, written into the page's Markdown as HTML blocks.

The chapter, salon and article headers and the paywall box (with its Buy forms) are rendered
from Folio's partials (`theme/partials/folio-header.html`, `theme/partials/paywall.html`, or the
site's own of the same name under `theme.custom_dir`) and placed in the public tree's Markdown,
so any builder that reads the tree (MkDocs, Zensical) shows them and the page sells without
Folio's templates. Their look comes from `assets/folio.css`, published as an `extra_css` file.
The element ids and classes (`#folio-paywall`, `.folio-paywall`, `data-product`) are what the
gate's links and the in-place unlock script find the paywall by: keep them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2

from toolkit.content.model import Site
from toolkit.content.strings import strings
from toolkit.gated.products import page_language
from toolkit.plugin.public_pages import PublicSite

THEME_DIR = Path(__file__).resolve().parent / "theme"
# Folio's stylesheet: written into the public tree at CSS_PATH and named in extra_css.
CSS_FILE = Path(__file__).resolve().parent / "assets" / "folio.css"
CSS_PATH = "assets/folio.css"

HEADER_KINDS = ("chapter", "article", "salon")


class PageBlocks:
    """Renders the header and paywall blocks of each page from the site's facts."""

    def __init__(self, site: Site, public: PublicSite, language: str, today: date, gate_url: str | None,
                 checkout_url: Callable[[str], str | None], custom_dir: str | None = None):
        self.site, self.public, self.language, self.today = site, public, language, today
        self.gate_url, self.checkout_url = gate_url, checkout_url
        roots = [str(custom_dir)] if custom_dir else []
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(roots + [str(THEME_DIR)]),
                                      autoescape=True, keep_trailing_newline=False)
        # Partials written for MkDocs pipe links through `url`; the links given here are already relative.
        self.env.filters["url"] = lambda value: value

    def add_to(self, src: str, markdown: str, url_for: Callable[[str], str], paywall: bool = True) -> str:
        """`markdown` with the page's header under its title and, when locked (and `paywall`), the
        paywall at its end (a member's rendering of the page has the header and no paywall)."""
        context = self.context(src, url_for)
        if context is None:
            return markdown
        if context["kind"] in HEADER_KINDS:
            from toolkit.plugin.listings import after_title

            markdown = after_title(markdown, self._block("partials/folio-header.html", context))
        if context["locked"] and paywall:
            markdown = markdown.rstrip() + "\n\n" + self._block("partials/paywall.html", context) + "\n"
        return markdown

    def _block(self, template: str, context: dict) -> str:
        html = self.env.get_template(template).render(folio=context)
        # One raw HTML block for Markdown: no blank line ends it early, no indent makes it code.
        lines = [line.strip() for line in html.splitlines() if line.strip()]
        return "\n" + "\n".join(lines) + "\n" if lines else ""

    def context(self, src: str, url_for: Callable[[str], str]) -> dict | None:
        """What the header and paywall templates need (public facts only); None for other pages."""
        page = self.site.pages.get(src)
        if page is None or page.kind not in ("chapter", "article", "salon", "page"):
            return None
        t = strings(page_language(self.site, page, self.language))
        info = {
            "t": t, "kind": page.kind, "src": src, "title": page.title, "access": page.access,
            "locked": page.locked, "minutes": page.minutes, "product": page.product,
            "date": page.date.isoformat() if page.date else "", "authors": page.meta.get("authors", []),
        }
        if page.kind == "chapter" and page.course in self.site.courses:
            course = self.site.courses[page.course]
            info.update(course_title=course.title, course_url=url_for(course.index.src),
                        position=course.chapters.index(page) + 1, count=len(course.chapters))
        if page.kind == "salon":
            info.update(location=page.meta.get("location", ""), speakers=page.meta.get("speakers", []),
                        # A members salon's resources are for members: the gate shows them, never this page.
                        slides=None if page.locked else page.meta.get("slides"),
                        recording=None if page.locked else page.meta.get("recording"),
                        upcoming=bool(page.date and page.date >= self.today))
        if page.locked:
            info.update(self._paywall(page, t))
        return info

    def _paywall(self, page, t) -> dict:
        offers = []
        if page.product.startswith("course:"):
            course = self.site.courses[page.course]
            if course.price:
                offers.append({"product": course.product, "plan": "one_time",
                               "label": t["buy_course"].format(price=course.price.display)})
        for plan, price in self.site.membership.items():
            offers.append({"product": "membership", "plan": plan, "label": t[f"join_{plan}"].format(price=price.display)})
        gate = self.gate_url
        # The gate's routes (toolkit/gate): POST /checkout/<product>, GET /read/<product>/<page>, /signin.
        for offer in offers:
            offer["action"] = self.checkout_url(offer["product"])
        return {
            "offers": offers,
            # 0 when nothing beyond the teaser is locked: the paywall then names no reading time.
            "locked_minutes": self.public.locked[page.src].locked_minutes,
            "checkout_url": gate and f"{gate}/checkout",
            "read_url": f"{gate}/read/{page.product}/{quote(page.src)}" if gate else None,
            "login_url": f"{gate}/signin" if gate else None,
        }
