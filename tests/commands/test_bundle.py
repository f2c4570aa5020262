"""`folio bundle [PRODUCT] --out DIR`: the downloads assembled locally, byte-identical to what
`folio publish` uploads (published here to moto's S3 server on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.s3server import bucket, moto_endpoint, moto_s3, read_object, s3_env  # noqa: F401  (fixtures)
from tests.store.test_build_publish import PREFIX, point_storage_at, publish
from toolkit.commands.bundle import command as bundle_command
from toolkit.gated.manifest import Manifest


def bundle(config_file: Path, *args: str):
    return CliRunner().invoke(bundle_command, ["--config-file", str(config_file), *args])


def downloads(site: Path) -> dict[str, str]:
    """File name -> key of every download the manifest names."""
    manifest = Manifest.load(site / "gated/manifest.json")
    return {o.key.rsplit("/", 1)[1]: o.key for o in manifest.objects() if o.pack is not None}


def test_bundle_writes_the_bytes_publish_uploads(tiny_site, bucket, moto_endpoint, moto_s3, tmp_path):
    from toolkit.plugin.staging import build_site

    config_file = point_storage_at(tiny_site, bucket, moto_endpoint)
    build_site(config_file)
    result = bundle(config_file, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    publish(config_file)
    expected = downloads(tiny_site)
    assert {n.rsplit(".", 2)[-1] for n in expected} == {"zip", "epub"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(expected)
    for name, key in expected.items():
        assert (tmp_path / "out" / name).read_bytes() == read_object(moto_s3, bucket, PREFIX + key), name
        assert str(tmp_path / "out" / name) in result.output


def test_bundle_of_one_product_by_slug(tiny_site, tmp_path):
    from toolkit.plugin.staging import build_site

    build_site(tiny_site / "mkdocs.yml")
    result = bundle(tiny_site / "mkdocs.yml", "c", "--out", str(tmp_path / "one"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert [n.split(".")[0] for n in names] == ["c", "c"] and {n.rsplit(".", 1)[1] for n in names} == {"zip", "epub"}


def test_bundle_names_the_products_when_one_is_unknown(tiny_site, tmp_path):
    from toolkit.plugin.staging import build_site

    build_site(tiny_site / "mkdocs.yml")
    result = bundle(tiny_site / "mkdocs.yml", "nope", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "no product 'nope' in gated/manifest.json; products: course:c, membership" in result.output


def test_bundle_before_a_build_says_to_build(tiny_site, tmp_path):
    result = bundle(tiny_site / "mkdocs.yml", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "Run `folio build` first" in result.output and "Traceback" not in result.output
