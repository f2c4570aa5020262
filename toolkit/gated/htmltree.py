"""Rendered Markdown as a tree: rewrite its links and images, write it as HTML or as XHTML.

Markdown's output is HTML, and authors mix in raw HTML (unclosed `<p>`, comments with
`--`, scripts with `<`, `<pre>` blocks with `<--`). A regex over that text breaks on
the first surprise, so we parse it with libxml2's forgiving HTML parser (lxml) and
change attributes on the tree. For EPUB the tree is cleaned into XML (names XML
allows, no comments) and the result is parsed back as XML to prove it well-formed.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Callable
from urllib.parse import quote

from lxml import etree

from toolkit.errors import FolioError

# Attributes that load a file (src) or lead somewhere (href), per element.
LOADS = {"img": ("src",), "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
         "track": ("src",), "object": ("data",), "embed": ("src",), "input": ("src",)}
LEADS = {"a": ("href",), "area": ("href",)}
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Elements that make no sense in a book (EPUB readers do not run them).
_DROP_IN_BOOK = {"script", "noscript", "iframe", "form", "input", "button", "object", "embed"}


# libxml2's HTML parser lowercases every name; SVG's mixed-case ones must be given back for XML.
SVG_ELEMENTS = {name.lower(): name for name in (
    "altGlyph altGlyphDef altGlyphItem animateColor animateMotion animateTransform clipPath feBlend "
    "feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap "
    "feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge "
    "feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence "
    "foreignObject glyphRef linearGradient radialGradient textPath").split()}
SVG_ATTRIBUTES = {name.lower(): name for name in (
    "attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits diffuseConstant edgeMode "
    "filterUnits glyphRef gradientTransform gradientUnits kernelMatrix kernelUnitLength keyPoints keySplines "
    "keyTimes lengthAdjust limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits "
    "numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX pointsAtY pointsAtZ "
    "preserveAlpha preserveAspectRatio primitiveUnits refX refY repeatCount repeatDur requiredExtensions "
    "requiredFeatures specularConstant specularExponent spreadMethod startOffset stdDeviation stitchTiles "
    "surfaceScale systemLanguage tableValues targetX targetY textLength viewBox viewTarget xChannelSelector "
    "yChannelSelector zoomAndPan").split()}
# Characters an href or src may hold as they are; anything else (a space, CJK) is percent-encoded.
_URL_SAFE = "/:#?&=%@+,;~!$'()*[]-._"
# A value rewrite_urls' functions return to remove a link and keep its text.
UNLINK = object()


class MalformedChapter(FolioError):
    """An EPUB chapter that is not well-formed XHTML: the build stops naming the page."""


# Plain lxml elements (not lxml.html's classes): walking a tree is then C-speed.
_PARSER = etree.HTMLParser(remove_blank_text=False, no_network=True)


def parse_fragment(text: str):
    """The HTML fragment as a tree: the returned `<body>` element holds it."""
    document = etree.fromstring(f"<html><body>{text}</body></html>", _PARSER)
    return document.find("body")


def _url_attributes(root):
    """(element, tag, attribute, "load"|"lead") for every URL attribute present, in document order."""
    for element in root.iter(*LOADS, *LEADS):  # the HTML parser gives lowercase tag names
        tag = element.tag
        for attr in LOADS.get(tag, ()):
            if element.get(attr) is not None:
                yield element, tag, attr, "load"
        for attr in LEADS.get(tag, ()):
            if element.get(attr) is not None:
                yield element, tag, attr, "lead"


def rewrite_urls(root, load: Callable[[str], str | None], lead: Callable[[str], str | None]) -> None:
    """Replace every file URL via `load(url)` and every link via `lead(url)`; None keeps it."""
    for element, _, attr, kind in list(_url_attributes(root)):
        new = (load if kind == "load" else lead)(element.get(attr))
        if new is UNLINK:
            _unwrap(element, "")
        elif isinstance(new, str):
            element.set(attr, new)
        elif new is not None:  # an element in its place (a remote image's link)
            new.tail = element.tail
            element.getparent().replace(element, new)


def remote_placeholder(root, url: str):
    """A link to a remote image, with its alt text, to stand where the image was (an EPUB loads no remote file)."""
    alt = next((img.get("alt") for img in root.iter("img") if img.get("src") == url and img.get("alt")), "")
    link = etree.Element("a", {"href": url, "class": "folio-remote-image"})
    link.text = f"[{alt}]" if alt else url
    return link


def urls(root) -> list[tuple[str, str, str]]:
    """(element tag, "load"|"lead", url) for every file and link URL in the tree, in order."""
    return [(tag, kind, element.get(attr)) for element, tag, attr, kind in _url_attributes(root)]


def ids(root) -> set[str]:
    return {value for value in root.xpath("//@id") if value}


def sanitize(root) -> None:
    """Unwrap elements whose names are no names (TeX like `<S,A,P,R>` that Markdown took for a
    tag) and drop attributes whose names are no names (`{2}` inside math read as an attribute list)."""
    for node in list(root.iter()):
        if node is root or not isinstance(node.tag, str):
            continue
        if not _XML_NAME.match(node.tag):
            _unwrap(node, f"<{node.tag}>")
            continue
        for name in list(node.attrib):
            if not _XML_NAME.match(name):
                del node.attrib[name]


def to_html(root) -> str:
    """The fragment's inner HTML (the wrapper `<div>` left out)."""
    out = [root.text and _escape_text(root.text) or ""]
    for child in root:
        out.append(etree.tostring(child, encoding="unicode", method="html"))
    return "".join(out)


def to_xhtml(root, transform: Callable | None = None) -> str:
    """The fragment's inner markup as XML: only names XML allows, no comments or scripts.

    `transform(tree)` may change the cleaned tree before it is written (formulas to MathML).
    """
    book = _clean_for_xml(root)
    _svg_names(book)
    _unique_ids(book)
    _encode_urls(book)
    if transform is not None:
        transform(book)
    out = [_escape_text(book.text or "")]
    for child in book:
        out.append(etree.tostring(child, encoding="unicode", method="xml"))
    return "".join(out)


def check_well_formed(document: str, where: str) -> None:
    """Parse `document` as XML; a MalformedChapter naming `where` if it is not well-formed."""
    try:
        etree.fromstring(document.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise MalformedChapter(f"{where}: its EPUB chapter is not well-formed XHTML ({error}).") from None


def _clean_for_xml(root):
    """A copy of the tree XML can hold: bad element names unwrapped, bad attributes dropped."""
    copy = deepcopy(root)
    for node in list(copy.iter()):
        if node is copy:
            continue
        if not isinstance(node.tag, str):  # comments, processing instructions
            _remove_keeping_tail(node)
        elif node.tag.lower() in _DROP_IN_BOOK:
            _remove_keeping_tail(node)
        elif isinstance(node.tag, str):
            node.tag = node.tag.lower()
    sanitize(copy)
    return copy


def _svg_names(root) -> None:
    """SVG's mixed-case element and attribute names back; `xlink:href` (dropped as no name) as `href`."""
    for svg in root.iter("svg"):
        for node in svg.iter():
            if not isinstance(node.tag, str):
                continue
            node.tag = SVG_ELEMENTS.get(node.tag, node.tag)
            for name in list(node.attrib):
                if name in SVG_ATTRIBUTES:
                    node.set(SVG_ATTRIBUTES[name], node.attrib.pop(name))


def _unique_ids(root) -> None:
    """Every id once per chapter: an inline SVG whose ids were used before gets its own prefix
    (and its references follow); any other repeated id gets a numbered suffix."""
    seen: set[str] = set()
    for n, svg in enumerate(root.iter("svg"), 1):
        inside = [node.get("id") for node in svg.iter() if isinstance(node.tag, str) and node.get("id")]
        if any(i in seen for i in inside) or len(set(inside)) < len(inside):
            _prefix_svg_ids(svg, f"svg{n}-")
        seen.update(node.get("id") for node in svg.iter() if isinstance(node.tag, str) and node.get("id"))
    _number_repeated_ids(root)


def _prefix_svg_ids(svg, prefix: str) -> None:
    ids = {node.get("id") for node in svg.iter() if isinstance(node.tag, str) and node.get("id")}
    pattern = re.compile(r"(url\(\s*['\"]?#|^#)(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")\b")
    for node in svg.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in list(node.attrib.items()):
            if name == "id":
                node.set(name, prefix + value)
            elif "#" in value:
                node.set(name, pattern.sub(lambda m: m.group(1) + prefix + m.group(2), value))
        if node.tag == "style" and node.text:
            node.text = re.sub(r"#(" + "|".join(re.escape(i) for i in ids) + r")\b", lambda m: "#" + prefix + m.group(1),
                               node.text)


def svg_with_unique_ids(data: bytes) -> bytes | None:
    """An SVG file's bytes with each repeated id renamed (`a`, `a-2`), or None when it needs no change
    (or is no XML Folio can read). References keep pointing at the first of each: what renderers use."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return None
    changed = _number_repeated_ids(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if changed else None


def _number_repeated_ids(root) -> bool:
    """Give each repeated id a numbered suffix (`a`, `a-2`, `a-3`); True if any id changed."""
    used: set[str] = set()
    changed = False
    for node in root.iter():
        value = node.get("id") if isinstance(node.tag, str) else None
        if not value:
            continue
        new, k = value, 1
        while new in used:
            k += 1
            new = f"{value}-{k}"
        if new != value:
            node.set("id", new)
            changed = True
        used.add(new)
    return changed


def _encode_urls(root) -> None:
    """Percent-encode what a URL may not hold (spaces, CJK) in every href and src: XHTML checks them."""
    for element, _, attr, _ in list(_url_attributes(root)):
        value = element.get(attr)
        encoded = quote(value, safe=_URL_SAFE)
        if encoded != value:
            element.set(attr, encoded)


def _remove_keeping_tail(node) -> None:
    parent = node.getparent()
    if parent is None:
        return
    _append_text(node.getprevious(), parent, node.tail or "")
    parent.remove(node)


def _unwrap(node, shown: str) -> None:
    parent = node.getparent()
    previous = node.getprevious()
    _append_text(previous, parent, shown + (node.text or ""))
    index = parent.index(node)
    children = list(node)
    tail = node.tail or ""
    for offset, child in enumerate(children):
        parent.insert(index + 1 + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        _append_text(previous, parent, tail)
    parent.remove(node)


def _append_text(previous, parent, text: str) -> None:
    if not text:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
