"""Paid chapters are pages of the site: each locked page is rendered again, whole, in the site's theme,
into gated/ (never site/), with its locked part in place and its paid figure as a signed-to-be ref."""

from __future__ import annotations

import json
import re

import pytest

from tests.sites import find, site_texts, write_site
from toolkit.gated.manifest import Manifest
from toolkit.plugin.staging import build_site

SECRET = "The quartz heron ledger reconciles every refund before the nightly settlement batch closes."
SITE = "https://leak.example/"
FIGURE = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'

PAGES = {
    "index.md": "# Home\n",
    "courses/ledger/index.md": "---\ntype: course\ntitle: Ledger Course\nprice: 19 USD\nlevel: beginner\n"
                               "authors: [Ana]\n---\n# Ledger Course\n",
    "courses/ledger/01-open.md": "---\ntitle: Open\naccess: free\n---\n# Open\n\nFree words.\n",
    "courses/ledger/02-close.md": (
        "---\ntitle: Closing the books\n---\n# Closing the books\n\nA free opening about ledgers.\n\n"
        "<!-- more -->\n\n## The nightly batch\n\n" + SECRET + "\n\n![The batch](img/batch.svg)\n\n"
        "!!! note \"Careful\"\n    Admonitions render as on the site.\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("member-pages")
    config = write_site(root, PAGES, assets={"courses/ledger/img/batch.svg": FIGURE})
    _, plugin = build_site(config)
    return root, plugin


def objects(plugin, role):
    return [o for o in plugin.manifest.products["course:ledger"].objects if o.role == role]


def test_each_locked_page_gets_a_site_page_and_a_locked_part_in_the_manifest(built):
    root, plugin = built
    [site_page] = objects(plugin, "site-page")
    [part] = objects(plugin, "locked-part")
    assert site_page.source == part.source == "courses/ledger/02-close.md"
    again = Manifest.load(root / "gated" / "manifest.json")
    assert again.schema == 4
    assert again.products["course:ledger"].site_page("courses/ledger/02-close.md").key == site_page.key
    for obj in (site_page, part):
        assert (root / "gated" / obj.key).read_bytes().decode().count(SECRET) == 1


def test_the_site_page_is_a_page_of_the_site_with_its_locked_part_in_place(built):
    root, plugin = built
    [site_page] = objects(plugin, "site-page")
    html = (root / "gated" / site_page.key).read_text(encoding="utf-8")
    # Material's header, navigation with the course's chapters, palette, code copy, the admonition.
    assert 'data-md-component="header"' in html and 'class="md-nav md-nav--primary"' in html
    assert f'href="{SITE}courses/ledger/01-open/"' in html
    assert re.search(rf'<link rel="stylesheet" href="{re.escape(SITE)}assets/stylesheets/main\.[0-9a-f]+\.min\.css"',
                     html)
    assert f'src="{SITE}assets/javascripts/bundle.' in html
    assert 'class="admonition note"' in html
    # The locked part is in place of the paywall, and the table of contents names its heading.
    assert 'id="folio-paywall"' not in html and '<div class="folio-locked" id="folio-locked">' in html
    assert 'href="#the-nightly-batch" class="md-nav__link"' in html
    # Served by the gate: every theme file at the site, no relative URL left but anchors and the figure.
    relative = [u for u in re.findall(r'(?:src|href)="([^"]*)"', html) if not u.startswith(("http", "#", "mailto:"))]
    assert relative == ["../../assets/" + site_page.assets[0].key.split("/")[1]]
    # Material's page configuration points at the site and leaves search out (its worker cannot cross origins).
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert config["base"] == SITE.rstrip("/") and "search" not in config


def test_the_paid_figure_is_an_asset_the_gate_signs(built):
    root, plugin = built
    [page] = plugin.manifest.products["course:ledger"].pages
    [site_page] = objects(plugin, "site-page")
    [part] = objects(plugin, "locked-part")
    assert site_page.assets == part.assets == page.assets
    ref = page.assets[0].ref
    for obj in (site_page, part):
        assert f'src="{ref}"' in (root / "gated" / obj.key).read_text(encoding="utf-8")


def test_the_locked_part_is_the_locked_part_and_the_table_of_contents_only(built):
    root, plugin = built
    [part] = objects(plugin, "locked-part")
    html = (root / "gated" / part.key).read_text(encoding="utf-8")
    assert html.startswith('<div class="folio-locked" id="folio-locked">')
    assert "A free opening about ledgers" not in html and "md-header" not in html
    assert '<nav class="md-nav md-nav--secondary"' in html


def test_site_holds_no_locked_text_and_the_public_page_keeps_its_paywall(built):
    root, _ = built
    texts = site_texts(root / "site")
    assert find(texts, SECRET) == []
    public = (root / "site" / "courses" / "ledger" / "02-close" / "index.html").read_text(encoding="utf-8")
    assert 'id="folio-paywall"' in public and "folio-locked" not in public
    assert 'id="folio-members"' in public and 'data-locked="1"' in public


def test_a_second_build_keeps_one_site_page_per_locked_page(built):
    root, plugin = built
    config = root / "mkdocs.yml"
    _, again = build_site(config)
    assert [o.key for o in objects(again, "site-page")] == [o.key for o in objects(plugin, "site-page")]
    files = sorted(p.name for p in (root / "gated" / "course" / "ledger").glob("02-close*.html"))
    assert len(files) == 3  # the standalone page, the site page, the locked part


def test_the_standalone_page_has_its_stylesheet_unescaped(built):
    root, plugin = built
    [page] = plugin.manifest.products["course:ledger"].pages
    html = (root / "gated" / page.key).read_text(encoding="utf-8")
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "&#34;" not in style and "&gt;" not in style and '"Segoe UI"' in style
