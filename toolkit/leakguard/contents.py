"""What text a file of the built site holds, as a reader could get it back.

A file is unpacked first (gzip, zlib/deflate, bzip2, xz; zip archives such as EPUB
member by member), then decoded: a byte-order mark or the pattern of zero bytes tells
UTF-16/32; else UTF-8; else every legacy encoding that decodes it cleanly
(GB18030, Big5, Shift-JIS, EUC-KR, Windows-1252), each scanned. Images, fonts, audio and
video (recognised by their first bytes, not their names) carry no text Folio writes and
are not read. Any other binary (a PDF, WebAssembly, an unknown format) is read in part:
the text runs in its bytes and in its deflated streams; it is named in the build summary.
"""

from __future__ import annotations

import bz2
import codecs
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# Bytes a zip archive or compressed stream may expand to before the guard gives up on it
# (a zip bomb must not take the build down): the file is then listed as unreadable.
MAX_UNPACKED = 256 * 1024 * 1024
MAX_DEPTH = 3
LEGACY_ENCODINGS = ("gb18030", "big5", "shift_jis", "euc_kr", "cp1252")

# Formats that hold pixels, glyphs or sound: recognised by their first bytes.
_MEDIA_MAGIC = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"wOFF", b"wOF2", b"OTTO",
    b"\x00\x01\x00\x00\x00", b"\x00\x00\x01\x00", b"ID3", b"\xff\xfb", b"\xff\xf3", b"OggS",
    b"\x1aE\xdf\xa3", b"II*\x00", b"MM\x00*", b"fLaC",
)
_RIFF_MEDIA = (b"WEBP", b"WAVE", b"AVI ")
_FTYP_MEDIA = re.compile(rb"^....ftyp(?:avif|avis|heic|mif1|isom|iso2|mp41|mp42|M4A |M4V |qt  |dash)")
_ZLIB_HEADERS = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


@dataclass
class Part:
    """Text read from a file, or from one member of an archive inside it."""

    name: str  # the site file, or `archive.epub!/OEBPS/ch1.xhtml` for a member
    text: str


@dataclass
class Contents:
    """Everything readable in one site file, and what could not be read."""

    parts: list[Part] = field(default_factory=list)
    media: bool = False  # an image, font, audio or video file: not read
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (name, why) read in part or not at all


def read_contents(path: Path, name: str) -> Contents:
    """Give the text of the site file at `path`, named `name` (its POSIX path in the site)."""
    return read_bytes(path.read_bytes(), name)


def read_bytes(data: bytes, name: str) -> Contents:
    """Give the text of the site file named `name` whose bytes are `data`."""
    contents = Contents()
    _read(data, name, contents, depth=0)
    return contents


_PACKED_SUFFIX = re.compile(r"\.(?:gz|zz|zlib|deflate|bz2|xz)$", re.I)


def _read(data: bytes, name: str, contents: Contents, depth: int, hint: str | None = None) -> None:
    """Add what `data` holds to `contents`; `name` names it in reports, `hint` (default `name`) tells its format."""
    hint = name if hint is None else hint
    unpacked = _unpack(data, hint)
    if unpacked is not None:
        inner, why = unpacked
        if inner is None:
            contents.unreadable.append((name, why))
        elif depth < MAX_DEPTH:
            _read(inner, name, contents, depth + 1, _PACKED_SUFFIX.sub("", hint))
        else:
            contents.unreadable.append((name, "compressed too many times over"))
        return
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        _read_zip(data, name, contents, depth)
        return
    if _is_media(data):
        contents.media = depth == 0 and not contents.parts
        return
    is_pdf = data.startswith(b"%PDF")  # mostly text bytes, but its text is inside streams and fonts
    texts = [] if is_pdf else decode(data)
    if texts:
        contents.parts += [Part(name, text) for text in texts]
        return
    # A binary the guard does not understand: what a reader could still pull out of it.
    contents.parts.append(Part(name, _text_runs(data)))
    for stream in _PDF_STREAM.findall(data) if is_pdf else ():
        inflated = _inflate(stream)
        if inflated:
            contents.parts.append(Part(name, _text_runs(inflated)))
    kind = "PDF" if is_pdf else "binary file"
    contents.unreadable.append((name, f"{kind}: only the plain text in its bytes was checked"))


def _unpack(data: bytes, name: str) -> tuple[bytes | None, str] | None:
    """Give (unpacked bytes or None, why not) for a compressed stream; None if `data` is not one."""
    lowered = name.lower()
    try:
        if data[:2] == b"\x1f\x8b":
            return _bounded(zlib.decompressobj(16 + zlib.MAX_WBITS), data), "gzip"
        if data[:3] == b"BZh":
            return _bounded(bz2.BZ2Decompressor(), data), "bzip2"
        if data[:6] == b"\xfd7zXZ\x00":
            return _bounded(lzma.LZMADecompressor(), data), "xz"
        if lowered.endswith((".zz", ".zlib")):
            return _bounded(zlib.decompressobj(), data), "zlib"
        if data[:2] in _ZLIB_HEADERS:  # could also be text that starts so: only a stream if it inflates
            inflated = _inflate(data)
            return (inflated, "zlib") if inflated else None
        if lowered.endswith(".deflate"):
            return _bounded(zlib.decompressobj(-zlib.MAX_WBITS), data), "deflate"
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
        return None, f"cannot be unpacked ({exc})"
    return None


def _bounded(decompressor, data: bytes) -> bytes:
    out = decompressor.decompress(data, MAX_UNPACKED + 1)
    if len(out) > MAX_UNPACKED:
        raise ValueError(f"unpacks to more than {MAX_UNPACKED // 2**20} MB")
    if not decompressor.eof:
        raise ValueError("truncated or corrupt")
    return out


def _inflate(stream: bytes) -> bytes:
    try:
        return _bounded(zlib.decompressobj(), stream)
    except (zlib.error, ValueError):
        return b""


def _read_zip(data: bytes, name: str, contents: Contents, depth: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                contents.unreadable.append((name, f"archive unpacks to more than {MAX_UNPACKED // 2**20} MB"))
                return
            for member in members:
                if member.is_dir():
                    continue
                inner = f"{name}!/{member.filename}"
                if member.flag_bits & 0x1:
                    contents.unreadable.append((inner, "encrypted archive member"))
                    continue
                try:
                    payload = archive.read(member)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError) as exc:
                    contents.unreadable.append((inner, f"cannot be unpacked ({exc})"))
                    continue
                if depth < MAX_DEPTH:
                    _read(payload, inner, contents, depth + 1)
    except zipfile.BadZipFile:
        # Starts like a zip but is not one: read it as whatever it is.
        texts = decode(data)
        contents.parts += [Part(name, text) for text in texts] or [Part(name, _text_runs(data))]


def _is_media(data: bytes) -> bool:
    """Tell an image, font, audio or video file by its first bytes (and that it is not plain text)."""
    if not (data.startswith(_MEDIA_MAGIC) or (data[:4] == b"RIFF" and data[8:12] in _RIFF_MEDIA)
            or _FTYP_MEDIA.match(data[:16])):
        return False
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False  # text that happens to start like a media file ("OTTO was here")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> list[str]:
    """Give the text of `data` in every encoding it could be in (most often exactly one); [] for binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], (encoding,))
    if b"\0" in data:
        utf16 = _utf16_without_bom(data)
        return _strict(data, (utf16,)) if utf16 else []
    try:
        return [data.decode("utf-8")]
    except UnicodeDecodeError:
        pass
    if _mostly_control(data):
        return []
    return _strict(data, LEGACY_ENCODINGS)


def _strict(data: bytes, encodings) -> list[str]:
    texts = []
    for encoding in encodings:
        try:
            texts.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return texts


def _utf16_without_bom(data: bytes) -> str | None:
    """Tell UTF-16 text without a byte-order mark by where its zero bytes fall (ASCII: every other byte)."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if odd and odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even and even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _mostly_control(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > 0.1 * len(sample)


def _text_runs(data: bytes) -> str:
    """Give the runs of readable text in binary `data` (ASCII and UTF-8), like Unix `strings`."""
    return data.decode("utf-8", "replace").replace("\0", " ").replace("\ufffd", " ")
