"""gated/ output: paid pages, assets stored once, course and membership zips, the EPUB, manifest.json."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests import sites
from tests.sites import GATE, MEMBERS_CHINESE, PAID_CHINESE, PAID_MARKERS, PAID_SENTENCE
from toolkit.plugin.staging import build_site
from tests.downloads import assembled

HTML = "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def gated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundles")
    build_site(sites.adversarial_site(root, plugins=["search"]))
    return root / "gated"


@pytest.fixture(scope="module")
def manifest(gated) -> dict:
    return json.loads((gated / "manifest.json").read_text(encoding="utf-8"))


def only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


# --- the self-contained page ----------------------------------------------------------------


@pytest.fixture(scope="module")
def locked_page(gated) -> str:
    return only(gated / "course/leaklab", "02-locked.*.html").read_text(encoding="utf-8")


def test_gated_page_holds_the_full_paid_text(locked_page):
    assert sites.TEASER.split()[1] in locked_page
    assert PAID_SENTENCE in locked_page
    assert PAID_CHINESE in locked_page
    for construct in ("heading", "paragraph", "code", "table", "admonition", "footnote", "image-alt",
                      "html-block"):
        assert PAID_MARKERS[construct] in locked_page, construct


def test_gated_page_references_its_images_as_content_addressed_assets(locked_page, gated, manifest):
    paid_image = sites.svg("paid only image")
    key = f"assets/{hashlib.sha256(paid_image).hexdigest()[:16]}.svg"
    assert f'src="../../{key}"' in locked_page
    assert (gated / key).read_bytes() == paid_image  # opened from gated/ on disk, the image shows
    assert "data:image" not in locked_page
    assert "img/paid-only.svg" not in locked_page and "img/shared.svg" not in locked_page
    page = next(o for o in manifest["products"]["course:leaklab"]["objects"]
                if o["source"] == "courses/leaklab/02-locked.md")
    assert {"key": key, "ref": f"../../{key}"} in page["assets"]


def test_gated_page_inlines_styles_and_names_the_product(locked_page):
    assert "<style>" in locked_page and 'rel="stylesheet"' not in locked_page
    assert re.search(r'<footer class="bundle-footer">[^<]*Leak Lab Course', locked_page)


def test_gated_page_links_locked_siblings_to_gate_read_url_and_free_ones_to_site(locked_page):
    assert f'href="{GATE}/read/course:leaklab/courses/leaklab/03-also-locked.md"' in locked_page
    assert 'href="https://leak.example/courses/leaklab/01-intro/"' in locked_page
    assert "03-also-locked.md\"" not in locked_page.replace("/courses/leaklab/03-also-locked.md\"", "")


def test_members_article_gets_its_own_gated_page(gated):
    page = only(gated / "membership/articles", "deep-dive.*.html").read_text(encoding="utf-8")
    assert PAID_MARKERS["members"] in page and MEMBERS_CHINESE in page


# --- the course zip -------------------------------------------------------------------------


def test_course_zip_is_an_offline_site_of_every_chapter_with_sources_and_images(gated, tmp_path):
    with zipfile.ZipFile(assembled(only(gated / "course/leaklab", "leaklab.*.zip.pack"))) as archive:
        archive.extractall(tmp_path)
        names = archive.namelist()
    root = tmp_path / "leaklab"
    for name in ("index.html", "01-intro.html", "02-locked.html", "03-also-locked.html",
                 "source/courses/leaklab/01-intro.md", "source/courses/leaklab/02-locked.md",
                 "source/courses/leaklab/03-also-locked.md"):
        assert f"leaklab/{name}" in names, name
    images = [n for n in names if n.endswith(".svg")]
    assert sorted((root.parent / n).read_bytes() for n in images) == sorted(
        [sites.svg("paid only image"), sites.svg("shared image")])  # each image once, in assets/
    assert all(n.startswith("leaklab/assets/") for n in images)
    assert len(names) == len(set(names))
    index = (root / "index.html").read_text(encoding="utf-8")
    for chapter in ("01-intro.html", "02-locked.html", "03-also-locked.html"):
        assert f'href="{chapter}"' in index
    locked = (root / "02-locked.html").read_text(encoding="utf-8")
    assert PAID_SENTENCE in locked and PAID_MARKERS["table"] in locked
    assert 'href="03-also-locked.html"' in locked and 'href="01-intro.html"' in locked
    assert (root / "source/courses/leaklab/02-locked.md").read_text(encoding="utf-8") == sites.LOCKED_CHAPTER


def test_membership_zip_holds_members_articles(gated):
    with zipfile.ZipFile(assembled(only(gated / "membership", "membership.*.zip.pack"))) as archive:
        names = archive.namelist()
        page = archive.read("membership/articles-deep-dive.html").decode()
    assert "membership/source/articles/deep-dive.md" in names
    assert "membership/index.html" in names
    assert PAID_MARKERS["members"] in page
    assert not any("free-post" in n for n in names)


# --- the EPUB -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epub(gated):
    with zipfile.ZipFile(assembled(only(gated / "course/leaklab", "leaklab.*.epub.pack"))) as archive:
        yield archive


def test_epub_starts_with_stored_mimetype(epub):
    first = epub.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert epub.read("mimetype") == b"application/epub+zip"
    assert first.extra == b""


def test_epub_has_container_pointing_at_package(epub):
    container = ET.fromstring(epub.read("META-INF/container.xml"))
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    package = ET.fromstring(epub.read(rootfile.get("full-path")))
    hrefs = [item.get("href") for item in package.iter("{http://www.idpf.org/2007/opf}item")]
    base = rootfile.get("full-path").rsplit("/", 1)[0]
    for href in hrefs:
        assert f"{base}/{href}" in epub.namelist(), href


def test_epub_chapters_are_well_formed_xhtml_with_paid_text(epub):
    chapters = [n for n in epub.namelist() if n.endswith(".xhtml")]
    assert len(chapters) == 4  # three chapters and the nav document
    for name in chapters:
        ET.fromstring(epub.read(name))  # raises on malformed XML
    text = b"".join(epub.read(n) for n in chapters).decode()
    assert PAID_SENTENCE in text and PAID_MARKERS["html-block"] in text


def test_epub_carries_paid_image_as_a_file(epub):
    images = [n for n in epub.namelist() if n.startswith("OEBPS/images/")]
    assert sites.svg("paid only image") in [epub.read(n) for n in images]


# --- manifest.json --------------------------------------------------------------------------

OBJECT_KEYS = {"key", "sha256", "size", "content_type", "role", "source", "title"}
PAGE_KEYS = OBJECT_KEYS | {"assets"}
DOWNLOAD_KEYS = {"key", "pack", "content_type", "role", "source", "title"}
CONTENT_TYPES = {"page": HTML, "site-page": HTML, "locked-part": HTML, "bundle": "application/zip",
                 "epub": "application/epub+zip"}


def test_manifest_top_level_matches_readme(manifest):
    assert set(manifest) == {"schema", "generator", "build", "assets", "products"}
    assert (manifest["schema"], manifest["build"]) == (4, "production")
    assert re.fullmatch(r"folio \S+", manifest["generator"])
    assert list(manifest["products"]) == sorted(manifest["products"]) == ["course:leaklab", "membership"]


def test_manifest_products_and_prices(manifest):
    course, membership = manifest["products"]["course:leaklab"], manifest["products"]["membership"]
    # `inputs` (digest of the product's sources, used to skip unchanged products) is not in gated/README.md.
    assert set(course) - {"inputs"} == {"kind", "title", "language", "prices", "objects"}
    assert (course["kind"], course["title"], course["language"]) == ("course", "Leak Lab Course", "en")
    assert course["prices"] == [{"plan": "one_time", "amount": 4900, "currency": "USD", "display": "49 USD"}]
    assert (membership["kind"], membership["title"]) == ("membership", "Membership")
    assert membership["prices"] == [
        {"plan": "monthly", "amount": 900, "currency": "USD", "display": "9 USD"},
        {"plan": "yearly", "amount": 9000, "currency": "USD", "display": "90 USD"},
    ]


def test_manifest_objects_match_files_on_disk(manifest, gated):
    listed = set()
    for product in manifest["products"].values():
        for obj in product["objects"]:
            assert obj["content_type"] == CONTENT_TYPES[obj["role"]]
            stem, hash8, _ = obj["key"].rsplit(".", 2)
            if obj["role"] in ("page", "site-page", "locked-part"):
                assert set(obj) == PAGE_KEYS
                data = (gated / obj["key"]).read_bytes()
                assert (obj["sha256"], obj["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
                assert hash8 == obj["sha256"][:8]
                listed.add(obj["key"])
            else:  # a download is its pack list in gated/, assembled by `folio publish`
                assert set(obj) == DOWNLOAD_KEYS
                pack = obj["pack"]
                assert pack["key"] == obj["key"] + ".pack"
                data = (gated / pack["key"]).read_bytes()
                assert (pack["sha256"], pack["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
                assert hash8 == pack["sha256"][:8]
                listed.add(pack["key"])
    for asset in manifest["assets"]:
        data = (gated / asset["key"]).read_bytes()
        assert asset["key"] == f"assets/{hashlib.sha256(data).hexdigest()[:16]}.svg"
        assert (asset["role"], asset["content_type"], asset["size"]) == ("asset", "image/svg+xml", len(data))
        listed.add(asset["key"])
    on_disk = {p.relative_to(gated).as_posix() for p in gated.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json"}


def test_manifest_roles_sources_and_keys(manifest):
    course = {(o["role"], o["source"]): o for o in manifest["products"]["course:leaklab"]["objects"]}
    assert set(course) == {
        ("page", "courses/leaklab/02-locked.md"), ("page", "courses/leaklab/03-also-locked.md"),
        ("bundle", "courses/leaklab"), ("epub", "courses/leaklab"),
        # Each locked page as a page of the site, and its locked part alone (toolkit/plugin/member_pages.py).
        ("site-page", "courses/leaklab/02-locked.md"), ("site-page", "courses/leaklab/03-also-locked.md"),
        ("locked-part", "courses/leaklab/02-locked.md"), ("locked-part", "courses/leaklab/03-also-locked.md"),
    }
    assert re.fullmatch(r"course/leaklab/02-locked\.[0-9a-f]{8}\.html", course["page", "courses/leaklab/02-locked.md"]["key"])
    assert course["page", "courses/leaklab/02-locked.md"]["title"] == "Locked chapter"
    assert re.fullmatch(r"course/leaklab/leaklab\.[0-9a-f]{8}\.zip", course["bundle", "courses/leaklab"]["key"])
    assert re.fullmatch(r"course/leaklab/leaklab\.[0-9a-f]{8}\.epub", course["epub", "courses/leaklab"]["key"])
    members = {(o["role"], o["source"]): o for o in manifest["products"]["membership"]["objects"]}
    # The membership is a book too (its members pages), like a course.
    assert set(members) == {("page", "articles/deep-dive.md"), ("bundle", "membership"), ("epub", "membership"),
                            ("site-page", "articles/deep-dive.md"), ("locked-part", "articles/deep-dive.md")}
    assert re.fullmatch(r"membership/articles/deep-dive\.[0-9a-f]{8}\.html", members["page", "articles/deep-dive.md"]["key"])
    assert re.fullmatch(r"membership/membership\.[0-9a-f]{8}\.zip", members["bundle", "membership"]["key"])
