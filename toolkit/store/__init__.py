"""S3: the client and its error advice, bucket checks, publish, presign.

The public API the gate (and `folio presign`) imports:
`make_client`, `StorageSettings`, `read_published_manifest`, `presign_object`,
`presign_product`, `PresignedLink`, `NotInManifest`.
"""

from toolkit.store.client import StorageSettings, make_client, read_published_manifest
from toolkit.store.presign import NotInManifest, PresignedLink, presign_object, presign_product

__all__ = ["StorageSettings", "make_client", "read_published_manifest", "NotInManifest", "PresignedLink",
           "presign_object", "presign_product"]
