"""A course as an EPUB 3 book (its pack list), deterministic, every chapter checked well-formed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from toolkit.gated.htmltree import check_well_formed, svg_with_unique_ids
from toolkit.gated.manifest import ObjectRef
from toolkit.gated.pack import Pack
from toolkit.gated.products import Offer
from toolkit.gated.render import RenderedPage, chapter_name

# A fixed modification date keeps the package byte-identical across builds.
MODIFIED = "2000-01-01T00:00:00Z"
BOOK_CSS = """body { font-family: serif; line-height: 1.6; }
img { max-width: 100%; }
pre { white-space: pre-wrap; font-size: .85em; }
.admonition { border-left: 4px solid #448aff; padding: .2em 1em; margin: 1em 0; }
"""

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def epub_pack(offer: Offer, rendered: dict[str, RenderedPage], docs_name: str, gated_dir: Path | None = None) -> Pack:
    """The course's chapters as an EPUB 3 book: XHTML chapters, each image once, a nav document.

    Images are named by their asset objects. A chapter that is not well-formed XHTML stops
    the build with an error naming its page. An SVG figure that repeats an id (third-party
    drawings do) goes into the book with its ids made unique: EPUB checks SVG files as documents.
    """
    lang = offer.language
    entries: dict[str, bytes | ObjectRef] = {"OEBPS/book.css": BOOK_CSS.encode()}
    images: dict[str, str] = {}  # name in the book -> media type
    for index, page in enumerate(offer.contents, 1):
        result = rendered[page.src]
        document = _chapter_document(page.title, result.book, lang)
        check_well_formed(document, f"{docs_name}/{page.src}")
        entries[f"OEBPS/{chapter_name(index)}"] = document.encode("utf-8")
        for asset in result.asset_objects():
            name = "images/" + asset.key.rsplit("/", 1)[1]
            if name not in images:
                images[name] = asset.content_type
                entries[f"OEBPS/{name}"] = _book_image(asset, gated_dir)
    entries["OEBPS/nav.xhtml"] = _nav(offer, lang).encode()
    entries["OEBPS/content.opf"] = _package(offer, images, rendered, lang).encode()
    entries["META-INF/container.xml"] = CONTAINER.encode()
    return Pack(entries, first=("mimetype", b"application/epub+zip"))


def _book_image(asset, gated_dir: Path | None):
    if gated_dir is None or asset.content_type.split(";")[0] != "image/svg+xml":
        return asset.ref()
    path = gated_dir / asset.key
    fixed = svg_with_unique_ids(path.read_bytes()) if path.is_file() else None
    return fixed if fixed is not None else asset.ref()


def _chapter_document(title: str, body: str, lang: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" '
        f'xml:lang="{lang}">\n<head><meta charset="utf-8" /><title>{escape(title)}</title>'
        '<link rel="stylesheet" type="text/css" href="book.css" /></head>\n'
        f'<body>\n{body}\n</body>\n</html>\n'
    )


def _nav(offer: Offer, lang: str) -> str:
    items = "\n".join(f'      <li><a href="{chapter_name(i)}">{escape(p.title)}</a></li>'
                      for i, p in enumerate(offer.contents, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" '
        f'xml:lang="{lang}">\n<head><meta charset="utf-8" /><title>{escape(offer.title)}</title></head>\n<body>\n'
        f'  <nav epub:type="toc" id="toc"><h1>{escape(offer.title)}</h1>\n    <ol>\n{items}\n    </ol>\n  </nav>\n'
        "</body>\n</html>\n"
    )


def _package(offer: Offer, images: dict[str, str], rendered: dict[str, RenderedPage], lang: str) -> str:
    digest = hashlib.sha256()
    for page in offer.contents:
        digest.update(rendered[page.src].book.encode())
    digest.update("\n".join(sorted(images)).encode())
    manifest = ['    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
                '    <item id="css" href="book.css" media-type="text/css"/>']
    spine = []
    for i, page in enumerate(offer.contents, 1):
        # EPUB 3 asks chapters holding MathML to say so, so reading systems prepare to show it.
        # (and chapters holding inline SVG, so they prepare to draw it).
        book = rendered[page.src].book
        found = [name for name, mark in (("mathml", "<math "), ("svg", "<svg")) if mark in book]
        properties = f' properties="{" ".join(found)}"' if found else ""
        manifest.append(f'    <item id="c{i}" href="{chapter_name(i)}" media-type="application/xhtml+xml"{properties}/>')
        spine.append(f'    <itemref idref="c{i}"/>')
    for n, name in enumerate(sorted(images), 1):
        manifest.append(f'    <item id="img{n}" href={quoteattr(name)} media-type={quoteattr(images[name])}/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="{lang}">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'    <dc:identifier id="book-id">urn:folio:{escape(offer.id)}:{digest.hexdigest()[:16]}</dc:identifier>\n'
        f"    <dc:title>{escape(offer.title)}</dc:title>\n"
        f"    <dc:language>{lang}</dc:language>\n"
        f'    <meta property="dcterms:modified">{MODIFIED}</meta>\n'
        "  </metadata>\n  <manifest>\n" + "\n".join(manifest) + "\n  </manifest>\n"
        "  <spine>\n" + "\n".join(spine) + "\n  </spine>\n</package>\n"
    )
