"""GET /unlock/state: what the site's pages ask the gate, once per page view, from the browser.

The static site cannot know who reads it; its small script (`assets/folio-members.js`)
asks here, with the gate's cookies (a `fetch` with credentials). The answer says whether
a reader is signed in, what they may read now, and, for a locked page the reader may read,
its locked part as an HTML fragment with signed asset URLs, which the script puts in place
of the paywall. One request answers all of it, so a signed-out reader's page costs one
request to the gate and nothing else.

Only the site's own origin (`site_url`) may read the answer (CORS with credentials for that
origin alone); any other page gets no CORS header, so its browser keeps the answer from it.
Who reads and what they may read is asked of `toolkit.gate.access` only. When the browser
does not send the gate's cookie (a gate on another registrable domain, cookies blocked),
the answer is "signed out" and the paywall stays exactly as the build wrote it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from toolkit.gate import access
from toolkit.gate.links import is_source_path
from toolkit.gate.pages import services
from toolkit.gate.read import signed_html
from toolkit.gate.settings import origin_of

bp = Blueprint("unlock", __name__)


@bp.app_context_processor
def site_look() -> dict:
    """Every gate page names the site it belongs to (its header links back to it)."""
    return {"site_name": services().settings.site_name}


@bp.get("/unlock/state")
def state():
    gate = services()
    email = access.reader_email()
    readable = access.products_readable()
    answer: dict = {
        "signed_in": email is not None,
        "email": email,
        "products": sorted(readable),
        "library": url_for("members.library", _external=False),
        "signin": url_for("members.signin", _external=False),
    }
    source = request.args.get("page", "")
    if readable and is_source_path(source):
        manifest = gate.manifest()
        for product_id in sorted(manifest.products):
            part = manifest.products[product_id].locked_part(source)
            if part is not None and access.may_read(product_id):
                answer["unlocked"] = {"product": product_id,
                                      "read": url_for("read.page", product=product_id, page=source),
                                      "html": signed_html(gate, manifest, product_id, part)}
                break
    return _for_the_site(jsonify(answer), gate.settings.site_url)


def _for_the_site(response, site_url: str):
    """CORS for the site's own origin only; never cached (the answer is this reader's)."""
    site = origin_of(site_url)
    origin = request.headers.get("Origin")
    if site and origin == site:
        response.headers["Access-Control-Allow-Origin"] = site
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response
