"""The bucket itself: it exists in the configured region, and it blocks public access.

Checked before every publish (paid files must never land in a public bucket);
`--create-bucket` makes a private one.
"""

from __future__ import annotations

import logging

from toolkit.errors import FolioError
from toolkit.store.client import StorageSettings, explain, region_mismatch, s3_errors
from toolkit.store.options import PublishOptions

log = logging.getLogger(__name__)

PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")




def ensure_bucket(client, settings: StorageSettings, options: PublishOptions) -> bool:
    """Check the bucket exists in the configured region; create it if asked. True if created."""
    from botocore.exceptions import ClientError

    try:
        response = client.head_bucket(Bucket=settings.bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchBucket") and options.create_bucket:
            if not options.dry_run:
                create_private_bucket(client, settings)
            return True
        raise explain(error, settings, f"checking bucket {settings.bucket!r}") from None
    except s3_errors() as error:
        raise explain(error, settings, f"checking bucket {settings.bucket!r}") from None
    actual = response.get("BucketRegion")
    if settings.region and actual and actual != settings.region:
        raise region_mismatch(settings, actual)
    return False


def create_private_bucket(client, settings: StorageSettings) -> None:
    """A new bucket with ACLs disabled and every kind of public access blocked."""
    arguments = {"Bucket": settings.bucket, "ObjectOwnership": "BucketOwnerEnforced"}
    if settings.region and settings.region != "us-east-1":  # us-east-1 rejects an explicit constraint
        arguments["CreateBucketConfiguration"] = {"LocationConstraint": settings.region}
    try:
        client.create_bucket(**arguments)
        client.put_public_access_block(
            Bucket=settings.bucket,
            PublicAccessBlockConfiguration={flag: True for flag in PUBLIC_ACCESS_FLAGS},
        )
    except s3_errors() as error:
        raise explain(error, settings, f"creating bucket {settings.bucket!r}") from None
    log.debug("created private bucket %s", settings.bucket)


def check_private(client, settings: StorageSettings, allow_public: bool) -> None:
    """Refuse a bucket whose public access is not fully blocked, unless allowed."""
    from botocore.exceptions import ClientError

    try:
        config = client.get_public_access_block(Bucket=settings.bucket)["PublicAccessBlockConfiguration"]
        problem = _public_access_problem(config)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "NoSuchPublicAccessBlockConfiguration":
            problem = "has no Block Public Access configuration"
        elif code in ("NotImplemented", "MethodNotAllowed", "XNotImplemented"):
            problem = "is on a store that cannot report Block Public Access (check it is private in its console)"
        else:
            raise explain(error, settings, "checking that the bucket is private") from None
    except s3_errors() as error:
        raise explain(error, settings, "checking that the bucket is private") from None
    if problem is None:
        return
    if allow_public:
        log.warning("Bucket %s %s; publishing anyway (--allow-public-bucket).", settings.bucket, problem)
        return
    raise FolioError(
        f"Refusing to publish: bucket {settings.bucket!r} {problem}. Paid files must not be public. "
        f"Turn on all four Block Public Access settings (aws s3api put-public-access-block --bucket "
        f"{settings.bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
        "BlockPublicPolicy=true,RestrictPublicBuckets=true), or pass --allow-public-bucket if you are sure."
    )


def _public_access_problem(config: dict) -> str | None:
    off = [flag for flag in PUBLIC_ACCESS_FLAGS if not config.get(flag)]
    return f"does not block public access ({', '.join(off)} off)" if off else None
