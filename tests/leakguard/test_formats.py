"""The leak guard reads every file as a reader could: inside archives and compressed streams,
in any text encoding, through script escapes and invisible characters. Each planted leak
below is invisible to a plain UTF-8 text search, and each is caught."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
import zlib
from pathlib import Path

import pytest

from toolkit.leakguard.scan import Fingerprints, scan_report

PAID_PAGE = "courses/c/02-paid.md"
PAID_EN = ("The circuit breaker opens after three consecutive timeouts and stays open for "
           "exactly ninety seconds before a single probe request is allowed through.")
PAID_ZH = "熔断器在连续三次超时之后打开，并且保持打开状态整整九十秒，然后才允许一个探测请求通过。"
TEASER = "This chapter explains circuit breakers."


@pytest.fixture(scope="module")
def fingerprints() -> Fingerprints:
    return Fingerprints.build({PAID_PAGE: PAID_EN + "\n\n" + PAID_ZH}, public=[TEASER])


def site_with(tmp_path: Path, name: str, data: bytes) -> Path:
    site = tmp_path / "site"
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(f"<p>{TEASER}</p>", encoding="utf-8")
    (site / name).write_bytes(data)
    return site


def leaks_in(site: Path, fingerprints: Fingerprints) -> list[tuple[str, str]]:
    return [(leak.file, leak.page) for leak in scan_report(site, fingerprints, [PAID_PAGE]).leaks]


def html(text: str) -> bytes:
    return f"<html><body><p>{text}</p></body></html>".encode()


def epub_with(chapter: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr("OEBPS/chapter1.xhtml", chapter, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


PLANTED = {
    # name in site/ -> bytes that hold the paid English sentence
    "downloads/book.epub": epub_with(html(PAID_EN)),
    "downloads/notes.zip": epub_with(b"\xef\xbb\xbf" + PAID_EN.encode("utf-8")),
    "sitemap.xml.gz": gzip.compress(html(PAID_EN)),
    "data/blob": gzip.compress(html(PAID_EN)),  # gzip recognised by its bytes, not its name
    "data/page.html.deflate": zlib.compress(html(PAID_EN))[2:-4],  # raw deflate
    "data/page.zz": zlib.compress(html(PAID_EN)),
    "data/page.bz2": bz2.compress(html(PAID_EN)),
    "nested.zip": epub_with(gzip.compress(html(PAID_EN))),
    "utf16.txt": PAID_EN.encode("utf-16"),  # with a byte-order mark
    "utf16le.txt": PAID_EN.encode("utf-16-le"),  # without one
    "utf16be.xml": PAID_EN.encode("utf-16-be"),
    "cp1252.txt": ("“" + PAID_EN + "” – café").encode("cp1252"),
    "script.html": b"<script>var s = \"" + "".join(f"\\u{ord(c):04x}" for c in PAID_EN).encode() + b"\";</script>",
    "hex.html": b"<script>var s = '" + "".join(f"\\x{ord(c):02x}" for c in PAID_EN).encode() + b"';</script>",
    "zero-width.html": html("\u200b".join(PAID_EN)),  # a zero-width space between every letter
    "soft-hyphens.html": html(" ".join(w[:2] + "&shy;" + w[2:] for w in PAID_EN.split())),
    "joiners.html": html(PAID_EN.replace("e", "e\u200d").replace("o", "\u2060o")),
}

def calendar_with(text: str) -> bytes:
    """An iCalendar file as the salon feed writes it: lines folded every 75 octets, commas escaped."""
    from icalendar import Calendar, Event

    calendar, event = Calendar(), Event()
    event.add("summary", "Salon")
    event.add("description", text)
    calendar.add_component(event)
    return calendar.to_ical()


PLANTED["feeds/salons.ics"] = calendar_with(PAID_EN)  # folding splits words across lines


PLANTED_ZH = {
    "zh/gb18030.txt": PAID_ZH.encode("gb18030"),
    "zh/big5.txt": "熔斷器在連續三次超時之後打開".encode("big5"),  # traditional: not the paid text, must stay clean
    "zh/utf16.html": html(PAID_ZH).decode().encode("utf-16"),
    "zh/escaped.html": b"<script>x='" + "".join(f"\\u{ord(c):04x}" for c in PAID_ZH).encode() + b"'</script>",
    "zh/zero-width.html": html("\u200b".join(PAID_ZH)),
    "zh/salons.ics": calendar_with(PAID_ZH),  # folding splits characters' UTF-8 runs across lines
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_english_leak_is_found(tmp_path, fingerprints, name):
    site = site_with(tmp_path, name, PLANTED[name])
    found = leaks_in(site, fingerprints)
    assert found and all(page == PAID_PAGE for _, page in found), found
    assert found[0][0].startswith(name)


@pytest.mark.parametrize("name", sorted(set(PLANTED_ZH) - {"zh/big5.txt"}))
def test_planted_chinese_leak_is_found(tmp_path, fingerprints, name):
    found = leaks_in(site_with(tmp_path, name, PLANTED_ZH[name]), fingerprints)
    assert found and found[0][1] == PAID_PAGE, found


def test_a_leak_inside_an_epub_names_the_member(tmp_path, fingerprints):
    found = leaks_in(site_with(tmp_path, "downloads/book.epub", PLANTED["downloads/book.epub"]), fingerprints)
    assert found == [("downloads/book.epub!/OEBPS/chapter1.xhtml", PAID_PAGE)]


def test_clean_archives_and_encodings_are_clean(tmp_path, fingerprints):
    site = site_with(tmp_path, "zh/big5.txt", PLANTED_ZH["zh/big5.txt"])
    for name, data in {
        "a.epub": epub_with(html(TEASER)), "b.txt.gz": gzip.compress(TEASER.encode()),
        "c.txt": TEASER.encode("utf-16"), "x-starts-like-zlib.txt": b"x\x01 is not a stream, just text",
        "OTTO.txt": b"OTTO was here, and wrote this text file.",
    }.items():
        (site / name).write_bytes(data)
    report = scan_report(site, fingerprints, [PAID_PAGE])
    assert report.leaks == [] and report.unreadable == []


def test_corrupt_compressed_file_is_listed_as_unreadable(tmp_path, fingerprints):
    site = site_with(tmp_path, "broken.gz", b"\x1f\x8b\x08\x00garbage")
    report = scan_report(site, fingerprints, [PAID_PAGE])
    assert report.leaks == []
    assert [name for name, _ in report.unreadable] == ["broken.gz"]


def test_encrypted_archive_member_is_listed(tmp_path, fingerprints):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("secret.txt", b"\x00" * 12 + b"scrambled")
    data = bytearray(buffer.getvalue())
    # Mark the member encrypted (general purpose flag bit 0) in its local and central headers.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    report = scan_report(site_with(tmp_path, "locked.zip", bytes(data)), fingerprints, [PAID_PAGE])
    assert report.unreadable == [("locked.zip!/secret.txt", "encrypted archive member")]


def test_soft_hyphen_and_zero_width_in_public_text_do_not_break_words(tmp_path):
    """The public teaser, spelled with soft hyphens on the page, still matches the public source."""
    public = "Breakers protect callers from slow dependencies by failing fast when trouble starts"
    fingerprints = Fingerprints.build({PAID_PAGE: public + ". " + PAID_EN}, public=[public])
    site = site_with(tmp_path, "p.html", html(public.replace("pro", "pro&shy;").replace("slow", "sl\u200bow")))
    assert leaks_in(site, fingerprints) == []


def test_pdf_is_searched_in_its_streams_and_listed(tmp_path, fingerprints):
    content = f"BT /F1 12 Tf ({PAID_EN}) Tj ET".encode()
    pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Filter /FlateDecode >>\nstream\n" + zlib.compress(content)
           + b"\nendstream\nendobj\n%%EOF\n")
    report = scan_report(site_with(tmp_path, "handout.pdf", pdf), fingerprints, [PAID_PAGE])
    assert [(leak.file, leak.page) for leak in report.leaks] == [("handout.pdf", PAID_PAGE)]
    assert report.unreadable == [("handout.pdf", "PDF: only the plain text in its bytes was checked")]
