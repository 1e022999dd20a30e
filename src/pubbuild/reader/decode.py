"""Bytes to text: BOM, then the declared charset, then detection.

Never raises on bad bytes: undecodable bytes become U+FFFD and the caller gets
a flag so it can raise a diagnostic.  Binary files are refused.
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
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_RE = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read (NULs, control bytes)."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc.startswith("utf-32")):
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
    except UnicodeDecodeError:
        pass
    if declared is None:
        detected = _detect(data)
        if detected:
            try:
                return data.decode(detected), False
            except UnicodeDecodeError:
                pass
    text = data.decode(declared or "utf-8", errors="replace")
    return text, True


def _lookup(label: str) -> str | None:
    label = label.lower()
    # WHATWG: these labels mean windows-1252 in browsers.
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
