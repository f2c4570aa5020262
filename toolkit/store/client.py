"""The private S3 bucket: settings, client, listing and the published manifest.

Everything that talks to S3 goes through here, so the publish job, `folio
presign` and the gate share one client recipe and one error vocabulary
(presigned links live in toolkit.store.presign).
boto3 is imported inside functions: `folio --help` must not pay for it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from mkdocs.config.base import ValidationError

from toolkit.config import ConfigFile, StorageConfig
from toolkit.errors import ConfigError, FolioError
from toolkit.gated.manifest import MANIFEST_NAME, Manifest

CONFIG_PATH = "plugins.folio.storage"
HISTORY_DIR = "manifests/"

ENV_OVERRIDES = {
    "bucket": "FOLIO_S3_BUCKET",
    "prefix": "FOLIO_S3_PREFIX",
    "region": "FOLIO_S3_REGION",
    "endpoint_url": "FOLIO_S3_ENDPOINT_URL",
}


# --------------------------------------------------------------------------
# Settings


def _default(name: str):
    """A storage setting's default: StorageConfig (toolkit/config.py) is its one home."""
    return dict(StorageConfig._schema)[name].default


@dataclass(frozen=True)
class StorageSettings:
    """Where gated objects live and how hard to try reaching them (see StorageConfig for each key)."""

    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint_url: str | None = None
    cache_max_age: int = _default("cache_max_age")
    keep: int = _default("keep")
    connect_timeout: float = _default("connect_timeout")
    read_timeout: float = _default("read_timeout")
    max_attempts: int = _default("max_attempts")
    max_concurrency: int = _default("max_concurrency")
    multipart_threshold: int = _default("multipart_threshold")

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any],
        environ: Mapping[str, str] | None = None,
        source: str = "mkdocs.yml",
    ) -> "StorageSettings":
        """Settings from a `storage:` mapping plus FOLIO_S3_* overrides; every problem at once."""
        config = StorageConfig(config_file_path=str(source))
        config.load_dict(dict(mapping) if isinstance(mapping, Mapping) else {})
        failed, _ = config.validate() if isinstance(mapping, Mapping) else ([("", "expected a mapping")], [])
        where = ConfigFile(source, read=False)  # the mapping is not read from that file: no lines
        problems = [where.describe((*CONFIG_PATH.split("."), *path), message)
                    for key, exc in failed for path, message in _flatten(key, exc)]
        return cls._from_valid(config, environ, where, problems)

    @classmethod
    def from_config(cls, storage: StorageConfig, environ: Mapping[str, str] | None = None,
                    source: str = "mkdocs.yml") -> "StorageSettings":
        """Settings from the validated `storage:` SubConfig plus FOLIO_S3_* overrides."""
        return cls._from_valid(storage, environ, ConfigFile(source), [])

    @classmethod
    def _from_valid(cls, storage, environ, where: ConfigFile, problems: list[str]) -> "StorageSettings":
        environ = os.environ if environ is None else environ
        values = {f.name: storage.get(f.name) for f in fields(cls)}
        options = dict(StorageConfig._schema)
        for name, variable in ENV_OVERRIDES.items():
            if environ.get(variable):
                try:
                    values[name] = options[name].validate(environ[variable])
                except ValidationError as exc:
                    problems.append(f"{variable}: {exc}; it overrides {CONFIG_PATH}.{name}")
        if not values.get("bucket") and not any(".bucket:" in p or "FOLIO_S3_BUCKET" in p for p in problems):
            problems.append(where.describe((*CONFIG_PATH.split("."), "bucket"),
                                           f"no bucket configured; set it there or in {ENV_OVERRIDES['bucket']}"))
        if problems:
            raise ConfigError(problems)
        values["prefix"] = normalize_prefix(values.get("prefix") or "")
        return cls(**{k: v for k, v in values.items() if v is not None})

    def key_for(self, relative_key: str) -> str:
        """The bucket key of a gated/ path (or of the manifest)."""
        return self.prefix + relative_key

    @property
    def manifest_key(self) -> str:
        return self.key_for(MANIFEST_NAME)

    def where(self) -> str:
        """`s3://bucket/prefix` plus the endpoint when it is not AWS, for messages."""
        location = f"s3://{self.bucket}/{self.prefix}"
        return f"{location} at {self.endpoint_url}" if self.endpoint_url else location


def _flatten(key: str, exc) -> list[tuple[tuple[str, ...], str]]:
    problems = getattr(exc, "problems", None)
    if problems:
        return [((key, *path), message) for path, message in problems]
    return [((key,) if key else (), str(exc))]


def normalize_prefix(prefix: str) -> str:
    """'' or 'a/b/': no leading slash, exactly one trailing slash."""
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def load_site_settings(config_file: str | os.PathLike) -> tuple[StorageSettings, Path]:
    """Storage settings and the gated/ folder from mkdocs.yml (and the environment)."""
    from toolkit.config import folio_plugin, load_mkdocs_config

    config = load_mkdocs_config(config_file)
    plugin = folio_plugin(config)
    site_dir = Path(config.config_file_path).parent
    settings = StorageSettings.from_config(plugin.config.storage, os.environ, config.config_file_path)
    return settings, site_dir / plugin.config["gated_dir"]


# --------------------------------------------------------------------------
# Client and errors


def s3_errors() -> tuple[type[Exception], ...]:
    """The exception types boto3 and botocore raise for a failed S3 call: the only ones `explain` handles.

    Anything else (a bug, a bad argument) is not "S3 failed" and must surface as itself.
    """
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError, Boto3Error)


def quiet_botocore() -> None:
    """Hide botocore's INFO chatter ("Found credentials in ...") unless debugging."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("botocore").setLevel(logging.WARNING)


def make_client(settings: StorageSettings):
    """A boto3 S3 client for these settings; credentials come from boto3's own chain."""
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=settings.region,
        signature_version="s3v4",
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        # "standard" retries throttling (SlowDown) and 5xx with jittered backoff.
        retries={"mode": "standard", "max_attempts": settings.max_attempts},
        max_pool_connections=max(10, settings.max_concurrency),
        # MinIO and most self-hosted stores only understand path-style URLs.
        s3={"addressing_style": "path" if settings.endpoint_url else "auto"},
    )
    return boto3.client("s3", endpoint_url=settings.endpoint_url, config=config)


class RequestCounter:
    """Counts the HTTP requests a client sends, retries included, by HTTP method."""

    def __init__(self, client) -> None:
        self._lock = threading.Lock()
        self.by_method: dict[str, int] = {}
        client.meta.events.register("before-send.s3", self._count)

    def _count(self, request, **_) -> None:
        with self._lock:
            self.by_method[request.method] = self.by_method.get(request.method, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_method.values())


def explain(error: Exception, settings: StorageSettings, doing: str) -> FolioError:
    """Turn a botocore failure into one message that says what to fix."""
    from botocore import exceptions as bx

    where = settings.where()
    if isinstance(error, bx.NoCredentialsError):
        return FolioError(
            f"No AWS credentials found while {doing}. Set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an instance role is available."
        )
    if isinstance(error, (bx.EndpointConnectionError, bx.ConnectTimeoutError)):
        return FolioError(
            f"Cannot reach the S3 endpoint while {doing} ({where}). Check "
            f"{CONFIG_PATH}.endpoint_url / FOLIO_S3_ENDPOINT_URL and your network."
        )
    if isinstance(error, (bx.ReadTimeoutError, bx.ConnectionClosedError)):
        return FolioError(
            f"The connection to S3 kept failing while {doing} ({where}), even after "
            f"{settings.max_attempts} attempts. Run the command again; publishing resumes where it stopped."
        )
    if isinstance(error, bx.ClientError):
        return _explain_client_error(error, settings, doing)
    return FolioError(f"S3 failed while {doing} ({where}): {error}")


def _explain_client_error(error, settings: StorageSettings, doing: str) -> FolioError:
    response = error.response
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    where = settings.where()
    # A bare 404 means "no bucket" only for HeadBucket; for an object it means no such key.
    if code == "NoSuchBucket" or (code == "404" and error.operation_name == "HeadBucket"):
        return FolioError(
            f"Bucket {settings.bucket!r} not found ({where}). Fix {CONFIG_PATH}.bucket / "
            "FOLIO_S3_BUCKET, or create it private with `folio publish --create-bucket`."
        )
    if code in ("PermanentRedirect", "301", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"):
        actual = headers.get("x-amz-bucket-region") or "another region"
        return region_mismatch(settings, actual)
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
        return FolioError(
            f"S3 rejected the credentials ({code}) while {doing}. Check AWS_ACCESS_KEY_ID / "
            "AWS_SECRET_ACCESS_KEY / AWS_PROFILE (and the session token if you use one)."
        )
    if code in ("AccessDenied", "403", "AllAccessDisabled") or status == 403:
        return FolioError(
            f"Access denied to bucket {settings.bucket!r} while {doing} ({where}). Give these "
            "credentials s3:ListBucket, s3:GetObject, s3:PutObject (and s3:DeleteObject for --prune, "
            "s3:GetBucketPublicAccessBlock to check privacy) on the bucket and prefix."
        )
    if code in ("SlowDown", "ServiceUnavailable", "InternalError") or (status or 0) >= 500:
        return FolioError(
            f"S3 kept answering {status} {code} while {doing} ({where}), even after "
            f"{settings.max_attempts} attempts. Wait a moment and run the command again; "
            "publishing resumes where it stopped."
        )
    message = response.get("Error", {}).get("Message", "")
    return FolioError(f"S3 refused while {doing} ({where}): {code} {message}".rstrip())


def region_mismatch(settings: StorageSettings, actual: str) -> FolioError:
    return FolioError(
        f"Bucket {settings.bucket!r} is in {actual}, but {CONFIG_PATH}.region is "
        f"{settings.region or 'unset'}. Set region: {actual} (or FOLIO_S3_REGION={actual})."
    )


# --------------------------------------------------------------------------
# Listing


@dataclass(frozen=True)
class ListedObject:
    """One object under the prefix, as the listing reports it."""

    key: str  # relative to the prefix, like a manifest key
    size: int
    etag: str


def list_prefix(client, settings: StorageSettings) -> dict[str, ListedObject]:
    """Every object under the prefix, by relative key: one paginated listing."""
    stored: dict[str, ListedObject] = {}
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=settings.bucket, Prefix=settings.prefix)
    try:
        for page in pages:
            for item in page.get("Contents", []):
                relative = item["Key"][len(settings.prefix):]
                stored[relative] = ListedObject(relative, item["Size"], item["ETag"].strip('"'))
    except s3_errors() as error:
        raise explain(error, settings, f"listing {settings.where()}") from None
    return stored


def read_published_manifest(client, settings: StorageSettings, key: str = MANIFEST_NAME) -> Manifest:
    """The manifest currently published in the bucket (or a history copy of it)."""
    try:
        body = client.get_object(Bucket=settings.bucket, Key=settings.key_for(key))["Body"].read()
    except s3_errors() as error:
        if _error_code(error) in ("NoSuchKey", "404"):
            raise FolioError(
                f"Nothing published yet: {settings.where()}{key} does not exist. Run `folio publish` first."
            ) from None
        raise explain(error, settings, f"reading {key}") from None
    return Manifest.from_bytes(body, f"{settings.where()}{key}")


def _error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
