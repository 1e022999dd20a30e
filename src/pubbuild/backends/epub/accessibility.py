"""Accessibility metadata derived from what the book actually contains.

Nothing is claimed blindly: the backend records, while rendering, what went
into the package (:class:`ContentFacts`), and the schema.org properties, the
summary and the conformance claim are computed from those facts alone.  The
cover does not count as visual content: it identifies the book and its text
(title, subtitle) is on the title page, so a text-only book stays ``textual``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import List, Publication, Section, Span, Styled, Table
from ...textutil import images as all_images
from ...textutil import inline_runs, walk_blocks, walk_inlines
from ..pagemap import EPUB_FEATURES

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

#: Diagnostics that mean the book falls short of WCAG 2.2 AA as pubbuild made it:
#: content without a text alternative, content left out, text whose language or
#: characters are unknown, structure that points nowhere.
BLOCKING_CODES = {
    "A001": "an image has no text alternative",
    "A004": "the language of an article could not be determined",
    "S001": "a source could not be decoded cleanly",
    "S002": "no article content was found in a source",
    "N001": "a note reference points to no note",
}


@dataclass
class ContentFacts:
    """What the rendered book contains, counted while rendering it."""

    articles: int = 0
    """Number of articles."""
    images: int = 0
    """Non-decorative images packaged in the articles (the cover excluded)."""
    images_without_alt: int = 0
    """Non-decorative images without a text alternative, packaged or not."""
    images_left_out: int = 0
    """Images replaced by their text alternative (remote, unreadable)."""
    decorative_images: int = 0
    """Packaged images marked decorative."""
    animated_images: int = 0
    """Packaged animated rasters (a possible flashing hazard)."""
    tables: int = 0
    """Data tables."""
    tables_without_headers: int = 0
    """Data tables with no header cell."""
    notes: int = 0
    """Footnotes and endnotes."""
    sections: int = 0
    """Section headings inside articles."""
    languages: set[str] = field(default_factory=set)
    """Every language tag used (publication, articles and passages)."""
    articles_without_language: int = 0
    """Articles whose language is not known."""
    diagnostic_codes: set[str] = field(default_factory=set)
    """Codes of every diagnostic raised by reading and rendering."""
    page_breaks: int = 0
    """Page-break markers of the print edition inserted (0: no page numbers)."""


def conformance_problems(facts: ContentFacts) -> list[str]:
    """Why pubbuild cannot stand behind a WCAG 2.2 AA claim for this book (empty: it can)."""
    problems = [text for code, text in BLOCKING_CODES.items() if code in facts.diagnostic_codes]
    if facts.images_without_alt and "A001" not in facts.diagnostic_codes:
        problems.append(BLOCKING_CODES["A001"])
    if facts.images_left_out:  # a decorative image left out loses nothing
        problems.append("an image was left out of the book")
    if facts.tables_without_headers:
        problems.append("a data table has no header cells")
    if facts.articles_without_language:
        problems.append("an article has no language")
    return problems


def accessibility_metadata(pub: Publication, facts: ContentFacts) -> list[tuple[str, str, dict]]:
    """``(property, value, extra attributes)`` for the OPF, in a stable order."""
    visual = facts.images > 0
    modes = ["textual", "visual"] if visual else ["textual"]
    sufficient = []
    if not facts.images_without_alt:
        sufficient.append("textual")
    if visual:
        sufficient.append("textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if visual and not facts.images_without_alt:
        features.append("alternativeText")
    if facts.page_breaks:
        features.extend(EPUB_FEATURES)
    if facts.animated_images:
        hazards = ["unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"]
    else:
        hazards = ["none"]
    out: list[tuple[str, str, dict]] = []
    out += [("schema:accessMode", m, {}) for m in modes]
    out += [("schema:accessModeSufficient", s, {}) for s in sufficient]
    out += [("schema:accessibilityFeature", f, {}) for f in features]
    out += [("schema:accessibilityHazard", h, {}) for h in hazards]
    out.append(("schema:accessibilitySummary", accessibility_summary(pub, facts), {}))
    if pub.meta.certifier and not conformance_problems(facts):
        out.append(("dcterms:conformsTo", CONFORMANCE, {}))
        out.append(("a11y:certifiedBy", pub.meta.certifier, {"id": "certifier"}))
        if pub.meta.certifier_credential:
            out.append(("a11y:certifierCredential", pub.meta.certifier_credential,
                        {"refines": "#certifier"}))
    return out


def primary_language(tag: str | None) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased (``en`` for ``en-GB``)."""
    return (tag or "").split("-")[0].lower()


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def accessibility_summary(pub: Publication, facts: ContentFacts) -> str:
    """A few sentences telling a reader who cannot see the book what it offers."""
    grouped = f" in {_n(len(pub.parts), 'part')}" if pub.parts else ""
    parts = [f"This publication contains {_n(facts.articles, 'article')}{grouped} as reflowable text that "
             "the reader can resize and restyle, with a table of contents"
             + (" that also lists the section headings" if facts.sections else "")
             + "; each article is one chapter with a heading, and the reading order follows "
             "the original sources."]
    if facts.images:
        if facts.images_without_alt:
            described = facts.images - facts.images_without_alt
            parts.append(f"{described} of {_n(facts.images, 'image')} have a text alternative; "
                         f"{facts.images_without_alt} {'does' if facts.images_without_alt == 1 else 'do'} not, so some visual content is not "
                         "available as text.")
        else:
            parts.append(f"{'The' if facts.images == 1 else 'All ' + str(facts.images)} "
                         f"{'image has' if facts.images == 1 else 'images have'} a text alternative.")
    else:
        parts.append("It has no images apart from the cover, whose text is repeated on the title page.")
    if facts.images_left_out:
        parts.append(f"{_n(facts.images_left_out, 'image was', 'images were')} not included; "
                     "the text alternative and a link to the original stand in for "
                     f"{'it' if facts.images_left_out == 1 else 'them'}.")
    if facts.decorative_images:
        parts.append(f"{_n(facts.decorative_images, 'decorative image is', 'decorative images are')} "
                     "marked as such, so assistive technology skips "
                     f"{'it' if facts.decorative_images == 1 else 'them'}.")
    if facts.tables:
        if facts.tables_without_headers:
            parts.append(f"{facts.tables_without_headers} of {_n(facts.tables, 'data table')} "
                         "have no header cells.")
        elif facts.tables == 1:
            parts.append("Its data table has header cells.")
        else:
            parts.append(f"All {facts.tables} data tables have header cells.")
    if facts.notes:
        parts.append("The note is linked from its reference and back." if facts.notes == 1
                     else f"All {facts.notes} notes are linked from their references and back.")
    main = primary_language(pub.meta.language)
    others = sorted({t for t in facts.languages if primary_language(t) != main})
    if others:
        parts.append("Passages in other languages (" + ", ".join(others)
                     + ") are marked so that text-to-speech can switch language.")
    if facts.page_breaks:
        parts.append("The page numbers of the print (PDF) edition are marked in the text and "
                     "listed, so that a reader can go to a page cited from the print edition.")
    if facts.animated_images:
        parts.append(f"{_n(facts.animated_images, 'image is', 'images are')} animated and may flash.")
    else:
        parts.append("There is no animation, sound or flashing content.")
    if pub.meta.certifier:
        if conformance_problems(facts):
            parts.append("It is not claimed to conform to WCAG 2.2 AA: "
                         + "; ".join(conformance_problems(facts)) + ".")
        else:
            parts.append("It meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA.")
    return " ".join(parts)


def count_content(pub: Publication) -> ContentFacts:
    """The facts the model alone can tell (packaging adds images and diagnostics)."""
    facts = ContentFacts(articles=len(pub.articles))
    if pub.meta.language:
        facts.languages.add(pub.meta.language)
    for article in pub.articles:
        if article.meta.language:
            facts.languages.add(article.meta.language)
        else:
            facts.articles_without_language += 1
        facts.notes += len(article.notes)
        facts.diagnostic_codes.update(d.code for d in article.diagnostics)
        for image in all_images(article.blocks):
            if not image.decorative and not (image.alt or "").strip():
                facts.images_without_alt += 1
        for block in walk_blocks(article.blocks):
            lang = getattr(block, "lang", None)
            if lang:
                facts.languages.add(lang)
            if isinstance(block, Section):
                facts.sections += 1
            elif isinstance(block, Table):
                facts.tables += 1
                if not any(c.header for r in block.head + block.body + block.foot for c in r.cells):
                    facts.tables_without_headers += 1
            elif isinstance(block, List):
                facts.languages.update(i.lang for i in block.items if i.lang)
            for run in inline_runs(block):
                facts.languages.update(n.lang for n in walk_inlines(run)
                                       if isinstance(n, (Styled, Span)) and n.lang)
    return facts
