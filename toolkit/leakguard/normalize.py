"""Normalization: the visible words of a file, whatever its format.

Both sides of the leak guard go through here, so that Markdown source on one side and
HTML, JSON, XML or JS on the other reduce to the same token stream: tags and Markdown
marks are dropped, entities and string escapes (`\\u4e2d`, also inside HTML scripts)
are undone, characters that hide inside words without showing (zero-width spaces and
joiners, soft hyphens, byte-order marks) are removed, text is casefolded, and
punctuation and underscores separate words.
"""

from __future__ import annotations

import html
import re

from toolkit.content.text import CJK  # the one home of the CJK ranges: teaser, reading time, leak guard

# Words are letters/digits only: `_` and punctuation separate them, so `foo_bar`,
# `foo\_bar` and `foo.bar` give the same tokens. A CJK run is one word-stream token;
# its characters are shingled separately in the CJK stream.
WORD = re.compile(rf"[^\W_{CJK}]+|[{CJK}]+")
CJK_RUN = re.compile(rf"[{CJK}]+")

# Invisible inside a word, so `pa<U+200B>id` reads as `paid` to a person: removed, not spaced.
# Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, word joiner,
# invisible times/separator/plus, zero-width no-break space (BOM).
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")))
_HAS_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
# Attribute values that browsers, feeds and crawlers show as text (meta description,
# alt text, titles): kept, so a leak through them is caught too. One pattern per name:
# a literal prefix lets the regex engine skip ahead at C speed.
# `value` and `data-*` attributes are shipped to every reader as well (hidden inputs, data for
# scripts); single-quoted values count as much as double-quoted ones.
_TEXT_ATTRS = tuple(
    (prefix, re.compile(f"{pattern}{quote}([^{quote}]*){quote}"))
    for prefix, pattern in [(f"{name}=", f"{name}=") for name in
                            ("alt", "title", "content", "aria-label", "placeholder", "value")]
    + [("data-", r"data-[\w-]+=")]
    for quote in ('"', "'")
)
# ASCII text is split by str.translate + str.split (several times faster than a regex),
# giving exactly what WORD gives on ASCII: runs of letters and digits.
_ASCII_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w{0,31});")
# `\u4e2d` runs and ES6 `\u{1F600}`: in JSON and JS files, and in scripts inside HTML.
_JS_UNICODE_RUN = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_JS_UNICODE_BRACED = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}")
_JS_HEX = re.compile(r"\\x([0-9a-fA-F]{2})")
_JS_ESCAPES = (("\\n", " "), ("\\r", " "), ("\\t", " "), ('\\"', '"'), ("\\'", "'"), ("\\/", "/"))

# Markdown syntax that produces no visible text: link destinations, reference
# definitions, attribute lists, admonition keywords, fence info strings, tab markers.
_MD_LINK_DEST = re.compile(r"\]\(\s*<?[^()\s>]*>?(?:\s+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_MD_IMAGE_ALT = re.compile(r"!\[([^\]\n]*)\]")
_MD_REF_LINK = re.compile(r"\]\[[^\]\n]*\]")
_MD_REF_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_MD_ATTR_LIST = re.compile(r"\{:?[ \t]*[#.][^}\n]*\}")
_MD_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+[\w-]+)*", re.M)
_MD_FENCE_INFO = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*", re.M)

JSON_SUFFIXES = frozenset({".json", ".js", ".mjs", ".cjs", ".map", ".jsonl", ".webmanifest"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})


def kind_of(name: str) -> str:
    """Give how a file named `name` is normalized: "json" (JSON/JS), "markdown" or "text"."""
    lowered = name.lower()
    for suffix in (".gz", ".zz", ".deflate"):
        lowered = lowered.removesuffix(suffix)
    suffix = "." + lowered.rsplit(".", 1)[-1] if "." in lowered.rsplit("/", 1)[-1] else ""
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def normalize(text: str, kind: str = "text") -> str:
    """Give the visible text of `text`, a "markdown", "json" (JSON/JS) or other ("text") file.

    The result keeps case and layout (for snippets); `tokens` casefolds it.
    """
    if "\\" in text:
        text = unescape_js(text, everything=kind == "json")
    if kind == "markdown":
        text = _strip_markdown(text)
    if "CDATA[" in text:
        text = _CDATA.sub(" ", text)
    # Feeds and search indexes carry HTML escaped once or twice more: peel each layer.
    for _ in range(3):
        text = _strip_tags(text)
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if not text.isascii() and _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def unescape_js(text: str, everything: bool = True) -> str:
    """Give `text` with JS string escapes undone: `\\uXXXX`, `\\u{…}` and `\\xHH` always (an HTML
    script can spell paid text that way); with `everything`, also `\\n`, `\\"`, `\\/` … (JSON, JS).

    Plain str.replace runs at C speed; only the code-point escapes need a regex. An escaped
    backslash becomes a space: a backslash separates tokens anyway.
    """
    if everything:
        text = text.replace("\\\\", " ")
    if "\\u" in text:
        text = _JS_UNICODE_RUN.sub(_decode_unicode_run, text)
        if "\\u{" in text:
            text = _JS_UNICODE_BRACED.sub(_decode_code_point, text)
    if "\\x" in text:
        text = _JS_HEX.sub(lambda m: chr(int(m.group(1), 16)), text)
    if everything:
        for escape, value in _JS_ESCAPES:
            if escape in text:
                text = text.replace(escape, value)
    return text


def _decode_unicode_run(match: re.Match) -> str:
    # A run decodes at once so surrogate pairs (\\ud83d\\ude00) join into one character.
    decoded = match.group().encode("ascii").decode("unicode_escape")
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _decode_code_point(match: re.Match) -> str:
    value = int(match.group(1), 16)
    return chr(value) if value <= 0x10FFFF else " "


def _strip_markdown(text: str) -> str:
    """Give Markdown source without the syntax that never shows up as text.

    Image alt text and link titles end up in HTML attributes, which `_strip_tags` moves
    after the running text; they are moved there here too, so both sides line up.
    """
    moved: list[str] = []
    text = _MD_FENCE_INFO.sub(" ", text)
    text = _MD_ADMONITION.sub(" ", text)
    text = _MD_REF_DEF.sub(" ", text)
    text = _MD_IMAGE_ALT.sub(lambda m: _move(m.group(1), moved, "[]"), text)
    text = _MD_LINK_DEST.sub(lambda m: _move((m.group(1) or "  ")[1:-1], moved, "] "), text)
    text = _MD_REF_LINK.sub("] ", text)
    text = _MD_ATTR_LIST.sub(" ", text)
    return "\n".join([text, *moved]) if moved else text


def _move(value: str, moved: list[str], replacement: str) -> str:
    if value.strip():
        moved.append(value)
    return replacement


def _strip_tags(text: str) -> str:
    """Give `text` without HTML comments and tags, keeping text-bearing attribute values."""
    if "<" not in text:
        return text
    # Comments are deployed bytes too: their text is kept, after the running text.
    comments = []
    if "<!--" in text:
        comments = [m[4:-3] for m in _COMMENT.findall(text)]
        text = _COMMENT.sub(" ", text)
    # Attribute values go after the text, each on its own: good enough to find them,
    # without breaking the shingles of the running text around inline tags.
    attributes = [value for prefix, pattern in _TEXT_ATTRS if prefix in text for value in pattern.findall(text)]
    text = _TAG.sub(" ", text)
    extra = comments + attributes
    return "\n".join([text, *extra]) if extra else text


def tokens(text: str) -> list[str]:
    """Give the casefolded word tokens of normalized text (a CJK run is one token)."""
    folded = text.casefold()
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return WORD.findall(folded)


def cjk_stream(text: str) -> str:
    """Give every CJK character of `text`, in order, with everything else left out."""
    return "" if text.isascii() else "".join(CJK_RUN.findall(text))
