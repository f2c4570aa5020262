"""`folio publish`: gated/ -> private bucket, incremental, atomic, manifest last.

Every test runs the real command against moto's S3 server on 127.0.0.1,
through a proxy that records the requests and injects failures on cue.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.gatedsite import GatedSite, keys_of, write_mkdocs_yml
from tests.loopback import free_port
from tests.s3server import (  # noqa: F401  (pytest fixtures)
    bucket,
    moto_endpoint,
    moto_s3,
    new_bucket,
    read_object,
    s3_env,
    s3_proxy,
    stored_keys,
)
from toolkit.commands.publish import command as publish_command

PREFIX = "v1/"


class Site:
    """A site folder with gated/ output and a mkdocs.yml pointing at the test bucket."""

    def __init__(self, folder: Path, bucket: str, endpoint: str) -> None:
        self.folder = folder
        self.gated = GatedSite.sample(folder / "gated", pages_per_course=3)
        self.gated.write()
        self.storage = {"bucket": bucket, "prefix": PREFIX, "region": "us-east-1", "endpoint_url": endpoint,
                        # Low limits keep failure tests fast; backoff still happens between attempts.
                        "max_attempts": 3, "connect_timeout": 2, "read_timeout": 10}
        self.configure()

    def configure(self, **changes) -> None:
        self.storage.update(changes)
        write_mkdocs_yml(self.folder, {k: v for k, v in self.storage.items() if v is not None})

    def publish(self, *args: str):
        return CliRunner().invoke(publish_command, ["--config-file", str(self.folder / "mkdocs.yml"), *args])

    def publish_json(self, *args: str) -> dict:
        result = self.publish("--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def manifest_bytes(self) -> bytes:
        return (self.gated.root / "manifest.json").read_bytes()


@pytest.fixture()
def site(tmp_path, bucket, s3_proxy) -> Site:
    return Site(tmp_path, bucket, s3_proxy.url)


def uploaded(report: dict) -> set[str]:
    return set(report["uploaded"]["keys"])


# -- incremental publishing ------------------------------------------------------


def test_first_publish_uploads_every_object_then_the_manifest(site, moto_s3, s3_proxy):
    report = site.publish_json()

    manifest = site.gated.manifest()
    assert uploaded(report) == keys_of(manifest)
    assert report["skipped"]["count"] == 0
    assert report["manifest"]["uploaded"] is True
    keys = stored_keys(moto_s3, site.storage["bucket"])
    assert {PREFIX + key for key in keys_of(manifest)} <= keys
    assert read_object(moto_s3, site.storage["bucket"], PREFIX + "manifest.json") == site.manifest_bytes()
    assert report["manifest"]["history_key"] in keys
    # The manifest is the last thing written: a reader never sees it before its objects.
    puts = [seen.path for seen in s3_proxy.seen if seen.method == "PUT"]
    assert puts[-1].endswith("/v1/manifest.json")


def test_objects_are_stored_with_their_type_and_private_cache_headers(site, moto_s3):
    site.publish_json()

    page = next(iter(sorted(keys_of(site.gated.manifest(), "page"))))
    head = moto_s3.head_object(Bucket=site.storage["bucket"], Key=PREFIX + page)
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "private, max-age=31536000, immutable"
    bundle = next(iter(keys_of(site.gated.manifest(), "bundle")))
    assert moto_s3.head_object(Bucket=site.storage["bucket"], Key=PREFIX + bundle)["ContentType"] == "application/zip"


def test_republishing_unchanged_uploads_nothing_and_only_reads(site, s3_proxy):
    first = site.publish_json()
    s3_proxy.forget()

    second = site.publish_json()

    assert uploaded(second) == set()
    assert second["uploaded"]["bytes"] == 0
    assert second["skipped"]["count"] == len(uploaded(first))
    assert second["manifest"] == {**first["manifest"], "uploaded": False, "history_key": None}
    # bucket check, privacy check, one listing page: no request per object
    assert s3_proxy.methods() == ["HEAD", "GET", "GET"]
    assert second["requests"] == 3


def test_editing_one_chapter_uploads_only_what_changed_plus_the_manifest(site, moto_s3):
    site.publish_json()
    before = keys_of(site.gated.manifest())

    site.gated.edit("async-python", "02-chapter", "Rewritten chapter two.")
    site.gated.write()
    report = site.publish_json()

    changed = keys_of(site.gated.manifest()) - before
    assert {key.rsplit(".", 2)[0] for key in changed} == {
        "course/async-python/02-chapter", "course/async-python/async-python"}  # page, zip, epub
    assert uploaded(report) == changed
    assert report["manifest"]["uploaded"] is True
    assert read_object(moto_s3, site.storage["bucket"], PREFIX + "manifest.json") == site.manifest_bytes()


def test_a_large_bundle_is_uploaded_in_parts(tmp_path, bucket, s3_proxy, moto_s3):
    site = Site(tmp_path, bucket, s3_proxy.url)
    site.gated = GatedSite.sample(tmp_path / "gated", pages_per_course=2, padding=3 * 1024 * 1024)
    site.gated.write()
    site.configure(multipart_threshold=5 * 1024 * 1024)

    site.publish_json()

    bundle = next(k for k in keys_of(site.gated.manifest(), "bundle") if k.startswith("course/"))
    assert (site.gated.root / bundle).stat().st_size > 5 * 1024 * 1024
    assert read_object(moto_s3, bucket, PREFIX + bundle) == (site.gated.root / bundle).read_bytes()
    assert "POST" in s3_proxy.methods()  # CreateMultipartUpload / CompleteMultipartUpload


# -- failures: retried, or leaving the previous publish intact --------------------


def test_throttling_and_server_errors_are_retried(site, moto_s3, s3_proxy):
    s3_proxy.fail(2, status=503, code="SlowDown", when=lambda method, path: method == "PUT")
    s3_proxy.fail(1, status=500, code="InternalError", when=lambda method, path: method == "GET")

    report = site.publish_json()

    assert [seen.status for seen in s3_proxy.seen].count(503) == 2
    assert [seen.status for seen in s3_proxy.seen].count(500) == 1
    assert {PREFIX + key for key in uploaded(report)} <= stored_keys(moto_s3, site.storage["bucket"])


def test_a_connection_dropped_mid_upload_is_retried(site, moto_s3, s3_proxy):
    s3_proxy.drop(1)

    report = site.publish_json()

    assert [seen.status for seen in s3_proxy.seen].count(0) == 1
    bundle = next(iter(keys_of(site.gated.manifest(), "bundle")))
    assert read_object(moto_s3, site.storage["bucket"], PREFIX + bundle) == (site.gated.root / bundle).read_bytes()
    assert uploaded(report) == keys_of(site.gated.manifest())


def test_an_interrupted_publish_keeps_the_previous_manifest_and_the_next_run_completes(site, moto_s3, s3_proxy):
    bucket_name = site.storage["bucket"]
    site.publish_json()
    old_manifest = site.manifest_bytes()
    old_objects = {key: (site.gated.root / key).read_bytes() for key in keys_of(site.gated.manifest())}
    site.gated.edit("async-python", "01-chapter", "Chapter one, second edition.")
    site.gated.write()
    # The new bundle never gets through: every attempt loses its connection halfway.
    s3_proxy.drop(-1, when=lambda method, path: method == "PUT" and path.endswith(".zip"))

    failed = site.publish()

    assert failed.exit_code == 1
    assert "uploads failed; the published manifest was left unchanged" in failed.output
    assert "Traceback" not in failed.output
    assert read_object(moto_s3, bucket_name, PREFIX + "manifest.json") == old_manifest
    for key, data in old_objects.items():
        assert read_object(moto_s3, bucket_name, PREFIX + key) == data

    s3_proxy.heal()
    report = site.publish_json()

    assert uploaded(report) == {k for k in keys_of(site.gated.manifest()) if k.endswith(".zip")} - set(old_objects)
    assert read_object(moto_s3, bucket_name, PREFIX + "manifest.json") == site.manifest_bytes()


# -- dry run and report ----------------------------------------------------------


def test_dry_run_reports_the_uploads_and_writes_nothing(site, moto_s3, s3_proxy):
    report = site.publish_json("--dry-run")

    assert report["dry_run"] is True
    assert uploaded(report) == keys_of(site.gated.manifest())
    assert report["manifest"]["uploaded"] is True
    assert stored_keys(moto_s3, site.storage["bucket"]) == set()
    assert set(s3_proxy.methods()) <= {"HEAD", "GET"}


def test_json_report_follows_its_schema(site):
    report = site.publish_json()

    assert set(report) == {"schema", "bucket", "prefix", "endpoint_url", "dry_run", "created_bucket",
                           "uploaded", "skipped", "manifest", "pruned", "requests", "seconds"}
    assert report["schema"] == 1
    assert (report["bucket"], report["prefix"]) == (site.storage["bucket"], PREFIX)
    assert set(report["uploaded"]) == {"count", "bytes", "keys"}
    assert report["uploaded"]["bytes"] == sum(
        (site.gated.root / key).stat().st_size for key in report["uploaded"]["keys"]) + 2 * len(site.manifest_bytes())
    assert set(report["manifest"]) == {"key", "sha256", "uploaded", "history_key"}
    assert report["manifest"]["key"] == "v1/manifest.json"
    assert report["pruned"] is None
    assert isinstance(report["seconds"], float)


def test_summary_names_counts_and_destination(site):
    result = site.publish()

    assert result.exit_code == 0, result.output
    assert f"Uploaded {len(keys_of(site.gated.manifest()))} objects" in result.output
    assert f"s3://{site.storage['bucket']}/v1/" in result.output
    assert "Manifest" in result.output and "published" in result.output


# -- the bucket must be private -----------------------------------------------


def test_refuses_a_bucket_that_does_not_block_public_access(site, moto_s3):
    open_bucket = new_bucket(moto_s3, private=False)
    site.configure(bucket=open_bucket)

    result = site.publish()

    assert result.exit_code == 1
    assert f"Refusing to publish: bucket {open_bucket!r}" in result.output
    assert "--allow-public-bucket" in result.output
    assert stored_keys(moto_s3, open_bucket) == set()


def test_allow_public_bucket_publishes_anyway(site, moto_s3):
    open_bucket = new_bucket(moto_s3, private=False)
    site.configure(bucket=open_bucket)

    result = site.publish("--allow-public-bucket")

    assert result.exit_code == 0, result.output
    assert PREFIX + "manifest.json" in stored_keys(moto_s3, open_bucket)


def test_create_bucket_makes_a_private_bucket_with_acls_disabled(site, moto_s3):
    site.configure(bucket="folio-test-created-" + site.storage["bucket"][-8:])

    report = site.publish_json("--create-bucket")

    name = site.storage["bucket"]
    assert report["created_bucket"] is True
    block = moto_s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    rules = moto_s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert PREFIX + "manifest.json" in stored_keys(moto_s3, name)


# -- prune -----------------------------------------------------------------------


def test_prune_keeps_every_object_of_the_last_n_manifests(site, moto_s3):
    name = site.storage["bucket"]
    generations = []
    for edition in range(4):
        site.gated.edit("async-python", "03-chapter", f"Chapter three, edition {edition}.")
        site.gated.write()
        site.publish_json()
        generations.append(keys_of(site.gated.manifest()))
    moto_s3.put_object(Bucket=name, Key=PREFIX + "notes/not-ours.txt", Body=b"left alone")

    report = site.publish_json("--prune", "--keep", "2")

    kept = generations[2] | generations[3]
    dropped = (generations[0] | generations[1]) - kept
    remaining = {key[len(PREFIX):] for key in stored_keys(moto_s3, name)}
    assert kept <= remaining
    assert dropped & remaining == set()
    pruned = set(report["pruned"]["keys"])
    assert {key for key in pruned if not key.startswith("manifests/")} == dropped
    assert len([key for key in remaining if key.startswith("manifests/")]) == 2  # of 4 (5th run: same manifest)
    assert "notes/not-ours.txt" in remaining
    assert "manifest.json" in remaining


def test_prune_with_dry_run_lists_but_deletes_nothing(site, moto_s3):
    for edition in range(2):
        site.gated.edit("async-python", "03-chapter", f"Edition {edition}.")
        site.gated.write()
        site.publish_json()
    before = stored_keys(moto_s3, site.storage["bucket"])

    report = site.publish_json("--prune", "--keep", "1", "--dry-run")

    assert report["pruned"]["count"] > 0
    assert stored_keys(moto_s3, site.storage["bucket"]) == before


# -- configuration mistakes: one clear message, exit 1, no traceback -------------


def assert_clear_error(result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output


def test_missing_bucket_names_the_setting_and_the_variable(site):
    site.configure(bucket=None)

    assert_clear_error(site.publish(), "mkdocs.yml:", ": plugins.folio.storage.bucket: no bucket configured",
                       "FOLIO_S3_BUCKET")


def test_every_bad_setting_is_reported_at_once(site):
    site.configure(keep=0, endpoint_url="ftp://example", colour="blue")

    assert_clear_error(site.publish(), "plugins.folio.storage.keep", "plugins.folio.storage.endpoint_url",
                       "plugins.folio.storage.colour: unknown setting")


def test_environment_overrides_the_configured_bucket(site, moto_s3, monkeypatch):
    other = new_bucket(moto_s3)
    monkeypatch.setenv("FOLIO_S3_BUCKET", other)

    report = site.publish_json()

    assert report["bucket"] == other
    assert PREFIX + "manifest.json" in stored_keys(moto_s3, other)


def test_bucket_not_found_suggests_create_bucket(site):
    site.configure(bucket="folio-test-no-such-bucket")

    assert_clear_error(site.publish(), "Bucket 'folio-test-no-such-bucket' not found", "--create-bucket")


def test_access_denied_lists_the_permissions_needed(site, s3_proxy):
    s3_proxy.fail(-1, status=403, code="AccessDenied")

    assert_clear_error(site.publish(), "Access denied to bucket", "s3:PutObject", "s3:ListBucket")


def test_wrong_region_says_where_the_bucket_is(site, moto_s3):
    site.configure(bucket=new_bucket(moto_s3, region="eu-west-1"))

    assert_clear_error(site.publish(), "is in eu-west-1", "region: eu-west-1")


def test_wrong_region_redirect_from_aws_is_explained(site, s3_proxy):
    # What AWS itself answers when the region is wrong.
    s3_proxy.fail(-1, status=301, code="PermanentRedirect", headers={"x-amz-bucket-region": "ap-south-1"})

    assert_clear_error(site.publish(), "is in ap-south-1", "FOLIO_S3_REGION=ap-south-1")


def test_unreachable_endpoint_says_to_check_endpoint_url(site):
    site.configure(endpoint_url=f"http://127.0.0.1:{free_port()}", max_attempts=1)

    assert_clear_error(site.publish(), "Cannot reach the S3 endpoint", "endpoint_url")


def test_missing_gated_output_says_to_build_first(site):
    (site.gated.root / "manifest.json").unlink()

    assert_clear_error(site.publish(), "manifest.json: not found", "folio build")


def test_a_file_changed_after_the_build_is_refused(site, moto_s3):
    page = sorted(keys_of(site.gated.manifest(), "page"))[0]
    path = site.gated.root / page
    path.write_bytes(path.read_bytes().replace(b"Paid", b"Diap"))  # same size, other bytes

    assert_clear_error(site.publish(), "changed after the manifest was written", page)
    assert PREFIX + "manifest.json" not in stored_keys(moto_s3, site.storage["bucket"])


def test_a_manifest_key_leaving_gated_is_refused(site):
    manifest = json.loads((site.gated.root / "manifest.json").read_bytes())
    manifest["products"]["membership"]["objects"][0]["key"] = "../secrets.html"
    (site.gated.root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    assert_clear_error(site.publish(), "products.membership.objects[0]", "not a safe relative key")


def test_a_preview_build_is_refused_saying_why(site, moto_s3):
    site.gated.write(build="preview")

    assert_clear_error(site.publish(), "refusing to publish a preview build", "folio serve", "folio build")
    assert PREFIX + "manifest.json" not in stored_keys(moto_s3, site.storage["bucket"])
