"""From `folio build` to a buyer's download: the example site's real gated output, published to
a real S3 API (moto on 127.0.0.1), republished after one edit, and fetched through a signed URL."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from pathlib import Path

import yaml
from click.testing import CliRunner

from tests.s3server import bucket, moto_endpoint, moto_s3, s3_env, stored_keys  # noqa: F401  (fixtures)
from toolkit.commands.presign import command as presign_command
from toolkit.commands.publish import command as publish_command
from toolkit.plugin.staging import build_site
from toolkit.gated.manifest import Manifest
from tests.downloads import download_bytes

PREFIX = "v1/"
EDITED = "content/courses/async-python/04-structured-concurrency.md"


def point_storage_at(site: Path, bucket: str, endpoint: str) -> Path:
    config_file = site / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "folio" in plugin:
            plugin["folio"]["storage"] = {"bucket": bucket, "prefix": PREFIX, "region": "us-east-1",
                                          "endpoint_url": endpoint}
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def publish(config_file: Path) -> dict:
    result = CliRunner().invoke(publish_command, ["--config-file", str(config_file), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def manifest_keys(site: Path) -> dict[str, set[str]]:
    """Each product's own objects, and under "assets" the asset objects (stored once for all)."""
    manifest = Manifest.load(site / "gated/manifest.json")
    keys = {pid: {o.key for o in product.objects} for pid, product in manifest.products.items()}
    return {**keys, "assets": {a.key for a in manifest.assets}}


def test_built_gated_output_publishes_incrementally_and_downloads_exactly(example_copy, bucket, moto_endpoint, moto_s3):
    config_file = point_storage_at(example_copy, bucket, moto_endpoint)
    build_site(config_file)
    before = manifest_keys(example_copy)
    every_key = set().union(*before.values())

    first = publish(config_file)
    assert set(first["uploaded"]["keys"]) == every_key
    assert {PREFIX + key for key in every_key} | {PREFIX + "manifest.json"} <= stored_keys(moto_s3, bucket)
    assert publish(config_file)["uploaded"]["count"] == 0

    chapter = example_copy / EDITED
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more paragraph for members.\n", encoding="utf-8")
    build_site(config_file)
    after = manifest_keys(example_copy)
    third = publish(config_file)
    changed = after["course:async-python"] - before["course:async-python"]
    assert {Path(key).suffix for key in changed} == {".html", ".zip", ".epub"}  # the page, the bundle, the book
    assert set(third["uploaded"]["keys"]) == changed
    assert after["course:rust-ownership-zh"] == before["course:rust-ownership-zh"]
    assert after["membership"] == before["membership"]
    assert after["assets"] == before["assets"]  # no image changed: no asset uploaded again

    result = CliRunner().invoke(presign_command, ["course:async-python", "--role", "bundle", "--json",
                                                  "--config-file", str(config_file)])
    assert result.exit_code == 0, result.output
    [link] = json.loads(result.output)
    with urllib.request.urlopen(link["url"], timeout=10) as response:
        body = response.read()
        assert response.headers["Content-Type"] == "application/zip"
        assert "attachment" in response.headers["Content-Disposition"]
    assert body == download_bytes(example_copy / "gated", link["key"])


def test_downloads_are_assembled_at_publish_and_a_figure_changed_since_the_build_is_refused(
        example_copy, bucket, moto_endpoint, moto_s3):
    config_file = point_storage_at(example_copy, bucket, moto_endpoint)
    build_site(config_file)
    publish(config_file)
    gated = example_copy / "gated"
    manifest = Manifest.load(gated / "manifest.json")
    [bundle] = [o for o in manifest.products["course:async-python"].downloads if o.role == "bundle"]
    stored = moto_s3.get_object(Bucket=bucket, Key=PREFIX + bundle.key)["Body"].read()
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        figures = [n for n in archive.namelist() if n.startswith("async-python/assets/")]
        assert figures and all(archive.read(n) == (gated / n.split("/", 1)[1]).read_bytes() for n in figures)

    chapter = example_copy / EDITED
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA paragraph for members.\n", encoding="utf-8")
    build_site(config_file)
    figure = gated / figures[0].split("/", 1)[1]  # uploaded already, so only the new zip still reads it
    figure.write_bytes(bytes(len(figure.read_bytes())))  # same size, other bytes: rewritten after the build
    published = moto_s3.get_object(Bucket=bucket, Key=PREFIX + "manifest.json")["Body"].read()

    result = CliRunner().invoke(publish_command, ["--config-file", str(config_file)])

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no longer match" in result.output and "run `folio build` again" in result.output
    assert moto_s3.get_object(Bucket=bucket, Key=PREFIX + "manifest.json")["Body"].read() == published
    assert not list((example_copy / ".folio-cache").glob("publish-*"))  # the half-assembled zip is gone


def test_a_dry_run_counts_downloads_not_assembled_yet_and_writes_nothing(example_copy, bucket, moto_endpoint,
                                                                         moto_s3):
    config_file = point_storage_at(example_copy, bucket, moto_endpoint)
    build_site(config_file)
    manifest = Manifest.load(example_copy / "gated/manifest.json")
    downloads = {o.key for p in manifest.products.values() for o in p.downloads}

    result = CliRunner().invoke(publish_command, ["--config-file", str(config_file), "--json", "--dry-run"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert downloads <= set(report["uploaded"]["keys"])
    assert report["uploaded"]["bytes"] > sum(a.size for a in manifest.assets)  # the downloads' entries count
    assert stored_keys(moto_s3, bucket) == set()
    assert not list((example_copy / ".folio-cache").glob("publish-*"))
