"""GET /read/<product>/<page> and GET /download/<product>/<key>: paid bytes, for a reader entitled now.

Whether the reader is entitled is asked of `toolkit.gate.access` on every request (the
verdict, through the entitlement cache), never of a cookie. The page's HTML comes from S3
with each asset reference the manifest lists replaced by a short-lived signed URL; a
download answers 303 to a fresh signed URL. Product, page and object keys are all looked
up in the manifest; nothing from the request becomes an S3 key.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request
from markupsafe import escape

from toolkit.gate import access, events
from toolkit.gate.links import site_page_url
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
    if not access.may_read(product):
        ended = _why_it_ended(product)
        if ended is not None:
            # A signed-in reader whose purchase stopped counting: say why, and what to do.
            from toolkit.gate.success import NOT_GRANTED

            return message(ended, NOT_GRANTED[ended][1])
        # Back to the page's paywall on the site, where the reader can buy or sign in.
        return redirect(site_page_url(gate.settings, stored.source, "folio-paywall"), 303)
    html = gate.page_html(stored)
    html = _sign_assets(gate, manifest, product, stored, html)
    events.emit("read", access.reader_email(), product, gate.settings.secret_key, page=stored.source)
    return Response(html, mimetype="text/html")


@bp.get("/download/<product>/<path:key>")
def download(product: str, key: str):
    """A product's download (zip, EPUB): checked now, then a short-lived signed URL (303)."""
    gate = services()
    manifest = gate.manifest()
    found = manifest.products.get(product)
    stored = next((obj for obj in found.downloads if obj.key == key), None) if found is not None else None
    if stored is None:
        return message("not_found", 404)
    if not access.may_read(product):
        from flask import url_for

        return redirect(url_for("members.signin"), 303)
    link = gate.sign(manifest, product, stored.key)
    events.emit("download", access.reader_email(), product, gate.settings.secret_key, obj=stored.key)
    return redirect(link.url, 303)


ENDED = ("refunded", "disputed", "canceled", "payment_failed")


def _why_it_ended(product: str) -> str | None:
    """The state of the signed-in reader's purchase of `product` (or the membership) that no longer counts."""
    from toolkit.gate.membership import MEMBERSHIP

    entitlements = access.reader_entitlements()
    if entitlements is None:
        return None
    for _, product_id, state in entitlements.revoked:
        if product_id in (product, MEMBERSHIP) and state in ENDED:
            return state
    return None


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
