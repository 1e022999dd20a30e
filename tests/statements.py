"""Counts made from built outputs, and the statements those outputs make about themselves.

Shared by the property test (random publications) and the pack check (``tools/pack_check.py``):
what an EPUB and a PDF really contain is counted from their bytes (images shown, stand-ins,
decorative images, tables and their headers, language tags), never from pubbuild's model, and
every statement (the OPF's schema.org properties and summary, the in-book Accessibility page,
the PDF's XMP) is read back for comparison.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from lxml import etree
from pdfcheck import struct_elements

from pubbuild.labels import label

OPF_NS = {"opf": "http://www.idpf.org/2007/opf"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Counted:
    """What the outputs contain, counted from their bytes."""

    images_described: int = 0
    images_without_alt: int = 0
    images_left_out: int = 0
    images_left_out_without_alt: int = 0
    decorative_images: int = 0
    tables: int = 0
    tables_without_headers: int = 0
    headings: int = 0
    notes: int = 0
    languages: set[str] = field(default_factory=set)
    pdf_figures: int = 0
    opf: dict[str, list[str]] = field(default_factory=dict)
    page: str = ""
    xmp: dict[str, list[str]] = field(default_factory=dict)

    @property
    def images(self) -> int:
        return self.images_described + self.images_without_alt


def count_epub(path: Path, language: str) -> Counted:
    """Count the chapters' content of the EPUB at ``path`` (a pack in ``language``) and read
    its statements."""
    out = Counted()
    undescribed = label("missing_alt", language)
    # A stand-in without a text alternative says only that the image is not there.
    bare = ("[" + label("image_not_available", language),
            "[" + label("image_not_included", language, link="\0").split("\0")[0])
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        for meta in opf.iterfind(".//opf:metadata/opf:meta", OPF_NS):
            if meta.get("property", "").startswith("schema:"):
                out.opf.setdefault(meta.get("property"), []).append(meta.text or "")
        for name in sorted(z.namelist()):
            if not name.endswith(".xhtml"):
                continue
            doc = etree.fromstring(z.read(name))
            text = etree.tostring(doc, encoding="unicode")
            if name.endswith("accessibility.xhtml"):
                body = doc.find("{http://www.w3.org/1999/xhtml}body")
                out.page = " ".join(" ".join(body.itertext()).split())
            if 'epub:type="chapter"' not in text:
                continue
            out.languages |= {e.get(XML_LANG) for e in doc.iter() if e.get(XML_LANG)}
            for el in doc.iter("{http://www.w3.org/1999/xhtml}img"):
                if el.get("role") == "presentation":
                    out.decorative_images += 1
                elif el.get("alt") == undescribed:
                    out.images_without_alt += 1
                else:
                    out.images_described += 1
            for el in doc.iter():
                if "missing-image" in (el.get("class") or "").split():
                    out.images_left_out += 1
                    out.images_left_out_without_alt += "".join(el.itertext()).startswith(bare)
            xh = "{http://www.w3.org/1999/xhtml}"
            notes = [e for e in doc.iter(xh + "section") if e.get("role") == "doc-endnotes"]
            out.notes += sum(len(e.findall(f"{xh}ol/{xh}li")) for e in notes)
            # below the article's title, apart from the notes' own heading
            out.headings += sum(1 for e in doc.iter(*(f"{xh}h{n}" for n in range(2, 7)))
                                if not any(e in n.iter() for n in notes))
            for table in doc.iter("{http://www.w3.org/1999/xhtml}table"):
                out.tables += 1
                out.tables_without_headers += not any(True for _ in table.iter("{http://www.w3.org/1999/xhtml}th"))
    return out


def read_pdf(path: Path, out: Counted) -> None:
    """Add the PDF's figures (structure elements) and its XMP statements to ``out``."""
    with pikepdf.open(path) as pdf:
        out.pdf_figures = sum(el.get("/S") == pikepdf.Name.Figure for el in struct_elements(pdf))
        xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
    ns = "{http://schema.org/}"
    for el in xmp.iter():
        if isinstance(el.tag, str) and el.tag.startswith(ns):
            name = "schema:" + el.tag[len(ns):]
            items = [li.text or "" for li in el.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")]
            out.xmp[name] = items or [el.text or ""]


def figures(text: str) -> list[int]:
    """Every figure written in a statement (``-197`` included, to be refused)."""
    # a minus sign only where a number starts (not the hyphen of "PDF/UA-1" or "en-GB")
    return [int(n) for n in re.findall(r"(?<![\w/-])-?\d+", text)]


def _in(text: str, *parts: str) -> bool:
    return all(p in text for p in parts)


def check(counted: Counted, main_language: str, registered) -> list[str]:
    """Every disagreement between the statements and the counts (empty: they agree).
    ``registered(tag)`` says whether a tag is in the BCP 47 registry."""
    problems: list[str] = []
    summary = (counted.opf.get("schema:accessibilitySummary") or [""])[0]
    xmp_summary = (counted.xmp.get("schema:accessibilitySummary") or [""])[0]
    texts = {"OPF summary": summary, "in-book page": counted.page, "XMP summary": xmp_summary}
    for where, text in texts.items():
        if not text:
            problems.append(f"{where}: missing")
        if any(n < 0 for n in figures(text)):
            problems.append(f"{where}: a negative figure: {text}")
    n = counted.images
    if n and counted.images_without_alt:
        expected = (f"{counted.images_described} of {n} image{'s' * (n != 1)} "
                    f"{'has' if counted.images_described == 1 else 'have'} a text alternative; "
                    f"{counted.images_without_alt} ")
    elif n == 1:
        expected = "The image has a text alternative."
    elif n:
        expected = f"All {n} images have a text alternative."
    else:
        expected = "There are no images apart from the cover"
    left = counted.images_left_out
    left_sentence = f"{left} image{' was' if left == 1 else 's were'} not included" if left else None
    deco = counted.decorative_images
    deco_sentence = (f"{deco} decorative image{' is' if deco == 1 else 's are'} marked" if deco else None)
    others = sorted({t for t in counted.languages if registered(t)
                     and t.split("-")[0].lower() != main_language.split("-")[0].lower()})
    for where, text in texts.items():
        if expected not in text:
            problems.append(f"{where}: images: expected {expected!r} in {text!r}")
        if (left_sentence is None) != ("not included" not in text) or (left_sentence and left_sentence not in text):
            problems.append(f"{where}: left out: expected {left_sentence!r} in {text!r}")
        if (deco_sentence is None) != ("decorative image" not in text) or (deco_sentence and deco_sentence not in text):
            problems.append(f"{where}: decorative: expected {deco_sentence!r} in {text!r}")
        if others and f"({' and '.join(others) if len(others) <= 2 else ', '.join(others[:-1]) + ' and ' + others[-1]})" not in text:
            problems.append(f"{where}: languages: expected {others} in {text!r}")
        if not others and "one language throughout" not in text:
            problems.append(f"{where}: languages: expected one language in {text!r}")
        if counted.tables:
            headed = counted.tables - counted.tables_without_headers
            if headed == counted.tables and not _in(text, "header cells") or \
                    (counted.tables_without_headers and "no header cells" not in text and " none." not in text):
                problems.append(f"{where}: tables {counted.tables}/{headed}: {text!r}")
        elif "data table" in text:
            problems.append(f"{where}: a data table claimed, none counted: {text!r}")
    headings = (f"and {counted.headings} section heading{'s' * (counted.headings != 1)} inside"
                if counted.headings else None)
    if (headings is None) != ("section heading" not in counted.page) or (headings and headings not in counted.page):
        problems.append(f"in-book page: headings: expected {headings!r} in {counted.page!r}")
    for where, text in texts.items():
        notes = (("The note is linked" if counted.notes == 1 else f"All {counted.notes} notes are linked")
                 if counted.notes else None)
        if (notes is None) != ("note" not in text.replace("a note saying so", "")) or (notes and notes not in text):
            problems.append(f"{where}: notes: expected {notes!r} in {text!r}")
    for name, props in (("OPF", counted.opf), ("XMP", counted.xmp)):
        modes = props.get("schema:accessMode", [])
        if ("visual" in modes) != bool(n):
            problems.append(f"{name}: accessMode {modes} with {n} images")
        features = props.get("schema:accessibilityFeature", [])
        described = bool(n and not counted.images_without_alt)
        if ("alternativeText" in features) != described:
            problems.append(f"{name}: alternativeText {features} with {counted.images_without_alt} of {n} undescribed")
        sufficient = props.get("schema:accessModeSufficient", [])
        if not sufficient or ("textual" in sufficient) != (not counted.images_without_alt):
            problems.append(f"{name}: accessModeSufficient {sufficient} with {counted.images_without_alt} "
                            f"of {n} undescribed")
    return problems
