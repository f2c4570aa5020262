"""toolkit.gated.manifest: the one reader and writer of gated/manifest.json (schema 4)."""

from __future__ import annotations

import json

import pytest

from tests.gatedsite import GatedSite
from toolkit.gated.manifest import Manifest, ManifestError, safe_path


@pytest.fixture()
def written(tmp_path):
    site = GatedSite.sample(tmp_path / "gated")
    return site.write(), site


def test_a_written_manifest_reads_back_equal_and_writes_the_same_bytes(written):
    manifest, site = written
    path = site.root / "manifest.json"

    again = Manifest.load(path)

    assert again == manifest
    assert again.to_bytes() == path.read_bytes() == manifest.to_bytes()
    assert again.schema == 4 and again.build == "production"


def test_products_pages_downloads_and_assets_are_reachable_by_the_contract_api(written):
    manifest, _ = written
    course = manifest.products["course:async-python"]

    assert (course.kind, course.language) == ("course", "en")
    assert [p.role for p in course.pages] == ["page"] * 3
    assert sorted(d.role for d in course.downloads) == ["bundle", "epub"]
    page = course.page("courses/async-python/01-chapter.md")
    (ref,) = page.assets
    assert manifest.asset(ref.key).sha256 == manifest.assets[0].sha256
    assert ref.ref == "../../" + ref.key  # relative from the page's key: gated/ opened locally works
    assert course.page("courses/async-python/nope.md") is None


def test_every_asset_is_listed_once_at_the_top_level(written):
    manifest, _ = written
    data = json.loads(manifest.to_bytes())

    assert [a["key"] for a in data["assets"]] == [manifest.assets[0].key]
    assert all(o["role"] != "asset" for p in data["products"].values() for o in p["objects"])
    assert sum(1 for o in manifest.objects() if o.role == "asset") == 1


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(schema=1), "manifest schema 1, but this Folio reads schemas 2, 3 and 4"),
    (lambda d: d["assets"][0].update(key="../escape.png"), "assets[0].key: '../escape.png' is not a safe"),
    (lambda d: d["products"]["membership"]["objects"][0].update(sha256="xyz"), "sha256: expected 64"),
    (lambda d: d["products"]["membership"].update(language="fr"), "language: expected one of en, zh"),
    (lambda d: d["products"]["membership"]["objects"][0].update(role="asset"), "role: expected page or bundle"),
    (lambda d: d.update(assets=[]), "which is not under assets"),
    (lambda d: d.update(build="nightly"), "build: expected one of production, preview"),
    (lambda d: d["products"]["membership"]["objects"][0].update(pack={"key": "x.pack", "sha256": "0" * 64, "size": 1}),
     "only a download (bundle, epub) is assembled from a pack list"),
])
def test_a_corrupt_manifest_is_refused_naming_the_file_and_the_problem(written, change, message):
    manifest, site = written
    data = json.loads(manifest.to_bytes())
    change(data)

    with pytest.raises(ManifestError) as caught:
        Manifest.from_bytes(json.dumps(data).encode(), "gated/manifest.json")

    assert "gated/manifest.json: " in caught.value.message and message in caught.value.message
    assert "run `folio build` again" in caught.value.message.lower()


def test_a_download_packed_at_publish_reads_back_and_a_schema_2_manifest_still_reads(written):
    manifest, site = written
    data = json.loads(manifest.to_bytes())
    [bundle] = [o for o in data["products"]["membership"]["objects"] if o["role"] == "bundle"]
    del bundle["sha256"], bundle["size"]
    bundle["pack"] = {"key": bundle["key"] + ".pack", "sha256": "a" * 64, "size": 120}

    packed = Manifest.from_bytes(json.dumps(data).encode(), "gated/manifest.json")
    [download] = packed.products["membership"].downloads
    assert (download.pack.key, download.pack.size, download.local_key) == (bundle["key"] + ".pack", 120,
                                                                           bundle["key"] + ".pack")
    assert bundle["key"] in packed.keys() and bundle["key"] + ".pack" in packed.local_keys()
    written_again = json.loads(packed.to_bytes())["products"]["membership"]["objects"]
    assert written_again == data["products"]["membership"]["objects"]

    old = json.loads(manifest.to_bytes()) | {"schema": 2}  # a bucket published by the previous release
    assert Manifest.from_bytes(json.dumps(old).encode(), "manifest.json").products.keys() == manifest.products.keys()


def test_not_json_and_missing_files_are_clear_errors(tmp_path):
    (tmp_path / "manifest.json").write_bytes(b"{not json")

    with pytest.raises(ManifestError, match="not valid JSON"):
        Manifest.load(tmp_path / "manifest.json")
    with pytest.raises(ManifestError, match="not found. Run `folio build` first"):
        Manifest.load(tmp_path / "missing" / "manifest.json")


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../x", "a\\b", "manifest.json", "", "./a"])
def test_safe_path_refuses_keys_that_escape_the_root(tmp_path, key):
    with pytest.raises(ManifestError):
        safe_path(tmp_path, key)


def test_safe_path_maps_a_key_under_the_root(tmp_path):
    assert safe_path(tmp_path, "assets/0123456789abcdef.png") == (tmp_path / "assets/0123456789abcdef.png").resolve()
