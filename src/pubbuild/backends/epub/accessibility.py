"""Accessibility metadata derived from what the book actually contains.

Nothing is claimed blindly: while rendering, the backend adds what went into
the package to the model's counts (:class:`~pubbuild.facts.ContentFacts`, the
same the pack's accessibility statement speaks from), and the schema.org
properties, the summary and the conformance claim are computed from those facts alone.  The
cover does not count as visual content: it identifies the book and its text
(title, subtitle) is on the title page, so a text-only book stays ``textual``.
"""

from __future__ import annotations

from ...facts import ContentFacts, plural, schema_properties, statement
from ...model import Publication
from .page_markers import EPUB_FEATURES

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


def conformance_problems(facts: ContentFacts) -> list[str]:
    """Why pubbuild cannot stand behind a WCAG 2.2 AA claim for this book (empty: it can)."""
    problems = [text for code, text in BLOCKING_CODES.items() if code in facts.diagnostic_codes]
    if (facts.images_without_alt or facts.images_left_out_without_alt) \
            and "A001" not in facts.diagnostic_codes:
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
    features = ["displayTransformability", *(EPUB_FEATURES if facts.page_breaks else ())]
    out: list[tuple[str, str, dict]] = [(p, v, {}) for p, v in schema_properties(facts, features)]
    out.append(("schema:accessibilitySummary", accessibility_summary(pub, facts), {}))
    if pub.meta.certifier and not conformance_problems(facts):
        out.append(("dcterms:conformsTo", CONFORMANCE, {}))
        out.append(("a11y:certifiedBy", pub.meta.certifier, {"id": "certifier"}))
        if pub.meta.certifier_credential:
            out.append(("a11y:certifierCredential", pub.meta.certifier_credential,
                        {"refines": "#certifier"}))
    return out


def accessibility_summary(pub: Publication, facts: ContentFacts) -> str:
    """A few sentences telling a reader who cannot see the book what it offers: the
    EPUB's own (reflowable text, page numbers of the print edition, the conformance
    claim) around :func:`~pubbuild.facts.statement`, which the book's Accessibility page
    and the PDF's XMP also say."""
    grouped = f" in {plural(len(pub.parts), 'part')}" if pub.parts else ""
    parts = [f"This publication contains {plural(facts.articles, 'article')}{grouped} as reflowable text that "
             "the reader can resize and restyle, with a table of contents"
             + (" that also lists the section headings" if facts.sections else "")
             + "; each article is one chapter with a heading, and the reading order follows "
             "the original sources."]
    parts += statement(pub, facts)
    if facts.page_breaks:
        parts.append("The page numbers of the print (PDF) edition are marked in the text and "
                     "listed, so that a reader can go to a page cited from the print edition.")
    if pub.meta.certifier:
        if conformance_problems(facts):
            parts.append("It is not claimed to conform to WCAG 2.2 AA: "
                         + "; ".join(conformance_problems(facts)) + ".")
        else:
            parts.append("It meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA.")
    return " ".join(parts)
