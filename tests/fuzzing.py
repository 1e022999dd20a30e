"""A small, seeded HTML fuzzer shared by ``tests/test_fuzz.py`` and ``bench/fuzz.py``.

Inputs are pages this module writes itself (never corpus pages): a random document
from a vocabulary of the tags, attributes and characters the reader handles, then a
few mutations of its bytes, tags, attributes, nesting and encoding.  Each input goes
through the normaliser (:func:`pubbuild.reader.read_file` and every output format of
``pubbuild normalize``) and, for some, the EPUB backend.  The only outcomes allowed
are success and the documented errors (:class:`pubbuild.errors.PubbuildError`);
anything else is a finding.
"""

from __future__ import annotations

import base64
import collections
import logging
import random
import struct
import time
import traceback
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
       b'<rect width="10" height="10"/></svg>')

BLOCK_TAGS = ["p", "div", "section", "article", "main", "aside", "nav", "header", "footer",
              "blockquote", "figure", "figcaption", "pre", "ul", "ol", "li", "dl", "dt", "dd",
              "table", "thead", "tbody", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4",
              "h5", "h6", "hr", "br", "address", "details", "summary", "center", "font"]
INLINE_TAGS = ["a", "em", "strong", "b", "i", "span", "code", "sup", "sub", "small", "mark",
               "q", "cite", "abbr", "time", "img", "math", "svg", "script", "style", "noscript",
               "template", "object", "iframe", "input", "button", "u", "s", "kbd", "var"]
ATTRIBUTES = {
    "href": ["#n1", "#fn1", "#ref", "http://example.invalid/x", "javascript:alert(1)", "file:///etc/passwd",
             "../up.html", "", "#", "mailto:a@b", "data:text/html,<b>x</b>", "//host/x"],
    "src": ["dot.png", "pic.svg", "bad.png", "huge.png", "missing.png", "../outside.png", "/", "", "file:///etc/passwd",
            "http://127.0.0.1:9/x.png", "data:image/png;base64," + base64.b64encode(PNG).decode(),
            "data:image/png;base64,!!!", "a" * 300 + ".png", "dot.png?x=1#y", "%2e%2e/x.png"],
    "alt": ["", "A picture", "\u0645\u0631\u062d\u0628\u0627", "x" * 50, " "],
    "id": ["n1", "fn1", "ref", "main", "content", "1", "a b", ""],
    "class": ["footnote", "content", "byline", "sidebar", "share", "hidden", "caption", "post"],
    "lang": ["en", "hy", "ar", "zz-ZZ", "", "x" * 20, "de-CH-1996", "123"],
    "dir": ["rtl", "ltr", "auto"],
    "colspan": ["2", "0", "-1", "99999", "x"],
    "rowspan": ["3", "0", "100000", ""],
    "style": ["display:none", "font-weight:bold", "visibility:hidden", "background:url(x)"],
    "hidden": [""],
    "role": ["main", "presentation", "doc-noteref", "doc-footnote", "heading"],
    "aria-level": ["2", "9", "-3"],
    "datetime": ["2024-03-14", "2024-13-45", "yesterday", ""],
    "width": ["10", "0", "99999999", "-5", "1e9"],
    "height": ["10", "0", "99999999"],
    "charset": ["utf-8", "base64", "rot13", "utf-7", "bogus", "utf-16", "cp1252", "hex"],
    "epub:type": ["footnote", "noteref"],
    "content": ["text/html; charset=utf-16", "A description", "2024-01-01"],
    "name": ["description", "author", "citation_title", "og:title"],
}
TEXTS = [
    "Hello world.", "A longer sentence that reads like the body of an article about things.",
    "Die Sitzung wurde vertagt.", "\u0532\u0561\u0580\u0587 \u0561\u0577\u056d\u0561\u0580\u0570",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u4f60\u597d\u4e16\u754c",
    "1.", "\u2022 item", "* star", "Note:", "&amp;", "&nbsp;", "&#0;", "&#x1;", "&#xd800;", "&#x110000;",
    "&#65;", "&bogus;", "\u200b", "\ufeff", "\U0001F600", "\u202e", "<", ">", "&", "]]>", "<!--",
    "-->", "<![CDATA[x]]>",
]
#: Raw characters XML cannot carry; rare, since a page full of them is refused as binary
#: (a NUL anywhere in the first 8 kB is: byte mutations still insert one now and then).
ODD = ["\x01", "\x0b", "\x1b", "\x7f", "\ud800", "\udfff", "\ufffe"]
CODECS = ["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "shift_jis", "koi8-r",
          "utf-7", "gb18030", "iso-2022-jp"]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(ODD if rng.random() < 0.02 else TEXTS) for _ in range(rng.randint(1, 6)))


def _attrs(rng: random.Random) -> str:
    out = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        name = rng.choice(list(ATTRIBUTES))
        value = rng.choice(ATTRIBUTES[name]).replace('"', "&quot;")
        out.append(f' {name}="{value}"' if rng.random() < 0.9 else f" {name}={value}")
    return "".join(out)


def _element(rng: random.Random, depth: int) -> str:
    if depth > 6 or rng.random() < 0.25:
        return _text(rng)
    tag = rng.choice(BLOCK_TAGS if rng.random() < 0.6 else INLINE_TAGS)
    kids = "".join(_element(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    if tag in ("br", "hr", "img", "input"):
        return f"<{tag}{_attrs(rng)}>"
    return f"<{tag}{_attrs(rng)}>{kids}</{tag}>"


def generate(rng: random.Random) -> str:
    """A random page: head metadata, a title, then nested body content."""
    head = f"<title>{_text(rng)}</title>"
    if rng.random() < 0.3:
        head = f'<meta charset="{rng.choice(ATTRIBUTES["charset"])}">' + head
    if rng.random() < 0.3:
        head += f'<meta name="{rng.choice(ATTRIBUTES["name"])}" content="{_text(rng)}">'
    body = "".join(_element(rng, 0) for _ in range(rng.randint(1, 8)))
    if rng.random() < 0.3:
        body += ('<ol class="footnotes"><li id="fn1">A note. <a href="#ref">\u21a9</a></li></ol>'
                 '<p>Text<sup><a id="ref" href="#fn1">1</a></sup></p>')
    lang = f' lang="{rng.choice(ATTRIBUTES["lang"])}"' if rng.random() < 0.7 else ""
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"


def _encode(rng: random.Random, html: str) -> bytes:
    codec = rng.choice(CODECS)
    data = html.encode(codec, errors="surrogatepass" if codec.startswith("utf") else "replace") \
        if codec != "utf-7" else html.encode("utf-7", errors="replace")
    if rng.random() < 0.2 and not codec.startswith("utf"):
        data = f'<meta charset="{codec}">'.encode() + data
    return data


#: Bytes a mutation inserts: mostly markup and text, sometimes anything (a page made
#: mostly of control bytes is refused as binary, which tests little).
_BYTES = list(b"<>/=\"'&#;!- \nabcxyz019") * 4 + list(range(256))


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to four mutations of the page's bytes, tags, attributes, nesting or encoding."""
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(10)
        n = len(data)
        if op == 0 and n:  # flip bytes
            buf = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(n)] = rng.choice(_BYTES)
            data = bytes(buf)
        elif op == 1:  # insert random bytes
            at = rng.randint(0, n)
            data = data[:at] + bytes(rng.choice(_BYTES) for _ in range(rng.randint(1, 16))) + data[at:]
        elif op == 2 and n:  # delete a range
            at = rng.randrange(n)
            data = data[:at] + data[at + rng.randint(1, 64):]
        elif op == 3 and n:  # duplicate a range
            at = rng.randrange(n)
            data = data[:at] + data[at:at + rng.randint(1, 200)] * rng.randint(2, 20) + data[at:]
        elif op == 4:  # deep nesting
            tag = rng.choice(["div", "span", "li", "blockquote", "table", "a", "sup"]).encode()
            k = rng.choice([10, 120, 600])
            at = rng.randint(0, n)
            data = data[:at] + b"<" + tag + b">" * 1 + (b"<" + tag + b">") * k + b"x" + data[at:]
        elif op == 5:  # drop or swap a closing tag
            data = data.replace(rng.choice([b"</p>", b"</li>", b"</td>", b"</div>", b"</a>", b"</table>"]),
                                rng.choice([b"", b"<p>", b"</body>", b"<td>"]), rng.randint(1, 3))
        elif op == 6:  # a stray attribute or element
            at = rng.randint(0, n)
            name = rng.choice(list(ATTRIBUTES))
            data = data[:at] + f'<{rng.choice(INLINE_TAGS + BLOCK_TAGS)} {name}="' \
                f'{rng.choice(ATTRIBUTES[name])}">'.encode() + data[at:]
        elif op == 7:  # re-encode the text
            try:
                text = data.decode("utf-8", errors="surrogateescape").encode(
                    "utf-8", errors="replace").decode("utf-8")
            except UnicodeError:
                continue
            data = _encode(rng, text)
        elif op == 8:  # a declared charset that may lie
            data = f'<meta charset="{rng.choice(ATTRIBUTES["charset"] + CODECS)}">'.encode() + data
        elif op == 9 and n:  # truncate
            data = data[:rng.randrange(n)]
    return data


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


#: A PNG declaring 50000 x 50000 pixels (a decompression bomb's header).
HUGE_PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\0" * 16)) + _chunk(b"IEND", b""))


def make_project(root: Path) -> None:
    """The images the generated pages refer to (a good PNG, an SVG, a broken file, a bomb)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dot.png").write_bytes(PNG)
    (root / "huge.png").write_bytes(HUGE_PNG)
    (root / "pic.svg").write_bytes(SVG)
    (root / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")


def case(seed: int) -> tuple[bytes, str]:
    """The input for ``seed``: bytes and a file suffix."""
    rng = random.Random(seed)
    html = generate(rng)
    data = html.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.9:
        data = mutate(rng, data)
    suffix = rng.choices([".html", ".md", ".txt"], [8, 1, 1])[0]
    return data, suffix


@dataclass
class Tally:
    """What happened to the inputs of a run."""

    inputs: int = 0
    successes: int = 0
    documented: int = 0
    epubs: int = 0
    """Inputs that went on to build an EPUB (which passed the XML check)."""
    errors: collections.Counter = field(default_factory=collections.Counter)
    """Documented error messages (file name left out) by count."""
    other: list[tuple[int, str, str]] = field(default_factory=list)
    """(seed, stage, traceback) for each input that raised anything else."""

    def line(self) -> str:
        return (f"inputs {self.inputs}, successes {self.successes} (EPUBs built {self.epubs}), "
                f"documented errors {self.documented}, other exceptions {len(self.other)}")


def check_epub(path: Path) -> None:
    """Every content document in the package must be well-formed XML."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".svg")):
                etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False))


def run_one(seed: int, work: Path, epub: bool) -> str:
    """Push the input for ``seed`` through the normaliser (and the EPUB backend).

    Returns ``"ok"`` or ``"documented: <message>"``; anything else propagates."""
    from pubbuild.assemble.build import build
    from pubbuild.errors import PubbuildError
    from pubbuild.normalize import render
    from pubbuild.reader import read_file

    data, suffix = case(seed)
    source = work / f"page{suffix}"
    source.write_bytes(data)
    try:
        article = read_file(source, work)
        for fmt in ("html", "json", "text"):
            render(article, fmt).encode("utf-8")
        if epub:
            out = work / "out.epub"
            build("epub", source, out)
            check_epub(out)
    except PubbuildError as exc:
        return "documented: " + str(exc.lines()[0]).split(": ", 1)[-1][:60]
    return "ok"


def fuzz(seeds, work: Path, seconds: float, epub_every: int = 4, on_other=None) -> Tally:
    """Run inputs for ``seeds`` until they run out or ``seconds`` pass (the diagnostics of
    thousands of inputs silenced while it runs, the logger's level put back after)."""
    log = logging.getLogger("pubbuild")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return _fuzz(seeds, work, seconds, epub_every, on_other)
    finally:
        log.setLevel(level)


def _fuzz(seeds, work: Path, seconds: float, epub_every: int, on_other) -> Tally:
    make_project(work)
    tally = Tally()
    deadline = time.monotonic() + seconds
    for seed in seeds:
        if time.monotonic() > deadline:
            break
        tally.inputs += 1
        try:
            outcome = run_one(seed, work, epub=seed % epub_every == 0)
        except Exception:  # noqa: BLE001 - the finding itself
            tally.other.append((seed, "", traceback.format_exc()))
            if on_other is not None:
                on_other(seed, traceback.format_exc())
            continue
        if outcome == "ok":
            tally.successes += 1
            tally.epubs += seed % epub_every == 0
        else:
            tally.documented += 1
            tally.errors[outcome.removeprefix("documented: ")] += 1
    return tally
