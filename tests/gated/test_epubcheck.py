"""EPUBs pass epubcheck (Debian's package): the example's, and a generated course with math of every
shape, figures in lesson folders, tables, inline SVGs, dangling links and a remote image."""

from __future__ import annotations

import functools
import http.server
import logging
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from tests.downloads import assembled
from tests.gated.epub_course import SLUG, epub_course_site
from tests.gated.figures import png

EPUBCHECK = Path("/usr/bin/epubcheck")
needs_epubcheck = pytest.mark.skipif(not EPUBCHECK.exists() or not shutil.which("java"),
                                     reason="needs Debian's epubcheck (apt-get install epubcheck)")


def epubcheck(epub: Path) -> str:
    """epubcheck's report; the test fails unless it found 0 fatals and 0 errors."""
    # A quick JIT and a small collector: epubcheck runs seconds, not minutes (half its time on a busy machine).
    java = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(EPUBCHECK)]
    result = subprocess.run([*java, str(epub)], capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors" in report or "No errors or warnings detected" in report, report
    return report


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The generated course, built once; the build's warnings and its EPUB."""
    from toolkit.plugin.staging import build_site

    root = tmp_path_factory.mktemp("epub-course")
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("mkdocs.plugins.folio")
    logger.addHandler(handler)
    try:
        build_site(epub_course_site(root))
    finally:
        logger.removeHandler(handler)
    [pack] = (root / "gated").rglob("*.epub.pack")
    [zip_pack] = (root / "gated/course" / SLUG).glob("*.zip.pack")
    return {"root": root, "warnings": records, "epub": assembled(pack), "zip": assembled(zip_pack)}


def chapters(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as book:
        return {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")}


def chapter_titled(epub: Path, title: str) -> str:
    return next(text for text in chapters(epub).values() if f"<title>{title}</title>" in text)


@needs_epubcheck
def test_the_generated_course_epub_passes_epubcheck(course):
    epubcheck(course["epub"])


@needs_epubcheck
def test_the_example_epubs_pass_epubcheck(example_site):
    packs = sorted(example_site.gated.rglob("*.epub.pack"))
    assert len(packs) == 3  # the two courses and the membership (its members pages)
    for pack in packs:
        epubcheck(assembled(pack))


def test_aligned_cases_matrices_and_operators_with_limits_are_mathml(course):
    math = chapter_titled(course["epub"], "Math")
    assert math.count("<math ") == 10  # every formula but the one latex2mathml cannot do
    assert "\\begin{aligned}" not in math.split("alttext")[0]
    assert re.search(r"<mtable[^>]*>.*?<mtr>", math, re.S)  # aligned and matrices as tables
    assert "<munder><mo>argmax</mo>" in math and "<munder><mo>lim</mo>" in math and "<munder><mo>max</mo>" in math
    assert "①" in math and "②" in math
    assert 'alttext="a^2 + b^2 = c^2"' in math


def test_a_formula_that_fails_stays_tex_with_a_warning_naming_file_and_line(course):
    math = chapter_titled(course["epub"], "Math")
    assert "\\frobnicate{x} + 1" in math
    assert any(w.startswith(f"content/courses/{SLUG}/01-lesson/index.md:40: formula kept as TeX in the EPUB")
               and "\\frobnicate" in w for w in course["warnings"]), course["warnings"]


def test_a_remote_image_is_a_link_in_the_epub_and_a_warning(course):
    figures = chapter_titled(course["epub"], "Figures")
    assert "<img" in figures and 'src="https://images.example.com' not in figures
    assert '<a href="https://images.example.com/remote.png" class="folio-remote-image">[A remote figure]</a>' in figures
    assert any(w.startswith(f"content/courses/{SLUG}/02-lesson/index.md:15: image 'https://images.example.com/remote.png'")
               and "remote_images: fetch" in w for w in course["warnings"])
    with zipfile.ZipFile(course["zip"]) as bundle:  # the HTML keeps it
        page = bundle.read(f"{SLUG}/02-lesson.html").decode()
    assert 'src="https://images.example.com/remote.png"' in page


def test_links_to_missing_pages_are_unlinked_in_the_downloads_text_kept(course):
    links = chapter_titled(course["epub"], "Links")
    assert "on to a page that is gone, a file with a space," in links
    assert "04-gone" not in links and "my%20notes" not in links
    with zipfile.ZipFile(course["zip"]) as bundle:
        page = bundle.read(f"{SLUG}/03-links.html").decode()
    assert "on to a page that is gone," in page and "04-gone" not in page


def test_lessons_in_folders_get_their_own_page_in_the_bundle(course):
    with zipfile.ZipFile(course["zip"]) as bundle:
        names = set(bundle.namelist())
        index = bundle.read(f"{SLUG}/index.html").decode()
    assert {f"{SLUG}/01-lesson.html", f"{SLUG}/02-lesson.html", f"{SLUG}/03-links.html"} <= names
    assert 'href="01-lesson.html"' in index and 'href="02-lesson.html"' in index


def test_hrefs_are_percent_encoded(course):
    assert 'href="https://example.com/a%20b"' in chapter_titled(course["epub"], "Links")


def test_inline_svg_ids_are_unique_per_chapter_and_references_follow(course):
    figures = chapter_titled(course["epub"], "Figures")
    ids = re.findall(r' id="([^"]+)"', figures)
    assert len(ids) == len(set(ids))
    assert '<linearGradient id="svg2-g">' in figures and 'fill="url(#svg2-g)"' in figures and 'href="#svg2-r"' in figures


def test_an_svg_figure_with_repeated_ids_gets_unique_ids_in_the_book_only(course):
    from tests.gated.epub_course import DRAWING

    with zipfile.ZipFile(course["epub"]) as book:
        [name] = [n for n in book.namelist() if n.endswith(".svg")]
        drawing = book.read(name).decode()
    assert re.findall(r' id="([^"]+)"', drawing) == ["layer1", "layer1-2"]
    assert [p.read_bytes() for p in (course["root"] / "gated/assets").glob("*.svg")] == [DRAWING]  # the site's copy


def test_formulas_are_converted_once_and_kept_in_the_cache(course):
    import json

    cache = json.loads((course["root"] / ".folio-cache/gated/mathml.json").read_text(encoding="utf-8"))
    assert any("\\begin{aligned}" in key for key in cache["formulas"])
    assert any(value.startswith("!") for value in cache["formulas"].values())  # the failure is remembered too


def _image_server(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_remote_images_fetch_packs_the_image_and_later_builds_use_the_cache(tmp_path):
    from tests import sites
    from toolkit.plugin.staging import build_site

    served = tmp_path / "served"
    served.mkdir()
    (served / "far.png").write_bytes(png(12, 8, 3))
    server = _image_server(served)
    url = f"http://127.0.0.1:{server.server_address[1]}/far.png"
    pages = {
        "courses/c/index.md": "---\ntype: course\ntitle: C\nprice: 9 USD\nlevel: beginner\nauthors: [A]\n---\n\n# C\n",
        "courses/c/01-a.md": f"# A\n\nTeaser.\n\n<!-- more -->\n\n![far]({url})\n",
    }
    config = sites.write_site(tmp_path / "s", pages, folio={"gate_url": None, "remote_images": "fetch"})
    try:
        build_site(config)
    finally:
        server.shutdown()
        server.server_close()
    [pack] = (tmp_path / "s/gated").rglob("*.epub.pack")
    with zipfile.ZipFile(assembled(pack)) as book:
        images = [n for n in book.namelist() if n.startswith("OEBPS/images/")]
        assert [book.read(n) for n in images] == [png(12, 8, 3)]
        assert url not in book.read("OEBPS/chapter-001.xhtml").decode()
    # The server is gone: a fresh build (no gated/, no page cache) takes the image from the cache.
    shutil.rmtree(tmp_path / "s/gated")
    shutil.rmtree(tmp_path / "s/.folio-cache/gated/pages")
    build_site(config)
    [pack] = (tmp_path / "s/gated").rglob("*.epub.pack")
    with zipfile.ZipFile(assembled(pack)) as book:
        assert any(n.startswith("OEBPS/images/") for n in book.namelist())
