"""Pack a course into an EPUB 3 file, deterministically."""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from html.entities import name2codepoint
from typing import Callable
from urllib.parse import unquote
from xml.sax.saxutils import escape

from toolkit.content import MARKDOWN_SUFFIXES

_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
_MD_HREF = re.compile(rf'href="([^"#:]+(?:{"|".join(map(re.escape, MARKDOWN_SUFFIXES))}))(#[^"]*)?"')
_VOID = re.compile(r"<(br|hr|img|input|meta|link|col|source|wbr)\b([^>]*?)(?<!/)>", re.I)
# A start tag, and one attribute in it: HTML allows `<details open>` and `width=10`, XML does not.
_START_TAG = re.compile(r"""<([A-Za-z][\w:-]*)((?:\s+[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)+)\s*(/?)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# A fixed modification date keeps the package byte-identical across builds.
MODIFIED = "2000-01-01T00:00:00Z"

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def build_epub(product, render: Callable, image_bytes: Callable, lang: str) -> bytes:
    """The course's chapters as an EPUB 3 book: XHTML chapters, images as files, a nav document."""
    from toolkit.gated.writer import deterministic_zip

    entries: dict[str, bytes] = {}
    images: dict[str, str] = {}  # docs src -> name inside OEBPS/images
    chapter_names = {page.src: f"chapter-{i:03d}.xhtml" for i, page in enumerate(product.contents, 1)}
    for page in product.contents:
        body = _xhtml(render(page), page.src, image_bytes, images, entries, chapter_names)
        entries[f"OEBPS/{chapter_names[page.src]}"] = _chapter_document(page.title, body, lang).encode()
    entries["OEBPS/nav.xhtml"] = _nav(product, chapter_names, lang).encode()
    entries["OEBPS/content.opf"] = _package(product, chapter_names, images, entries, lang).encode()
    entries["META-INF/container.xml"] = CONTAINER.encode()
    return deterministic_zip(entries, first=("mimetype", b"application/epub+zip"))


def _xhtml(html_text: str, src: str, image_bytes, images: dict, entries: dict, chapter_names: dict) -> str:
    """Markdown's HTML made well-formed XML, images moved into the book, chapter links kept inside it."""
    base = posixpath.dirname(src)

    def image(match: re.Match) -> str:
        url = match.group(2)
        if "://" in url or url.startswith("data:"):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(base, unquote(url)))
        data = image_bytes(target)
        if data is None:
            return match.group(0)
        if target not in images:
            ext = posixpath.splitext(target)[1].lower() or ".bin"
            images[target] = f"images/{hashlib.sha256(data).hexdigest()[:12]}{ext}"
            entries[f"OEBPS/{images[target]}"] = data
        return f"{match.group(1)}{images[target]}{match.group(3)}"

    def chapter_link(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(base, unquote(match.group(1))))
        name = chapter_names.get(target)
        return f'href="{name}{match.group(2) or ""}"' if name else match.group(0)

    out = _IMG_SRC.sub(image, html_text)
    out = _MD_HREF.sub(chapter_link, out)
    out = _NAMED_ENTITY.sub(_numeric_entity, out)
    out = _START_TAG.sub(_xml_attributes, out)
    return _VOID.sub(lambda m: f"<{m.group(1)}{m.group(2)} />", out)


def _xml_attributes(match: re.Match) -> str:
    """The start tag with every attribute written `name="value"` (`open` -> `open="open"`)."""

    def attribute(attr: re.Match) -> str:
        name, value = attr.group(1), attr.group(2)
        if value is None:
            return f'{name}="{name}"'
        if value[0] not in "\"'":
            return f'{name}="{value}"'
        return f"{name}={value}"

    attributes = _ATTRIBUTE.sub(attribute, match.group(2))
    return f"<{match.group(1)}{attributes}{' /' if match.group(3) else ''}>"


def _numeric_entity(match: re.Match) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES or name not in name2codepoint:
        return match.group(0)
    return f"&#{name2codepoint[name]};"


def _chapter_document(title: str, body: str, lang: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">\n'
        f"<head><meta charset=\"utf-8\" /><title>{escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _nav(product, chapter_names: dict, lang: str) -> str:
    items = "\n".join(
        f'      <li><a href="{chapter_names[p.src]}">{escape(p.title)}</a></li>' for p in product.contents
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">\n'
        f"<head><meta charset=\"utf-8\" /><title>{escape(product.title)}</title></head>\n<body>\n"
        f'  <nav epub:type="toc" id="toc"><h1>{escape(product.title)}</h1>\n    <ol>\n{items}\n    </ol>\n  </nav>\n'
        "</body>\n</html>\n"
    )


def _package(product, chapter_names: dict, images: dict, entries: dict, lang: str) -> str:
    digest = hashlib.sha256(b"".join(entries[k] for k in sorted(entries))).hexdigest()[:16]
    manifest = ['    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>']
    spine = []
    for i, page in enumerate(product.contents, 1):
        manifest.append(f'    <item id="c{i}" href="{chapter_names[page.src]}" media-type="application/xhtml+xml"/>')
        spine.append(f'    <itemref idref="c{i}"/>')
    for n, name in enumerate(sorted(images.values()), 1):
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        manifest.append(f'    <item id="img{n}" href="{name}" media-type="{mime}"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'    <dc:identifier id="book-id">urn:folio:{escape(product.id)}:{digest}</dc:identifier>\n'
        f"    <dc:title>{escape(product.title)}</dc:title>\n"
        f"    <dc:language>{lang}</dc:language>\n"
        f'    <meta property="dcterms:modified">{MODIFIED}</meta>\n'
        "  </metadata>\n  <manifest>\n" + "\n".join(manifest) + "\n  </manifest>\n"
        "  <spine>\n" + "\n".join(spine) + "\n  </spine>\n</package>\n"
    )

