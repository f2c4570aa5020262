"""Presigned GET links for objects a manifest names: what `folio presign` and the gate hand out.

A link is only ever signed for a key the manifest lists under the product the
caller names (a page, a download, or an asset one of the product's pages uses),
so a request can never choose what gets signed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from toolkit.errors import FolioError
from toolkit.gated.manifest import Manifest, StoredObject
from toolkit.store.client import StorageSettings

MINUTE = 60
MAX_TTL = 7 * 24 * 60 * MINUTE  # SigV4 presigned URLs cannot live longer
DEFAULT_TTL = {"bundle": 15 * MINUTE, "epub": 15 * MINUTE, "page": 5 * MINUTE, "asset": 5 * MINUTE}
DOWNLOAD_SUFFIX = {"bundle": ".zip", "epub": ".epub"}


class NotInManifest(FolioError):
    """The product or key is not in the manifest, so no link may be signed for it."""


@dataclass(frozen=True)
class PresignedLink:
    """A signed GET URL for one manifest object. Never log `url`."""

    key: str
    role: str
    title: str
    ttl: int
    url: str = field(repr=False)


def product_objects(manifest: Manifest, product_id: str, role: str | None = None) -> list[StoredObject]:
    """The manifest's objects for one product, optionally only one role."""
    product = manifest.products.get(product_id)
    if product is None:
        known = ", ".join(sorted(manifest.products)) or "none"
        raise NotInManifest(f"No product {product_id!r} in the manifest; known products: {known}.")
    return [obj for obj in product.objects if role is None or obj.role == role]


def manifest_object(manifest: Manifest, product_id: str, key: str) -> StoredObject:
    """The object `key` of `product_id`: one of its own, or an asset one of its pages uses."""
    for obj in product_objects(manifest, product_id):
        if obj.key == key:
            return obj
    asset = manifest.asset(key)
    if asset is not None and any(ref.key == key for page in manifest.products[product_id].pages
                                 for ref in page.assets):
        return asset
    raise NotInManifest(f"{key!r} is not an object of product {product_id!r}.")


def bounded_ttl(role: str, ttl: int | timedelta | None) -> int:
    """The link lifetime in seconds: the role's default, never above seven days."""
    if ttl is None:
        return DEFAULT_TTL.get(role, 5 * MINUTE)
    if isinstance(ttl, timedelta):
        ttl = int(ttl.total_seconds())
    if not 1 <= int(ttl) <= MAX_TTL:
        raise FolioError(f"A link's lifetime must be between 1 second and 7 days, got {ttl} seconds.")
    return int(ttl)


def download_filename(key: str, role: str | None = None) -> str:
    """'course/x/async-python.1a2b3c4d.zip' -> 'async-python.zip', safe inside a quoted header."""
    name = PurePosixPath(key).name
    name = re.sub(r"\.[0-9a-f]{8}(?=\.[^.]+$)", "", name)  # the content hash means nothing to a buyer
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return name[:120] or "download"


def content_disposition(obj: StoredObject, inline: bool = False) -> str:
    """Pages and their assets open in the browser; bundles and EPUBs download under a clean name."""
    if inline or obj.role in ("page", "asset"):
        return "inline"
    return f'attachment; filename="{download_filename(obj.key)}"'


def presign_object(client, settings: StorageSettings, manifest: Manifest, product_id: str, key: str,
                   ttl: int | timedelta | None = None, inline: bool = False) -> PresignedLink:
    """A signed GET link for one object of `product_id`, valid `ttl` (seconds or timedelta).

    `key` must be listed under that product in `manifest` (`NotInManifest` otherwise).
    """
    obj = manifest_object(manifest, product_id, key)
    params = {
        "Bucket": settings.bucket,
        "Key": settings.key_for(obj.key),
        "ResponseContentType": obj.content_type,
        "ResponseContentDisposition": content_disposition(obj, inline),
    }
    expires = bounded_ttl(obj.role, ttl)
    url = client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
    return PresignedLink(obj.key, obj.role, obj.title, expires, url)


def presign_product(client, settings: StorageSettings, manifest: Manifest, product_id: str,
                    role: str | None = None, ttl: int | timedelta | None = None) -> list[PresignedLink]:
    """Signed links for every object of a product (or of one role), in manifest order."""
    return [presign_object(client, settings, manifest, product_id, obj.key, ttl)
            for obj in product_objects(manifest, product_id, role)]
