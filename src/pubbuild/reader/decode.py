"""Bytes to text: BOM, then the declared charset, then detection.

Never raises on bad bytes: undecodable bytes become U+FFFD and the caller gets
a flag so it can raise a diagnostic.  Binary files are refused.  A declared
charset is honoured only when it names a text encoding a browser would use
(``<meta charset=base64>`` or ``utf-7`` is ignored and the bytes are detected).
Characters XML cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF) are
removed by :func:`scrub`: every output format is XML or must be UTF-8 encodable.
"""

from __future__ import annotations

import codecs
import re

from ..errors import SourceError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_RE = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
#: Characters no XML document may contain (tab, newline and carriage return excepted).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Declared encodings never honoured: WHATWG forbids UTF-7 (a known script-smuggling
#: route), and a UTF-16/32 label on a page without a BOM is a lie browsers ignore.
_REFUSED = ("utf-7", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
            # Encodings of host names, not of pages: no browser reads a page in them.
            "punycode", "idna")


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read (NULs, control bytes)."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(bom) for bom, enc in _BOMS if enc.startswith(("utf-16", "utf-32"))):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.05


def decode(data: bytes, name: str, html: bool = True) -> tuple[str, bool]:
    """Decode ``data``; return the text and whether bytes had to be replaced."""
    if looks_binary(data):
        raise SourceError(f"{name}: binary file, not an article (HTML, text or Markdown expected)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            return text, "\ufffd" in text
    declared = None
    if html:
        head = data[:4096]
        m = _XML_RE.match(head) or _META_RE.search(head)
        if m:
            declared = _lookup(m.group(1).decode("ascii", "ignore"))
    try:
        return data.decode(declared or "utf-8"), False
    except UnicodeError:  # punycode and idna fail with UnicodeError itself, not a decode error
        pass
    if declared is None:
        detected = _detect(data)
        if detected:
            try:
                return data.decode(detected), False
            except UnicodeDecodeError:
                pass
    try:
        text = data.decode(declared or "utf-8", errors="replace")
    except UnicodeError:  # a codec that cannot replace (punycode): not this page's charset
        text = data.decode("utf-8", errors="replace")
    return text, True


def _lookup(label: str) -> str | None:
    label = label.lower()
    # WHATWG: these labels mean windows-1252 in browsers.
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "cp1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Bytes-to-bytes and text-to-text codecs (base64, zlib, rot13 ...) are not charsets.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def scrub(text: str) -> tuple[str, int]:
    """``text`` without the characters XML cannot carry, and how many were removed.

    Form feeds and vertical tabs become spaces (they separate words); lone surrogates
    and non-characters become U+FFFD (something was there); other controls go."""
    found = XML_INVALID.findall(text)
    if not found:
        return text, 0
    return XML_INVALID.sub(_replacement, text), len(found)


def _replacement(m: re.Match) -> str:
    ch = m.group(0)
    if ch in "\x0b\x0c":
        return " "
    return "\ufffd" if ch >= "\ud800" else ""


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
