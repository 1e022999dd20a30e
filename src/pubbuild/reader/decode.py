"""Stage ``decode`` (every reader's first): bytes to text, as a careful browser would.

The order: a byte-order mark; else an encoding the manifest names for the article
(``encoding:``); else the page's own declaration (``<meta charset>``, the XML
declaration), found as beautifulsoup4's :class:`~bs4.dammit.EncodingDetector` finds it
(its patterns, without its import) and *verified* against the bytes; else detection (charset-normalizer).  Verified means:

* bytes that are valid UTF-8 and hold multi-byte sequences are UTF-8, whatever a
  legacy single- or double-byte label says (a page saved again by a browser or a
  crawler keeps its old ``<meta charset=gb2312>`` over re-encoded bytes; read as
  declared, every non-ASCII character would come out as mojibake);
* UTF-8 with stray Windows-1252 bytes (a template in one, pasted quotes in the
  other) is repaired byte by byte (bs4's ``UnicodeDammit.detwingle`` for the
  unambiguous bytes, then cp1252 for the rest) rather than decoded as either.

Each such correction is a diagnostic naming the file (``S017``).  Never raises on bad
bytes: undecodable bytes become U+FFFD and the caller gets a flag so it can raise
``S001``.  Binary files are refused.  A declared charset is honoured only when it
names a text encoding a browser would use (``<meta charset=base64>`` or ``utf-7`` is
ignored and the bytes are detected).  Characters XML cannot carry (C0 controls, lone
surrogates, U+FFFE/U+FFFF) are removed by :func:`scrub`: every output format is XML
or must be UTF-8 encodable.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..errors import SourceError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
#: Characters no XML document may contain (tab, newline and carriage return excepted).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The ASCII characters an XML document may contain.
_XML_ASCII = bytes(range(0x20, 0x80)) + b"\t\n\r"
#: ... and the bytes of UTF-8 text that hold no such character (those of multi-byte sequences).
_XML_BYTES = _XML_ASCII + bytes(range(0x80, 0x100))


def has_xml_invalid(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`XML_INVALID`.  A whole page is scanned:
    an ASCII one (about half of them) by deleting its valid bytes, at C speed, in a
    twentieth of the pattern's time; any other as UTF-8, which refuses lone surrogates, spells
    the controls as the same single bytes and U+FFFE and U+FFFF as the only sequences of their
    bytes (a fifth less time than the pattern)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _XML_ASCII))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return bool(data.translate(None, _XML_BYTES)) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data
#: Declared encodings never honoured: WHATWG forbids UTF-7 (a known script-smuggling
#: route), and a UTF-16/32 label on a page without a BOM is a lie browsers ignore.
_REFUSED = ("utf-7", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
            # Encodings of host names, not of pages: no browser reads a page in them.
            "punycode", "idna")
#: WHATWG's Encoding Standard: labels browsers read as a wider encoding than Python's codec
#: of the same name (a page labelled ``iso-8859-1`` with curly quotes is windows-1252).
_WHATWG = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
           "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
           "iso-8859-11": "cp874", "tis-620": "cp874", "gb2312": "gbk", "gb_2312-80": "gbk",
           "x-gbk": "gbk", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "shift_jis": "cp932",
           "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
           "big5": "big5hkscs"}
#: One multi-byte UTF-8 sequence (well-formed: no overlong forms, no surrogates).
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                         rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}"
                         rb"|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_HIGH = re.compile(rb"[\x80-\xff]")
#: Control bytes that mark a file as binary (tab, newlines, form feed and escape are text's).
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


@dataclass(slots=True)
class Decoded:
    """A source's text and what decoding it had to do."""

    text: str
    """The decoded text."""
    encoding: str
    """The encoding it was read as (Python's codec name)."""
    replaced: bool = False
    """Whether undecodable bytes were replaced with U+FFFD (``S001``)."""
    notes: list[str] = field(default_factory=list)
    """Corrections made to what the source declared (each one ``S017``)."""


#: A continuation byte (0x80-0xBF) as Windows-1252 or Latin-1 shows it.
_CONT = ("[\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152"
         "\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]")
#: Text encoded to UTF-8 twice (read as Windows-1252 or Latin-1 once on the way, then saved as
#: UTF-8): each character a lead byte's, "Â" to "ô", and its continuation bytes' ("Ã©" for
#: "é", "Â " for a no-break space, "â€™" for "’").
_TWICE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
#: Where such a sequence starts: a lead byte's character before a continuation byte's.
_TWICE_START = re.compile(f"[\u00c2-\u00f4](?={_CONT})")
#: The lead bytes' characters, looked for one by one (a substring search in C is many times
#: faster than a pattern's scan of every position, and most pages hold none of them).
_LEADS = "".join(map(chr, range(0xC2, 0xF5)))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _once(text: str) -> tuple[str, list[str]]:
    """``text`` with what was encoded to UTF-8 twice encoded once (ftfy's ``fix_encoding``),
    when every non-ASCII character of it is part of such a sequence: a page encoded twice is
    so throughout, while one that also holds a plain "é" may be quoting "Ã©" on purpose.
    (Signs of it are looked for first, cheapest first.)"""
    if text.isascii() or not any(lead in text for lead in _LEADS) or _TWICE_START.search(text) is None \
            or _NON_ASCII.search(_TWICE.sub("", text)) is not None:
        return text, []
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed == text:
        return text, []
    return fixed, ["its UTF-8 was encoded twice (\"Ã©\" for \"é\"); repaired"]


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read (NULs, control bytes)."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(bom) for bom, enc in _BOMS if enc.startswith(("utf-16", "utf-32"))):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROLS))  # counted in C, not byte by byte
    return controls > len(head) * 0.05


def decode(data: bytes, name: str, html: bool = True, encoding: str | None = None) -> Decoded:
    """Decode ``data`` (the file ``name``); ``html``: the bytes may declare their encoding;
    ``encoding``: the one the manifest names for it, which overrides any declaration."""
    if looks_binary(data):
        raise SourceError(f"{name}: binary file, not an article (HTML, text or Markdown expected)")
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(bom_encoding, errors="replace")
            return Decoded(text, bom_encoding, "\ufffd" in text)
    if encoding is not None:
        given = lookup(encoding)
        if given is None:
            raise SourceError(f"{name}: unknown encoding {encoding!r} given for it in the manifest")
        text = data.decode(given, errors="replace")
        return Decoded(text, given, "\ufffd" in text)
    label, declared = _declared(data) if html else (None, None)
    try:
        text, twice = _once(data.decode("utf-8"))
    except UnicodeError:  # punycode and idna fail with UnicodeError itself, not a decode error
        # Counted only here: a regular expression over every byte of the page costs more than
        # decoding it, and valid UTF-8 needs no count (below).
        multi = len(_UTF8_MULTI.findall(data))
    else:
        if declared is None or declared == "utf-8":
            return Decoded(text, "utf-8", notes=twice)
        # Valid UTF-8 holds a multi-byte sequence exactly when it holds a byte above 0x7F (the
        # decoder accepts only well-formed sequences, those :data:`_UTF8_MULTI` matches).
        if not data.isascii():  # multi-byte sequences: never a legacy charset's bytes by chance
            return Decoded(text, "utf-8",
                           notes=[f"declares {label} but its bytes are UTF-8; read as UTF-8", *twice])
        multi = 0
    if multi and declared in (None, "utf-8", "cp1252"):
        stray = len(_HIGH.findall(data)) - sum(len(m) for m in _UTF8_MULTI.findall(data))
        if multi >= stray:
            # Mostly UTF-8, with stray single bytes: Windows-1252 pasted into a UTF-8 page.
            return Decoded(_detwingle(data), "utf-8",
                           notes=[f"mixes UTF-8 with {stray} Windows-1252 byte{'s' * (stray != 1)}; repaired"])
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass
    if declared is None:
        detected = _detect(data)
        if detected:
            try:
                return Decoded(data.decode(detected), detected)
            except UnicodeDecodeError:
                pass
    try:
        text = data.decode(declared or "utf-8", errors="replace")
    except UnicodeError:  # a codec that cannot replace (punycode): not this page's charset
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", replaced=True)
    return Decoded(text, declared or "utf-8", replaced=True)


#: The declarations beautifulsoup4's ``EncodingDetector.find_declared_encoding`` looks for, with
#: its patterns and its bounds (an XML declaration in the first 1,024 bytes, else a ``<meta>``
#: naming a charset in the first 2,048): the same finding without importing bs4 and soupsieve
#: (0.06 s, a fifth of a short run) for every page.  ``tests/test_decode.py`` checks that the
#: two agree.
_XML_DECLARED = re.compile(rb"^\s*<\?.*encoding=['\"](.*?)['\"].*\?>", re.IGNORECASE)
_META_DECLARED = re.compile(rb"<\s*meta[^>]+charset\s*=\s*[\"']?([^>]*?)[ /;'\">]", re.IGNORECASE)


def find_declared(head: bytes) -> str | None:
    """The encoding ``head`` (a page's first 4,096 bytes) declares, as written, in lower case:
    what ``EncodingDetector.find_declared_encoding(head, is_html=True)`` returns."""
    found = _XML_DECLARED.search(head, endpos=1024) or _META_DECLARED.search(head, endpos=2048)
    label = found.group(1) if found is not None else None
    return label.decode("ascii", "replace").lower() if label else None


def _declared(data: bytes) -> tuple[str | None, str | None]:
    """The encoding the page declares (XML declaration or ``<meta>``) as written, and its
    codec when it is a usable one."""
    label = find_declared(data[:4096])
    return label, lookup(label) if label else None


def lookup(label: str) -> str | None:
    """Python's codec for the encoding ``label`` as a browser reads it; None for a label that
    names no text encoding or one never honoured."""
    label = label.strip().lower()
    label = _WHATWG.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Bytes-to-bytes and text-to-text codecs (base64, zlib, rot13 ...) are not charsets.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def _detwingle(data: bytes) -> str:
    from bs4.dammit import UnicodeDammit

    return UnicodeDammit.detwingle(data).decode("utf-8", errors="pubbuild-cp1252")


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: bytes that are not UTF-8 read as Windows-1252 (its five
    unassigned bytes as Latin-1), for the lead bytes detwingle leaves alone."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in chunk), exc.end


codecs.register_error("pubbuild-cp1252", _cp1252_bytes)


def scrub(text: str) -> tuple[str, int]:
    """``text`` without the characters XML cannot carry, and how many were removed.

    Form feeds and vertical tabs become spaces (they separate words); lone surrogates
    and non-characters become U+FFFD (something was there); other controls go."""
    if XML_INVALID.search(text) is None:  # (almost every text: no list made)
        return text, 0
    return XML_INVALID.subn(_replacement, text)


def _replacement(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in "\x0b\x0c":
        return " "
    return "\ufffd" if ch >= "\ud800" else ""


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
