"""The publish job: gated/ -> private S3 bucket, incremental and atomic.

Order matters and is the whole design:

1. the bucket exists, is in the configured region and blocks public access;
2. one paginated listing of the prefix says which content-addressed keys exist
   (a key names one content, so an existing key never needs uploading again);
3. the missing downloads are assembled from their pack lists (the build stores each
   figure once, not inside every zip and EPUB), and the missing objects are uploaded
   in parallel by boto3's transfer manager;
4. a copy of the manifest goes to ``manifests/<UTC time>-<sha8>.json``;
5. ``manifest.json`` is written last: until then readers see the previous
   manifest, and every object it names is still there.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Protocol

from toolkit.errors import FolioError
from toolkit.gated.assets import file_sha256
from toolkit.gated.manifest import MANIFEST_NAME, Manifest, safe_path
from toolkit.gated.pack import Pack, assemble
from toolkit.store.bucket import check_private, ensure_bucket
from toolkit.store.options import PublishOptions  # noqa: F401  (callers import it from here too)
from toolkit.store.client import (
    HISTORY_DIR,
    ListedObject,
    RequestCounter,
    StorageSettings,
    explain,
    list_prefix,
    read_published_manifest,
    s3_errors,
)

log = logging.getLogger(__name__)

# Only keys shaped like our own output are ever pruned, even with an empty prefix.
PRUNABLE = re.compile(r"^((course|membership)/.+\.[0-9a-f]{8}\.[A-Za-z0-9]+|assets/[0-9a-f]{16}\.[A-Za-z0-9]+"
                      r"|manifests/[^/]+\.json)$")


# --------------------------------------------------------------------------
# What is in gated/


@dataclass(frozen=True)
class GatedObject:
    """One object to publish, as the manifest describes it.

    A download made from a pack list has `pack` (the list's file and sha256) and no path,
    size or sha256 until `assembled` writes it.
    """

    key: str
    path: Path | None
    size: int
    sha256: str
    content_type: str
    pack: tuple[Path, str] | None = None

    def assembled(self, folder: Path, gated_dir: Path) -> "GatedObject":
        """This download, assembled into `folder` from its pack list, with its own size and sha256."""
        if self.pack is None:
            return self
        path, sha256 = self.pack
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise FolioError(f"{path}: changed after the manifest was written. Run `folio build` again.")
        target = folder / PurePosixPath(self.key).name
        assemble(Pack.from_bytes(data, str(path)), gated_dir, target)
        return replace(self, path=target, size=target.stat().st_size, sha256=file_sha256(target), pack=None)

    def content_size(self) -> int:
        """Bytes to upload; for a download not assembled yet, its entries before compression."""
        if self.pack is None:
            return self.size
        path = self.pack[0]
        return Pack.from_bytes(path.read_bytes(), str(path)).content_size()


@dataclass(frozen=True)
class LocalManifest:
    """gated/manifest.json: its exact bytes and the objects it names."""

    body: bytes
    objects: tuple[GatedObject, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def history_key(self, now: datetime) -> str:
        """Where this manifest's copy goes; names sort by publish time."""
        return f"{HISTORY_DIR}{now:%Y%m%dT%H%M%S.%f}Z-{self.sha256[:8]}.json"

    def is_history_copy(self, key: str) -> bool:
        return key.startswith(HISTORY_DIR) and key.endswith(f"-{self.sha256[:8]}.json")


def read_gated(gated_dir: Path) -> LocalManifest:
    """The manifest in `gated_dir`, checked against the files; every problem at once."""
    path = gated_dir / MANIFEST_NAME
    if not path.is_file():
        raise FolioError(f"{path}: not found. Run `folio build` first (or set gated_dir in mkdocs.yml).")
    body = path.read_bytes()
    manifest = Manifest.from_bytes(body, str(path))
    if manifest.build != "production":
        raise FolioError(
            f"{path}: refusing to publish a {manifest.build} build. This gated/ was written by "
            "`folio serve` (its pages may link to a local preview gate); run `folio build` and publish again.")
    objects, problems = _objects_of(manifest, gated_dir)
    if problems:
        raise FolioError("\n".join(problems + ["gated/ does not match its manifest; run `folio build` again."]))
    return LocalManifest(body, tuple(objects))


def _objects_of(manifest: Manifest, gated_dir: Path) -> tuple[list[GatedObject], list[str]]:
    objects: list[GatedObject] = []
    problems: list[str] = []
    for entry in manifest.objects():  # a file shared by two products is uploaded once
        path = safe_path(gated_dir, entry.local_key)
        expected = entry.pack.size if entry.pack else entry.size
        if not path.is_file():
            problems.append(f"{gated_dir / MANIFEST_NAME}: {entry.local_key}: file missing from gated/")
            continue
        size = path.stat().st_size
        if size != expected:
            problems.append(f"{gated_dir / MANIFEST_NAME}: {entry.local_key}: {size} bytes on disk, "
                            f"{expected} in the manifest")
            continue
        if entry.pack:
            objects.append(GatedObject(entry.key, None, 0, "", entry.content_type, (path, entry.pack.sha256)))
        else:
            objects.append(GatedObject(entry.key, path, size, entry.sha256, entry.content_type))
    return objects, problems


def verify_contents(objects: list[GatedObject]) -> None:
    """Refuse to upload a file whose bytes no longer match the manifest's sha256."""
    stale = [obj.key for obj in objects if file_sha256(obj.path) != obj.sha256]
    if stale:
        listing = "\n".join(f"  {key}" for key in stale)
        raise FolioError(f"These files changed after the manifest was written:\n{listing}\nRun `folio build` again.")


# --------------------------------------------------------------------------
# The job


class Progress(Protocol):
    """Where upload progress goes (a terminal bar, or nowhere)."""

    def start(self, total_bytes: int) -> None: ...
    def advance(self, n_bytes: int) -> None: ...


class NoProgress:
    def start(self, total_bytes: int) -> None:
        pass

    def advance(self, n_bytes: int) -> None:
        pass


@dataclass
class PublishReport:
    """What a publish did (or, for a dry run, would do)."""

    settings: StorageSettings
    dry_run: bool
    created_bucket: bool = False
    uploaded: list[str] = field(default_factory=list)
    skipped: int = 0
    bytes_uploaded: int = 0
    manifest_sha256: str = ""
    manifest_uploaded: bool = False
    history_key: str | None = None
    pruned: list[str] | None = None
    requests: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict:
        """The `folio publish --json` document (schema 1)."""
        return {
            "schema": 1,
            "bucket": self.settings.bucket,
            "prefix": self.settings.prefix,
            "endpoint_url": self.settings.endpoint_url,
            "dry_run": self.dry_run,
            "created_bucket": self.created_bucket,
            "uploaded": {"count": len(self.uploaded), "bytes": self.bytes_uploaded, "keys": self.uploaded},
            "skipped": {"count": self.skipped},
            "manifest": {
                "key": self.settings.manifest_key,
                "sha256": self.manifest_sha256,
                "uploaded": self.manifest_uploaded,
                "history_key": self.settings.key_for(self.history_key) if self.history_key else None,
            },
            "pruned": None if self.pruned is None else {"count": len(self.pruned), "keys": self.pruned},
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }


def publish(client, settings: StorageSettings, gated_dir: Path, options: PublishOptions,
            progress: Progress | None = None) -> PublishReport:
    """Upload what the bucket lacks, then the manifest; optionally prune old objects."""
    started = time.perf_counter()
    counter = RequestCounter(client)
    local = read_gated(gated_dir)
    report = PublishReport(settings, options.dry_run, manifest_sha256=local.sha256)
    report.created_bucket = ensure_bucket(client, settings, options)
    bucket_is_new = report.created_bucket and options.dry_run  # nothing to ask a bucket that is not there
    if not bucket_is_new:
        check_private(client, settings, options.allow_public_bucket)
    stored = {} if bucket_is_new else list_prefix(client, settings)
    missing = [obj for obj in local.objects if not _already_stored(obj, stored)]
    report.uploaded = [obj.key for obj in missing]
    report.skipped = len(local.objects) - len(missing)
    with ExitStack() as cleanup:
        if not options.dry_run:
            verify_contents([obj for obj in missing if obj.pack is None])
            if any(obj.pack for obj in missing):
                folder = Path(cleanup.enter_context(_assembly_folder(gated_dir)))
                missing = [obj.assembled(folder, gated_dir) for obj in missing]
            upload_objects(client, settings, missing, progress or NoProgress())
        report.bytes_uploaded = sum(obj.content_size() for obj in missing)
    report.history_key, report.manifest_uploaded = commit_manifest(client, settings, local, stored, options.dry_run)
    manifest_puts = int(report.manifest_uploaded) + int(report.history_key is not None)
    report.bytes_uploaded += len(local.body) * manifest_puts
    if options.prune:
        report.pruned = prune(client, settings, local, stored, report, options)
    report.requests = counter.total
    report.seconds = time.perf_counter() - started
    return report


def _already_stored(obj: GatedObject, stored: dict[str, ListedObject]) -> bool:
    # The key carries the content hash; the size check catches a truncated leftover. A download's
    # key carries its pack list's hash, and the same list always assembles to the same bytes.
    found = stored.get(obj.key)
    return found is not None and (obj.pack is not None or found.size == obj.size)


def _assembly_folder(gated_dir: Path):
    """A temporary folder beside the build's cache for assembled downloads, removed after the upload."""
    parent = Path(gated_dir).resolve().parent / ".folio-cache"
    parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="publish-", dir=parent)


# --------------------------------------------------------------------------
# Uploads


class _ProgressSubscriber:
    """Feeds s3transfer's per-chunk callbacks (from worker threads) into one Progress."""

    def __init__(self, progress: Progress, lock: threading.Lock) -> None:
        self._progress = progress
        self._lock = lock

    def on_queued(self, future, **_) -> None:
        pass

    def on_progress(self, future, bytes_transferred, **_) -> None:
        with self._lock:
            self._progress.advance(bytes_transferred)

    def on_done(self, future, **_) -> None:
        pass


def upload_args(obj: GatedObject, settings: StorageSettings) -> dict:
    """Headers stored with an object, and the checksum S3 verifies on arrival."""
    arguments = {
        "ContentType": obj.content_type,
        "CacheControl": f"private, max-age={settings.cache_max_age}, immutable",
    }
    if obj.size < settings.multipart_threshold:
        # One PUT: S3 checks the bytes against the manifest's own sha256.
        arguments["ChecksumSHA256"] = _b64_sha256(obj.sha256)
    else:
        # Multipart: S3 checks every part's sha256 (the file was checked locally already).
        arguments["ChecksumAlgorithm"] = "SHA256"
    return arguments


def _b64_sha256(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


def upload_objects(client, settings: StorageSettings, objects: list[GatedObject], progress: Progress) -> None:
    """Upload `objects` in parallel (multipart when large); all succeed or FolioError."""
    from boto3.s3.transfer import TransferConfig, create_transfer_manager

    if not objects:
        return
    config = TransferConfig(
        multipart_threshold=settings.multipart_threshold,
        multipart_chunksize=settings.multipart_threshold,
        max_concurrency=settings.max_concurrency,
    )
    progress.start(sum(obj.size for obj in objects))
    subscriber = _ProgressSubscriber(progress, threading.Lock())
    failures: list[tuple[GatedObject, Exception]] = []
    with create_transfer_manager(client, config) as manager:
        futures = [
            (obj, manager.upload(str(obj.path), settings.bucket, settings.key_for(obj.key),
                                 extra_args=upload_args(obj, settings), subscribers=[subscriber]))
            for obj in objects
        ]
        for obj, future in futures:
            try:
                future.result()
                log.debug("uploaded %s", obj.key)
            except s3_errors() as error:
                failures.append((obj, error))
    if failures:
        _raise_upload_failure(settings, failures, len(objects))


def _raise_upload_failure(settings, failures, total: int) -> None:
    obj, error = failures[0]
    cause = explain(error, settings, f"uploading {obj.key}")
    raise FolioError(
        f"{len(failures)} of {total} uploads failed; the published manifest was left unchanged.\n{cause.message}"
    )


def commit_manifest(client, settings: StorageSettings, local: LocalManifest,
                    stored: dict[str, ListedObject], dry_run: bool) -> tuple[str | None, bool]:
    """Write the history copy, then manifest.json, unless the bucket has them already."""
    current = stored.get(MANIFEST_NAME)
    # manifest.json is always a single PUT, so its ETag is the MD5 of its bytes
    # (on stores where that is not so, we merely re-upload a small file).
    unchanged = current is not None and current.etag == hashlib.md5(local.body).hexdigest()
    history = sorted(key for key in stored if key.startswith(HISTORY_DIR))
    history_key = None
    if not (history and local.is_history_copy(history[-1])):
        history_key = local.history_key(datetime.now(timezone.utc))
    if dry_run or (unchanged and history_key is None):
        return history_key, not unchanged
    if history_key:
        _put_manifest(client, settings, history_key, local, cache=f"private, max-age={settings.cache_max_age}")
    if not unchanged:
        _put_manifest(client, settings, MANIFEST_NAME, local, cache="no-cache")
    return history_key, not unchanged


def _put_manifest(client, settings: StorageSettings, key: str, local: LocalManifest, cache: str) -> None:
    try:
        client.put_object(
            Bucket=settings.bucket, Key=settings.key_for(key), Body=local.body,
            ContentType="application/json", CacheControl=cache, ChecksumSHA256=_b64_sha256(local.sha256),
        )
    except s3_errors() as error:
        raise explain(error, settings, f"uploading {key}") from None


# --------------------------------------------------------------------------
# Pruning


def prune(client, settings: StorageSettings, local: LocalManifest, stored: dict[str, ListedObject],
          report: PublishReport, options: PublishOptions) -> list[str]:
    """Delete objects that none of the last `keep` manifests names; the deleted keys."""
    keep = options.keep or settings.keep
    history = sorted({key for key in stored if key.startswith(HISTORY_DIR)} | {report.history_key} - {None})
    kept_copies = history[-keep:]
    named = {obj.key for obj in local.objects} | set(kept_copies) | {MANIFEST_NAME}
    for copy in kept_copies:
        if not local.is_history_copy(copy):  # this publish's own copy is `local`
            named |= _keys_named_by(read_published_manifest(client, settings, copy))
    doomed = sorted(key for key in stored if key not in named and PRUNABLE.match(key))
    if not options.dry_run:
        delete_objects(client, settings, doomed)
    return doomed


def _keys_named_by(manifest: Manifest) -> set[str]:
    return manifest.keys()


def delete_objects(client, settings: StorageSettings, keys: list[str]) -> None:
    """Delete keys (relative to the prefix), a thousand per request as S3 allows."""
    for start in range(0, len(keys), 1000):
        batch = [{"Key": settings.key_for(key)} for key in keys[start:start + 1000]]
        try:
            response = client.delete_objects(Bucket=settings.bucket, Delete={"Objects": batch, "Quiet": True})
        except s3_errors() as error:
            raise explain(error, settings, "pruning old objects") from None
        if response.get("Errors"):
            first = response["Errors"][0]
            raise FolioError(f"Could not prune {first['Key']}: {first.get('Code')} {first.get('Message', '')}")
