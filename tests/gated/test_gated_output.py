"""What a buyer gets: each image once, math offline, the course's language, checked paid text."""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ET
import re
import zipfile
from pathlib import Path

import pytest

from tests.gated.figures import chapter, course_index, figures_site, png
from toolkit.plugin.staging import build_site
from toolkit.errors import FolioError
from toolkit.gated.manifest import Manifest
from tests.downloads import assembled


def only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("figures")
    build_site(figures_site(root))
    return root


def sha_key(data: bytes, ext: str = "png") -> str:
    return f"assets/{hashlib.sha256(data).hexdigest()[:16]}.{ext}"


# -- assets once, by content -------------------------------------------------------------------


def test_each_image_is_one_asset_object_used_by_every_page_that_shows_it(built):
    manifest = Manifest.load(built / "gated/manifest.json")
    lens, shared = sha_key(png(16, 16, 1)), sha_key(png(12, 12, 2))
    images = [a.key for a in manifest.assets if a.content_type == "image/png"]
    assert sorted(images) == sorted([lens, shared])
    course = manifest.products["course:optics"]
    for source in ("courses/optics/01-lenses.md", "courses/optics/02-mirrors.md"):
        page = course.page(source)
        html = (built / "gated" / page.key).read_text(encoding="utf-8")
        refs = {ref.key: ref.ref for ref in page.assets}
        # Site-absolute (/static/…) and relative (../../static/…) paths both resolve to the one object.
        assert refs[lens] == f"../../{lens}" and refs[shared] == f"../../{shared}"
        assert f'src="../../{lens}"' in html and f'src="../../{shared}"' in html
    assert (built / "gated" / lens).read_bytes() == png(16, 16, 1)


def test_zip_and_epub_carry_one_file_per_asset(built, tmp_path):
    course = built / "gated/course/optics"
    with zipfile.ZipFile(assembled(only(course, "optics.*.zip.pack"))) as archive:
        archive.extractall(tmp_path / "zip")
        zip_pngs = [n for n in archive.namelist() if n.endswith(".png")]
    with zipfile.ZipFile(assembled(only(course, "optics.*.epub.pack"))) as book:
        book.extractall(tmp_path / "epub")
        epub_pngs = [n for n in book.namelist() if n.endswith(".png")]
    unpacked = sorted(p.read_bytes() for p in (tmp_path / "zip").rglob("*.png"))
    assert unpacked == sorted([png(16, 16, 1), png(12, 12, 2)])  # two images, two files
    assert len(zip_pngs) == len(set(zip_pngs)) == 2
    assert sorted(p.read_bytes() for p in (tmp_path / "epub").rglob("*.png")) == unpacked
    assert len(epub_pngs) == 2


def test_gated_folder_is_about_the_size_of_its_unique_assets_plus_text(built):
    manifest = Manifest.load(built / "gated/manifest.json")
    assets = sum(a.size for a in manifest.assets)
    pages = sum(o.size for p in manifest.products.values() for o in p.pages)
    assert not any("data:image" in (built / "gated" / o.key).read_text(encoding="utf-8")
                   for p in manifest.products.values() for o in p.pages)
    assert pages < 40_000  # text only: no image is embedded in a page


def test_gated_folder_holds_each_figure_once_and_the_downloads_as_pack_lists(built):
    gated = built / "gated"
    files = {p.relative_to(gated).as_posix(): p.read_bytes() for p in gated.rglob("*") if p.is_file()}
    for figure in (png(16, 16, 1), png(12, 12, 2)):
        holders = [name for name, data in files.items() if figure in data]
        assert holders == [sha_key(figure)]  # not again inside a stored zip or EPUB
    assert not [name for name in files if name.endswith((".zip", ".epub"))]
    manifest = Manifest.load(gated / "manifest.json")
    for download in manifest.products["course:optics"].downloads:
        assert download.pack.key == download.key + ".pack" and download.pack.key in files
    total = sum(len(data) for data in files.values())
    assert total <= 1.1 * sum(a.size for a in manifest.assets) + 200_000  # the assets, plus text


# -- faithful rendering ------------------------------------------------------------------------


def test_math_is_marked_for_katex_and_katex_ships_as_assets(built):
    manifest = Manifest.load(built / "gated/manifest.json")
    page = manifest.products["course:optics"].page("courses/optics/01-lenses.md")
    html = (built / "gated" / page.key).read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    shipped = {a.source for a in manifest.assets}
    assert {"folio:katex/katex.min.css", "folio:katex/katex.min.js", "folio:katex/auto-render.min.js"} <= shipped
    stylesheet = next(a for a in manifest.assets if a.source == "folio:katex/katex.min.css")
    css = (built / "gated" / stylesheet.key).read_text(encoding="utf-8")
    assert css.count("data:font/woff2;base64,") >= 10 and "url(fonts/" not in css  # fonts need no URL
    for ref in page.assets:
        assert f'"{ref.ref}"' in html  # every listed ref is an attribute value the gate can replace
    assert "cdn" not in html.lower()


def test_epub_formulas_are_mathml_that_e_readers_show_without_scripts(built):
    with zipfile.ZipFile(assembled(only(built / "gated/course/optics", "optics.*.epub.pack"))) as book:
        names = book.namelist()
        chapters = {n: book.read(n).decode() for n in names if n.startswith("OEBPS/") and n.endswith(".xhtml")
                    and not n.endswith("nav.xhtml")}
        package = book.read("OEBPS/content.opf").decode()
    lenses = next(text for text in chapters.values() if "Thin lens" in text)
    tree = ET.fromstring(lenses)
    math = tree.findall(".//{http://www.w3.org/1998/Math/MathML}math")
    assert [m.get("display") for m in math] == ["inline", "block"]
    assert math[0].find(".//{http://www.w3.org/1998/Math/MathML}mfrac") is not None
    shown = re.sub(r' alttext="[^"]*"', "", lenses)  # the TeX stays only as the formula's alternative text
    assert "\\frac" not in shown and "\\int" not in shown  # no TeX left for the reader to decode
    chapter = next(n for n, text in chapters.items() if text is lenses).removeprefix("OEBPS/")
    assert f'href="{chapter}" media-type="application/xhtml+xml" properties="mathml"' in package
    mirrors = next(n for n, text in chapters.items() if "Curved mirrors" in text).removeprefix("OEBPS/")
    assert f'href="{mirrors}" media-type="application/xhtml+xml"/>' in package  # no formula, no property


def test_code_is_highlighted_and_links_into_locked_pages_go_to_the_gate(built):
    manifest = Manifest.load(built / "gated/manifest.json")
    page = manifest.products["course:optics"].page("courses/optics/01-lenses.md")
    html = (built / "gated" / page.key).read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:8787/read/course:optics/courses/optics/02-mirrors.md#curved-mirrors"' in html
    assert ".highlight" in html  # the code highlighting styles ship with the page


# -- parse-tree rewriting and well-formed EPUB chapters ------------------------------------------

AWKWARD = {
    "unclosed-p": ("<p>An unclosed paragraph about optics", "An unclosed paragraph about optics"),
    "comment-dashes": ("<!-- a note -- with dashes -->\n\nAfter the comment.", "After the comment."),
    "script-lt": ("<script>if (1 < 2) { window.x = 1; }</script>\n\nAfter the script.", "After the script."),
    "tex-tuple": ("An MDP is a tuple $<S,A,P,R>$ of sets.", "of sets."),
    "attr-in-math": ("Half is $a*b*{2}$ here.", "here."),
    "pre-arrow": ("<pre>x <-- y</pre>\n\nAfter the pre.", "After the pre."),
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_html_in_a_paid_chapter_gives_well_formed_epub_chapters(tmp_path, name):
    markdown, survives = AWKWARD[name]
    config = figures_site(tmp_path, math=False, extra_pages={
        "courses/optics/03-awkward.md": chapter("Awkward", "Free words.", markdown)})

    build_site(config)

    with zipfile.ZipFile(assembled(only(tmp_path / "gated/course/optics", "optics.*.epub.pack"))) as book:
        chapters = {n: book.read(n) for n in book.namelist() if n.endswith(".xhtml")}
    for data in chapters.values():
        ET.fromstring(data)  # raises on anything not well-formed
    assert survives in b"".join(chapters.values()).decode()
    page = only(tmp_path / "gated/course/optics", "03-awkward.*.html").read_text(encoding="utf-8")
    assert survives in page


def test_a_malformed_chapter_is_an_error_naming_the_page(tmp_path):
    from toolkit.gated.epub import epub_pack
    from toolkit.gated.htmltree import MalformedChapter
    from toolkit.gated.products import Offer
    from toolkit.gated.render import RenderedPage

    class Page:
        src, title = "courses/optics/03-bad.md", "Bad"

    offer = Offer("course:optics", "course", "Optics", "en", [], [Page], [Page], "optics")
    rendered = {Page.src: RenderedPage(Page.src, "", "", "<p>never closed")}

    with pytest.raises(MalformedChapter, match=r"content/courses/optics/03-bad.md: its EPUB chapter is not well-formed"):
        epub_pack(offer, rendered, "content")


# -- checked like public pages -------------------------------------------------------------------

BROKEN = chapter("Broken", "Free words.", "Some paid text.\n\n![gone](img/missing.png)\n\n[lost](04-nowhere.md)\n")


def test_a_broken_image_in_a_paid_chapter_fails_strict_naming_file_and_line(tmp_path):
    config = figures_site(tmp_path, math=False, extra_pages={"courses/optics/03-broken.md": BROKEN})

    with pytest.raises(FolioError) as caught:
        build_site(config, strict=True)

    message = caught.value.message
    assert "content/courses/optics/03-broken.md:13: image 'img/missing.png' not found" in message
    assert "content/courses/optics/03-broken.md:15: link '04-nowhere.md'" in message
    assert not (tmp_path / "site").exists()


def test_without_strict_problems_in_paid_text_are_warnings(tmp_path, caplog):
    config = figures_site(tmp_path, math=False, extra_pages={"courses/optics/03-broken.md": BROKEN},
                          extra_assets={"courses/optics/img/huge.png": png(1400, 1300, 3)})
    path = tmp_path / "content/courses/optics/03-broken.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![huge](img/huge.png)\n", encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.folio"):
        build_site(config)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("03-broken.md:13: image 'img/missing.png' not found" in w for w in warnings)
    assert any("image 'img/huge.png' is very large (5.2 MB)" in w for w in warnings)


# -- the course's language -----------------------------------------------------------------------


def test_a_chinese_course_says_zh_in_its_epub_pages_and_paywall(tmp_path):
    config = figures_site(tmp_path, math=False, extra_pages={
        "courses/guangxue/index.md": course_index("guangxue", "光学入门", language="zh"),
        "courses/guangxue/01-touJing.md": chapter("透镜", "透镜的免费介绍。", "薄透镜公式是光学中最重要的公式之一。"),
    })

    build_site(config)

    gated = tmp_path / "gated"
    with zipfile.ZipFile(assembled(only(gated / "course/guangxue", "guangxue.*.epub.pack"))) as book:
        package = ET.fromstring(book.read("OEBPS/content.opf"))
        chapter_xml = book.read("OEBPS/chapter-001.xhtml").decode()
    language = package.find(".//{http://purl.org/dc/elements/1.1/}language").text
    assert language == "zh" and 'xml:lang="zh"' in chapter_xml
    page = only(gated / "course/guangxue", "01-touJing.*.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "第 1 章，共 1 章" in page and "仅供购买者个人阅读" in page
    assert Manifest.load(gated / "manifest.json").products["course:guangxue"].language == "zh"
    paywall = (tmp_path / "site/courses/guangxue/01-touJing/index.html").read_text(encoding="utf-8")
    assert "购买课程" in paywall
    english = (tmp_path / "site/courses/optics/01-lenses/index.html").read_text(encoding="utf-8")
    assert "Buy the course" in english or "购买课程" not in english


# -- teaser links into the locked part ------------------------------------------------------------


def test_links_to_headings_now_in_the_locked_part_go_to_the_gate(tmp_path):
    config = figures_site(tmp_path, math=False, extra_pages={
        "courses/optics/03-prisms.md": chapter(
            "Prisms", "Jump to [dispersion](#dispersion) or stay [here](#prisms).",
            "## Dispersion\n\nPaid words about dispersion.\n"),
        "courses/optics/index.md": course_index("optics", "Optics")
        + "\nRead about [curved mirrors](02-mirrors.md#curved-mirrors).\n",
    })

    build_site(config)

    teaser = (tmp_path / "site/courses/optics/03-prisms/index.html").read_text(encoding="utf-8")
    gate = "http://127.0.0.1:8787/read"
    assert f'href="{gate}/course:optics/courses/optics/03-prisms.md#dispersion"' in teaser
    assert 'href="#prisms"' in teaser  # a heading of the teaser stays a local anchor
    index = (tmp_path / "site/courses/optics/index.html").read_text(encoding="utf-8")
    assert f'href="{gate}/course:optics/courses/optics/02-mirrors.md#curved-mirrors"' in index


# -- files Folio cannot cut into a teaser are sold whole ------------------------------------------

NOTEBOOK = b'{"cells": [{"cell_type": "markdown", "source": ["The paid notebook fits the optics bench model."]}]}'


def test_a_notebook_and_data_in_a_priced_course_are_gated_whole_with_a_warning(tmp_path, caplog):
    extra_assets = {"courses/optics/lab.ipynb": NOTEBOOK, "courses/optics/data/bench.csv": b"u,v\n1,2\n",
                    "courses/optics/img/unused.png": png(8, 8, 9)}
    config = figures_site(tmp_path, extra_assets=extra_assets)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.folio"):
        build_site(config)
    assert any("content/courses/optics/lab.ipynb: gated whole" in r.getMessage() for r in caplog.records)
    site_files = [p.name for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert "lab.ipynb" not in site_files and "bench.csv" not in site_files
    with zipfile.ZipFile(assembled(only(tmp_path / "gated/course/optics", "optics.*.zip.pack"))) as archive:
        assert archive.read("optics/files/lab.ipynb") == NOTEBOOK
        assert archive.read("optics/files/data/bench.csv") == b"u,v\n1,2\n"
        assert not [n for n in archive.namelist() if "unused" in n]  # an image no page shows is not sold
        index = archive.read("optics/index.html").decode()
    assert '<a href="files/lab.ipynb">lab.ipynb</a>' in index
    assert '<a href="files/data/bench.csv">data/bench.csv</a>' in index


def test_a_notebook_in_a_priced_course_with_nothing_paid_is_kept_private_and_the_warning_says_so(tmp_path, caplog):
    free = {f"courses/optics/{name}.md": f"---\ntitle: {name}\naccess: free\n---\n\n# {name}\n\nAll free.\n"
            for name in ("01-lenses", "02-mirrors")}
    config = figures_site(tmp_path, extra_pages=free, extra_assets={"courses/optics/lab.ipynb": NOTEBOOK})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.folio"):
        build_site(config)
    [warning] = [r.getMessage() for r in caplog.records if "lab.ipynb" in r.getMessage()]
    assert "gated whole" in warning and "has a price but no paid chapter, so nothing sells it" in warning
    assert "get it in the course's download" not in warning
    assert "lab.ipynb" not in [p.name for p in (tmp_path / "site").rglob("*")]
    assert "course:optics" not in Manifest.load(tmp_path / "gated/manifest.json").products


def test_editing_a_course_file_packs_the_download_again(tmp_path):
    config = figures_site(tmp_path, extra_assets={"courses/optics/lab.ipynb": NOTEBOOK})
    build_site(config)
    first = only(tmp_path / "gated/course/optics", "optics.*.zip.pack").name
    (tmp_path / "content/courses/optics/lab.ipynb").write_bytes(NOTEBOOK.replace(b"bench", b"table"))
    build_site(config)
    pack = only(tmp_path / "gated/course/optics", "optics.*.zip.pack")
    assert pack.name != first
    zip_path = assembled(pack)
    with zipfile.ZipFile(zip_path) as archive:
        assert b"optics table model" in archive.read("optics/files/lab.ipynb")
