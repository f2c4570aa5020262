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
from typing import Any, Callable, Mapping

from toolkit.errors import FolioError
from toolkit.gated.manifest import MANIFEST_NAME, Manifest

CONFIG_PATH = "plugins.folio.storage"
HISTORY_DIR = "manifests/"

ENV_OVERRIDES = {
    "bucket": "FOLIO_S3_BUCKET",
    "prefix": "FOLIO_S3_PREFIX",
    "region": "FOLIO_S3_REGION",
    "endpoint_url": "FOLIO_S3_ENDPOINT_URL",
}

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


# --------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class StorageSettings:
    """Where gated objects live and how hard to try reaching them."""

    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint_url: str | None = None
    # Objects are immutable under hashed keys, so browsers may keep them long.
    cache_max_age: int = 365 * 24 * 3600
    # Manifests (and the objects they name) that `--prune` keeps.
    keep: int = 3
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5
    max_concurrency: int = 10
    multipart_threshold: int = 16 * 1024 * 1024

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any],
        environ: Mapping[str, str] | None = None,
        source: str = "mkdocs.yml",
    ) -> "StorageSettings":
        """Settings from a `storage:` mapping plus FOLIO_S3_* overrides; every problem at once."""
        environ = os.environ if environ is None else environ
        values, problems = _validated_values(mapping, source)
        for name, variable in ENV_OVERRIDES.items():
            if environ.get(variable):
                values[name] = environ[variable]
                problems += _check_value(name, environ[variable], variable)
        if not values.get("bucket") and not any(name == "bucket" for name, _ in problems):
            problems.append(
                ("bucket", f"{source}: {CONFIG_PATH}.bucket: no bucket configured; "
                 f"set it there or in {ENV_OVERRIDES['bucket']}")
            )
        if problems:
            raise FolioError("\n".join(message for _, message in problems))
        values["prefix"] = normalize_prefix(values.get("prefix") or "")
        return cls(**values)

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


def _validated_values(mapping: Mapping[str, Any], source: str) -> tuple[dict, list]:
    known = {f.name for f in fields(StorageSettings)}
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    if not isinstance(mapping, Mapping):
        return values, [("", f"{source}: {CONFIG_PATH}: expected a mapping of settings")]
    for name, value in mapping.items():
        where = f"{source}: {CONFIG_PATH}.{name}"
        if name not in known:
            problems.append((name, f"{where}: unknown setting; known: {', '.join(sorted(known))}"))
            continue
        found = _check_value(name, value, where)
        problems += found
        if not found and value is not None:
            values[name] = value
    return values, problems


def _check_value(name: str, value: Any, where: str) -> list[tuple[str, str]]:
    """Problems with one setting's value (an empty list when it is fine)."""
    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "bucket": (lambda v: isinstance(v, str) and bool(_BUCKET_NAME.match(v)),
                   "expected an S3 bucket name (3-63 lowercase letters, digits, '.', '-')"),
        "prefix": (lambda v: isinstance(v, str) and ".." not in v.split("/"),
                   "expected a key prefix such as 'v1/' (no '..')"),
        "region": (lambda v: v is None or (isinstance(v, str) and bool(v)),
                   "expected a region name such as 'us-east-1'"),
        "endpoint_url": (lambda v: v is None or (isinstance(v, str) and v.startswith(("http://", "https://"))),
                         "expected a URL starting with http:// or https://"),
        "cache_max_age": (lambda v: _is_int(v) and v >= 0, "expected whole seconds >= 0"),
        "keep": (lambda v: _is_int(v) and v >= 1, "expected a whole number >= 1"),
        "connect_timeout": (lambda v: _is_number(v) and v > 0, "expected seconds > 0"),
        "read_timeout": (lambda v: _is_number(v) and v > 0, "expected seconds > 0"),
        "max_attempts": (lambda v: _is_int(v) and v >= 1, "expected a whole number >= 1"),
        "max_concurrency": (lambda v: _is_int(v) and v >= 1, "expected a whole number >= 1"),
        "multipart_threshold": (lambda v: _is_int(v) and v >= 5 * 1024 * 1024,
                                "expected bytes >= 5242880 (S3's smallest part)"),
    }
    is_valid, expected = checks[name]
    return [] if is_valid(value) else [(name, f"{where}: {expected}, got {value!r}")]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalize_prefix(prefix: str) -> str:
    """'' or 'a/b/': no leading slash, exactly one trailing slash."""
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def load_site_settings(config_file: str | os.PathLike) -> tuple[StorageSettings, Path]:
    """Storage settings and the gated/ folder from mkdocs.yml (and the environment)."""
    from toolkit.build.staging import folio_plugin, load_mkdocs_config

    config = load_mkdocs_config(config_file)
    plugin = folio_plugin(config)
    site_dir = Path(config.config_file_path).parent
    settings = StorageSettings.from_mapping(plugin.config["storage"], os.environ, Path(config_file).name)
    return settings, site_dir / plugin.config["gated_dir"]


# --------------------------------------------------------------------------
# Client and errors


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
    except Exception as error:  # botocore errors only reach here
        raise explain(error, settings, f"listing {settings.where()}") from None
    return stored


def read_published_manifest(client, settings: StorageSettings, key: str = MANIFEST_NAME) -> Manifest:
    """The manifest currently published in the bucket (or a history copy of it)."""
    try:
        body = client.get_object(Bucket=settings.bucket, Key=settings.key_for(key))["Body"].read()
    except Exception as error:
        if _error_code(error) in ("NoSuchKey", "404"):
            raise FolioError(
                f"Nothing published yet: {settings.where()}{key} does not exist. Run `folio publish` first."
            ) from None
        raise explain(error, settings, f"reading {key}") from None
    return Manifest.from_bytes(body, f"{settings.where()}{key}")


def _error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
