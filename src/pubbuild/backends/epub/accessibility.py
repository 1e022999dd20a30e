"""Accessibility metadata derived from what the book actually contains.

Nothing is claimed blindly: while rendering, the backend adds what went into
the package to the model's counts (:class:`~pubbuild.facts.ContentFacts`, the
same the pack's accessibility statement speaks from), and the schema.org
properties, the summary and the conformance claim are computed from those facts alone.  The
cover does not count as visual content: it identifies the book and its text
(title, subtitle) is on the title page, so a text-only book stays ``textual``.
"""

from __future__ import annotations

from ...facts import ContentFacts
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
