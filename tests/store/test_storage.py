"""toolkit.store: settings, and the presigned links the gate and `folio presign` hand out."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from tests.gatedsite import GatedSite, keys_of, product_keys, write_mkdocs_yml
from tests.s3server import bucket, moto_endpoint, moto_s3, s3_env  # noqa: F401  (pytest fixtures)
from toolkit.store import client as storage
from toolkit.store import presign
from toolkit.commands.presign import command as presign_command
from toolkit.errors import FolioError
from toolkit.store.publish import PublishOptions, publish
from toolkit.store.client import StorageSettings

# -- settings ----------------------------------------------------------------------


def test_settings_defaults():
    settings = StorageSettings.from_mapping({"bucket": "lambdasalon-gated"}, environ={})

    assert settings.bucket == "lambdasalon-gated"
    assert (settings.prefix, settings.region, settings.endpoint_url) == ("", None, None)
    assert (settings.cache_max_age, settings.keep) == (31536000, 3)
    assert settings.manifest_key == "manifest.json"


def test_prefix_gets_exactly_one_trailing_slash():
    settings = StorageSettings.from_mapping({"bucket": "bkt", "prefix": "/v1"}, environ={})

    assert settings.prefix == "v1/"
    assert settings.key_for("course/x/a.1a2b3c4d.html") == "v1/course/x/a.1a2b3c4d.html"


def test_environment_overrides_win_over_the_mapping():
    environ = {"FOLIO_S3_BUCKET": "from-env", "FOLIO_S3_PREFIX": "env/", "FOLIO_S3_REGION": "eu-west-1",
               "FOLIO_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}

    settings = StorageSettings.from_mapping({"bucket": "from-yaml", "prefix": "yaml/"}, environ)

    assert (settings.bucket, settings.prefix, settings.region, settings.endpoint_url) == (
        "from-env", "env/", "eu-west-1", "http://127.0.0.1:9000")


def test_every_problem_is_reported_at_once_with_its_key_path():
    with pytest.raises(FolioError) as caught:
        StorageSettings.from_mapping({"bucket": "Bad_Name", "keep": True, "cache_max_age": -1, "colour": 1}, {})

    lines = caught.value.message.splitlines()
    assert len(lines) == 4
    for key in ("bucket", "keep", "cache_max_age", "colour"):
        assert any(line.startswith(f"mkdocs.yml: plugins.folio.storage.{key}: ") for line in lines)


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(FolioError, match="FOLIO_S3_ENDPOINT_URL: must be an http:// or https:// address"):
        StorageSettings.from_mapping({"bucket": "bkt"}, {"FOLIO_S3_ENDPOINT_URL": "localhost:9000"})


def test_missing_bucket_says_where_to_set_it():
    with pytest.raises(FolioError, match="storage.bucket: no bucket configured; set it there or in FOLIO_S3_BUCKET"):
        StorageSettings.from_mapping({}, {})


def test_settings_load_from_mkdocs_yml_with_gated_dir_beside_it(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLIO_S3_BUCKET", raising=False)
    config = write_mkdocs_yml(tmp_path, {"bucket": "lambdasalon-gated", "prefix": "v1/"}, gated_dir="private")

    settings, gated_dir = storage.load_site_settings(config)

    assert (settings.bucket, settings.prefix) == ("lambdasalon-gated", "v1/")
    assert gated_dir == tmp_path / "private"


# -- presigned links ----------------------------------------------------------------


@pytest.fixture()
def published(tmp_path, bucket, moto_endpoint):
    """A published sample site: (client, settings, manifest, gated site)."""
    site = GatedSite.sample(tmp_path / "gated")
    manifest = site.write()
    settings = StorageSettings.from_mapping(
        {"bucket": bucket, "prefix": "v1/", "region": "us-east-1", "endpoint_url": moto_endpoint}, environ={})
    client = storage.make_client(settings)
    publish(client, settings, site.root, PublishOptions())
    return client, settings, manifest, site


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers


def only(keys: set[str]) -> str:
    (key,) = keys
    return key


def test_a_presigned_bundle_downloads_as_an_attachment_with_the_exact_bytes(published):
    client, settings, manifest, site = published
    key = only(product_keys(manifest, "course:async-python", "bundle"))

    url = presign.presign_object(client, settings, manifest, "course:async-python", key).url
    body, headers = fetch(url)

    assert body == (site.root / key).read_bytes()
    assert headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"] == 'attachment; filename="async-python.zip"'


def test_a_presigned_page_opens_inline_as_html(published):
    client, settings, manifest, site = published
    key = sorted(keys_of(manifest, "page"))[0]
    product = "course:async-python" if key.startswith("course/") else "membership"

    body, headers = fetch(presign.presign_object(client, settings, manifest, product, key).url)

    assert body == (site.root / key).read_bytes()
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Disposition"] == "inline"


def expires_in(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0])


def test_links_last_15_minutes_for_downloads_and_5_for_pages_by_default(published):
    client, settings, manifest, _ = published
    links = presign.presign_product(client, settings, manifest, "course:async-python")

    lifetimes = {link.role: expires_in(link.url) for link in links}
    assert lifetimes == {"page": 300, "bundle": 900, "epub": 900}
    assert all(link.ttl == lifetimes[link.role] for link in links)


def test_a_chosen_lifetime_is_used_up_to_seven_days(published):
    client, settings, manifest, _ = published
    key = sorted(keys_of(manifest, "epub"))[0]

    assert expires_in(presign.presign_object(client, settings, manifest, "course:async-python", key,
                                             7 * 86400).url) == 604800
    assert expires_in(presign.presign_object(client, settings, manifest, "course:async-python", key,
                                             timedelta(hours=2)).url) == 7200
    with pytest.raises(FolioError, match="between 1 second and 7 days"):
        presign.presign_object(client, settings, manifest, "course:async-python", key, 7 * 86400 + 1)


def test_only_keys_of_that_products_manifest_are_signed(published):
    client, settings, manifest, _ = published
    membership_page = sorted(product_keys(manifest, "membership", "page"))[0]

    for key in (membership_page, "../manifest.json", "manifest.json", "course/async-python/other.html"):
        with pytest.raises(presign.NotInManifest):
            presign.presign_object(client, settings, manifest, "course:async-python", key)
    with pytest.raises(presign.NotInManifest, match="known products: course:async-python, membership"):
        presign.presign_product(client, settings, manifest, "course:nope")


def test_signed_urls_never_appear_in_reprs(published):
    client, settings, manifest, _ = published

    link = presign.presign_product(client, settings, manifest, "membership", "bundle")[0]

    assert "X-Amz-Signature" not in repr(link)


@pytest.mark.parametrize("key, filename", [
    ("course/async-python/async-python.1a2b3c4d.zip", "async-python.zip"),
    ("course/x/Book of \"Quotes\"\r\n.0badf00d.epub", "Book-of-Quotes-.epub"),
    ("membership/.hidden.zip", "hidden.zip"),
    ("course/x/...", "download"),
])
def test_download_filenames_are_clean_and_header_safe(key, filename):
    assert presign.download_filename(key) == filename


def test_the_published_manifest_is_what_the_gate_reads(published):
    client, settings, manifest, _ = published

    assert storage.read_published_manifest(client, settings) == manifest


def test_an_asset_is_signed_for_a_product_whose_pages_use_it_and_opens_inline(published):
    client, settings, manifest, site = published
    (asset,) = manifest.assets

    link = presign.presign_object(client, settings, manifest, "course:async-python", asset.key)
    body, headers = fetch(link.url)

    assert (link.role, link.ttl) == ("asset", 300)
    assert body == (site.root / asset.key).read_bytes()
    assert headers["Content-Type"] == "image/png" and headers["Content-Disposition"] == "inline"


def test_a_corrupt_published_manifest_is_a_clear_error(published):
    client, settings, _, _ = published
    client.put_object(Bucket=settings.bucket, Key=settings.manifest_key, Body=b'{"schema": 3, "products": 7}')

    with pytest.raises(FolioError, match="manifest.json: products: expected an object"):
        storage.read_published_manifest(client, settings)


# -- folio presign -------------------------------------------------------------------


def presign_cli(published, tmp_path, *args: str):
    _, settings, _, site = published
    config = write_mkdocs_yml(site.root.parent, {"bucket": settings.bucket, "prefix": settings.prefix,
                                                 "region": "us-east-1", "endpoint_url": settings.endpoint_url})
    return CliRunner().invoke(presign_command, ["--config-file", str(config), *args])


def test_folio_presign_prints_working_download_links(published, tmp_path):
    _, _, manifest, site = published

    result = presign_cli(published, tmp_path, "course:async-python", "--ttl", "2h")

    assert result.exit_code == 0, result.output
    urls = result.output.split()
    assert len(urls) == 2  # bundle and epub
    assert {expires_in(url) for url in urls} == {7200}
    bodies = {fetch(url)[0] for url in urls}
    assert bodies == {(site.root / key).read_bytes() for key in keys_of(manifest) if not key.endswith(".html")
                      and key.startswith("course/")}


def test_folio_presign_one_page_by_key_as_json(published, tmp_path):
    _, _, manifest, _ = published
    key = sorted(k for k in keys_of(manifest, "page") if k.startswith("course/"))[0]

    result = presign_cli(published, tmp_path, "course:async-python", "--key", key, "--json")

    assert result.exit_code == 0, result.output
    (link,) = json.loads(result.output)
    assert (link["key"], link["role"], link["ttl"]) == (key, "page", 300)
    assert fetch(link["url"])[1]["Content-Disposition"] == "inline"


def test_folio_presign_refuses_an_unknown_product_and_too_long_links(published, tmp_path):
    unknown = presign_cli(published, tmp_path, "course:nope")
    too_long = presign_cli(published, tmp_path, "course:async-python", "--ttl", "8d")
    not_a_duration = presign_cli(published, tmp_path, "course:async-python", "--ttl", "soon")

    assert unknown.exit_code == 1 and "No product 'course:nope'" in unknown.output
    assert too_long.exit_code == 1 and "7 days" in too_long.output
    assert not_a_duration.exit_code == 2 and "not a duration like 30m" in not_a_duration.output


def test_folio_presign_before_any_publish_says_to_publish(tmp_path, bucket, moto_endpoint):
    GatedSite.sample(tmp_path / "gated").write()
    config = write_mkdocs_yml(tmp_path, {"bucket": bucket, "region": "us-east-1", "endpoint_url": moto_endpoint})

    published_result = CliRunner().invoke(presign_command, ["-f", str(config), "membership"])
    local_result = CliRunner().invoke(presign_command, ["-f", str(config), "membership", "--local"])

    assert published_result.exit_code == 1
    assert "Nothing published yet" in published_result.output and "folio publish" in published_result.output
    assert local_result.exit_code == 0 and local_result.output.startswith(moto_endpoint)


def test_folio_presign_local_with_a_corrupt_manifest_is_a_clear_error(tmp_path, bucket, moto_endpoint):
    GatedSite.sample(tmp_path / "gated").write()
    (tmp_path / "gated/manifest.json").write_text('{"schema": 3, "products": {"membership": []}}', encoding="utf-8")
    config = write_mkdocs_yml(tmp_path, {"bucket": bucket, "region": "us-east-1", "endpoint_url": moto_endpoint})

    result = CliRunner().invoke(presign_command, ["-f", str(config), "membership", "--local"])

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "manifest.json: products.membership: expected an object" in result.output
    assert "run `folio build` again" in result.output
