"""GET /read/<product>/<page>: a paid page, for a reader whose cookie entitles its product.

The page is the build's member page (a full page of the site: its header, navigation,
theme and locked part in place; theme files load from the public site), or the standalone
page of a manifest written before member pages existed. Its HTML comes from S3 with each
asset reference the manifest lists replaced by a short-lived signed URL. Product, page and
asset keys are all looked up in the manifest; nothing from the request becomes an S3 key.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request
from markupsafe import escape

from toolkit.gate.links import site_page_url
from toolkit.gate.membership import read_cookie
from toolkit.gate.pages import message, services

bp = Blueprint("read", __name__)


@bp.get("/read/<product>/<path:page>")
def page(product: str, page: str):
    gate = services()
    manifest = gate.manifest()
    found = manifest.products.get(product)
    stored = found.page(page) if found is not None else None
    if stored is None:
        return message("not_found", 404)
    grants = read_cookie(request)
    if grants is None or not grants.entitles(product):
        # Back to the page's paywall on the site, where the reader can buy or sign in.
        return redirect(site_page_url(gate.settings, stored.source, "folio-paywall"), 303)
    shown = found.site_page(page) or stored
    html = signed_html(gate, manifest, product, shown)
    return Response(html, mimetype="text/html")


def signed_html(gate, manifest, product_id: str, stored) -> str:
    """A stored page (or locked part) of `product_id`, its assets as short-lived signed URLs."""
    return _sign_assets(gate, manifest, product_id, stored, gate.page_html(stored))


def _sign_assets(gate, manifest, product_id: str, stored, html: str) -> str:
    """Replace every asset reference the manifest lists for this page with a signed URL."""
    for asset in stored.assets:
        link = gate.sign(manifest, product_id, asset.key, inline=True)
        url = str(escape(link.url))
        html = html.replace(f'"{asset.ref}"', f'"{url}"').replace(f"'{asset.ref}'", f"'{url}'")
    return html


@bp.get("/read/<product>")
def by_query(product: str):
    """`/read/<product>?page=<source>`, as links inside downloaded bundles write it: same as the path form."""
    from flask import url_for

    from toolkit.gate.links import is_source_path

    source = request.args.get("page", "")
    if not is_source_path(source):
        return message("not_found", 404)
    return redirect(url_for("read.page", product=product, page=source), 302)
