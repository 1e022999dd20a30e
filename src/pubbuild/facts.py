"""What a publication contains that matters to a reader who cannot see it, counted once.

Every statement a publication makes about itself speaks from one :class:`ContentFacts`:
the in-book *Accessibility* page (:mod:`pubbuild.assemble.matter`, in both editions), the EPUB's
schema.org metadata and summary (:mod:`pubbuild.backends.epub.accessibility`) and the
PDF's XMP (:mod:`pubbuild.backends.pdf.xmp`).  The sentences about the content come from
:func:`statement` alone, so the three cannot say different things.

What goes into the outputs is decided once, before any edition is rendered
(:func:`plan_images`): each image is packaged (read, fetched when the network is
allowed, sniffed, checked for size) or left out with a diagnostic, and both editions
follow that decision, so they show the same images and report the same diagnostics.
The counts are made from the plan, over exactly the images the writers render.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Article, Heading, List, Publication, Section, Span, Styled, Table
from .textutil import images as all_images
from .textutil import inline_runs, walk_blocks, walk_inlines

if TYPE_CHECKING:
    from .backends.epub.images import ImagePackager
    from .model import Image


@dataclass
class ContentFacts:
    """What the book contains, counted once over the images the outputs include."""

    articles: int = 0
    """Number of articles."""
    images: int = 0
    """Non-decorative images included in the outputs (the cover excluded)."""
    images_described: int = 0
    """Of :attr:`images`, those with a text alternative."""
    images_without_alt: int = 0
    """Of :attr:`images`, those without one (the writer says the source gave none)."""
    images_left_out: int = 0
    """Non-decorative images left out (remote and not fetched, missing, unreadable, too
    large): their text alternative, or a note and a link, stands in."""
    images_left_out_without_alt: int = 0
    """Of :attr:`images_left_out`, those with no text alternative to stand in."""
    decorative_images: int = 0
    """Decorative images included (marked so that assistive technology skips them)."""
    animated_images: int = 0
    """Included animated rasters (a possible flashing hazard)."""
    tables: int = 0
    """Data tables."""
    tables_without_headers: int = 0
    """Data tables with no header cell (in the head, the body or the foot)."""
    notes: int = 0
    """Footnotes and endnotes."""
    sections: int = 0
    """Headings inside articles below their title: those of sections, and those the reader
    found inside a list, a quotation or a table cell (every one is a heading in the outputs)."""
    languages: set[str] = field(default_factory=set)
    """Every registered language tag used (publication, articles, blocks, list items and
    passages): what the outputs mark with ``lang``/``xml:lang`` and ``/Lang``."""
    articles_without_language: int = 0
    """Articles whose language is not known."""
    diagnostic_codes: set[str] = field(default_factory=set)
    """Codes of every diagnostic raised by reading and rendering."""
    diagnostic_counts: Counter = field(default_factory=Counter)
    """How often each code was raised while reading the articles."""
    page_breaks: int = 0
    """Page-break markers of the print edition inserted (0: no page numbers)."""


@dataclass
class ImagePlan:
    """Which images go into the outputs, decided once for every edition of one build."""

    packager: ImagePackager
    """The packaged images (bytes, media type, animation), by href; the EPUB stores them
    as they are, the PDF shows the same bytes."""
    href: dict[int, str | None] = field(default_factory=dict)
    """``id(image)`` -> its href in :attr:`packager`, or None when it is left out."""

    @property
    def diagnostics(self) -> list:
        """Why images were left out (``A002``, ``E001``), once for the whole build."""
        return self.packager.diagnostics

    def included(self, image: Image) -> bool:
        """Whether ``image`` is in the outputs (an image outside the plan is not)."""
        return self.href.get(id(image)) is not None

    def decide(self, image: Image, place: str | None = None) -> str | None:
        """``image``'s href, deciding it now when the plan has not met it yet (``place``
        names its source in a diagnostic)."""
        if id(image) not in self.href:
            self.href[id(image)] = self.packager.package(image, place)
        return self.href[id(image)]


def new_plan(allow_network: bool = False) -> ImagePlan:
    """A plan with no image decided yet."""
    from .backends.epub.images import ImagePackager

    return ImagePlan(ImagePackager(allow_network=allow_network))


def publication_images(pub: Publication) -> Iterator[tuple[Image, Article | None]]:
    """Every image the writers render, in reading order, with the article it belongs to
    (None: the editor's own text, introductions and notes).  The cover is not content."""
    yield from ((image, None) for image in all_images(pub.introduction))
    for part in pub.parts:
        yield from ((image, None) for image in all_images(part.introduction))
    for article in pub.articles:
        yield from ((image, None) for image in all_images(article.editor_note_blocks))
        yield from ((image, article) for image in all_images(article.blocks))


def where(article: Article | None, root: Path) -> str | None:
    """An article's source as the diagnostics name it (relative to the project)."""
    if article is None or article.source is None:
        return None
    try:
        return str(article.source.relative_to(root))
    except ValueError:
        return article.source.name


def plan_images(pub: Publication, allow_network: bool = False) -> ImagePlan:
    """Decide, once per build, which images go in: read, fetch (only with the network
    allowed, through the one :class:`~pubbuild.remote.RemoteFetcher`), identify and
    size-check each; one the packager refuses is left out with a diagnostic."""
    plan = new_plan(allow_network)
    for image, article in publication_images(pub):
        plan.decide(image, where(article, pub.root))
    return plan


def _registered(tag: str) -> bool:
    """Whether ``tag`` is one the IANA registry knows: only those are claimed as marked."""
    import langcodes

    return langcodes.tag_is_valid(tag)


def count_content(pub: Publication, plan: ImagePlan | None = None) -> ContentFacts:
    """The facts of ``pub``; the image counts follow ``plan`` (without one, every image
    counts as included: the model's view, before anything was read)."""
    facts = ContentFacts(articles=len(pub.articles))
    languages: set[str] = set()
    if pub.meta.language:
        languages.add(pub.meta.language)
    for image, _ in publication_images(pub):
        if plan is not None and not plan.included(image):
            if not image.decorative:
                facts.images_left_out += 1
                facts.images_left_out_without_alt += not (image.alt or "").strip()
        elif image.decorative:
            facts.decorative_images += 1
        else:
            facts.images += 1
            if (image.alt or "").strip():
                facts.images_described += 1
            else:
                facts.images_without_alt += 1
    if plan is not None:
        included = {h for h in plan.href.values() if h is not None}
        facts.animated_images = sum(1 for href in included
                                    if (item := plan.packager.by_href(href)) and item.animated)
    for article in pub.articles:
        if article.meta.language:
            languages.add(article.meta.language)
        else:
            facts.articles_without_language += 1
        facts.notes += len(article.notes)
        facts.diagnostic_codes.update(d.code for d in article.diagnostics)
        facts.diagnostic_counts.update(d.code for d in article.diagnostics)
        for block in walk_blocks(article.blocks):
            lang = getattr(block, "lang", None)
            if lang:
                languages.add(lang)
            if isinstance(block, (Section, Heading)):
                facts.sections += 1
            elif isinstance(block, Table):
                facts.tables += 1
                if not any(c.header for r in block.head + block.body + block.foot for c in r.cells):
                    facts.tables_without_headers += 1
            elif isinstance(block, List):
                languages.update(i.lang for i in block.items if i.lang)
            for run in inline_runs(block):
                languages.update(n.lang for n in walk_inlines(run)
                                 if isinstance(n, (Styled, Span)) and n.lang)
    facts.languages = {t for t in languages if _registered(t)}
    return facts


# ------------------------------------------------------------------ the statement


def schema_properties(facts: ContentFacts, edition_features: list[str]) -> list[tuple[str, str]]:
    """The schema.org accessibility properties ``(property, value)`` (without the summary)
    both editions declare, from ``facts``; ``edition_features`` are what only that edition
    has (``displayTransformability`` for the EPUB, ``taggedPDF`` for the PDF)."""
    # What the book holds: an image left out is not in it (its stand-in is text), so the
    # modes speak of the images shown; the conformance claim is where a loss counts.
    modes = ["textual", "visual"] if facts.images else ["textual"]
    sufficient = ["textual,visual"] if facts.images else ["textual"]
    if facts.images and not facts.images_without_alt:
        sufficient.insert(0, "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if facts.images and not facts.images_without_alt:
        features.append("alternativeText")
    features += edition_features
    hazards = (["unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard"]
               if facts.animated_images else ["none"])
    return ([("schema:accessMode", m) for m in modes]
            + [("schema:accessModeSufficient", m) for m in sufficient]
            + [("schema:accessibilityFeature", f) for f in features]
            + [("schema:accessibilityHazard", h) for h in hazards])


def plural(count: int, one: str, many: str | None = None) -> str:
    """``3 images``, ``1 image``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _verb(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _join(items: list[str]) -> str:
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]


def primary_language(tag: str | None) -> str:
    """The primary subtag of a BCP 47 tag, lower-cased (``en`` for ``en-GB``)."""
    return (tag or "").split("-")[0].lower()


def other_languages(pub: Publication, facts: ContentFacts) -> list[str]:
    """The tags of passages in languages other than the publication's main one."""
    main = primary_language(pub.meta.language)
    return sorted(t for t in facts.languages if primary_language(t) != main)


def statement(pub: Publication, facts: ContentFacts) -> list[str]:
    """What the content offers a reader who cannot see it, one sentence per fact.  The
    in-book page, the EPUB's summary and the PDF's XMP all say exactly these sentences;
    every figure in them is a count of :class:`ContentFacts`, never a difference that
    could go negative."""
    out: list[str] = []
    if facts.images:
        if facts.images_without_alt:
            out.append(f"{facts.images_described} of {plural(facts.images, 'image')} "
                       f"{_verb(facts.images_described, 'has', 'have')} a text alternative; "
                       f"{facts.images_without_alt} {_verb(facts.images_without_alt, 'does', 'do')} "
                       "not, so some visual content is not available as text.")
        elif facts.images == 1:
            out.append("The image has a text alternative.")
        else:
            out.append(f"All {facts.images} images have a text alternative.")
    else:
        out.append("There are no images apart from the cover, whose text is repeated on the title page.")
    if facts.images_left_out:
        out.append(f"{plural(facts.images_left_out, 'image was', 'images were')} not included; "
                   f"{_verb(facts.images_left_out, 'its', 'their')} text alternative, or a note "
                   "saying so, stands in, with a link to the original where there is one.")
    if facts.decorative_images:
        out.append(f"{plural(facts.decorative_images, 'decorative image is', 'decorative images are')} "
                   "marked as such, so that assistive technology skips "
                   f"{_verb(facts.decorative_images, 'it', 'them')}.")
    if facts.tables:
        headed = facts.tables - facts.tables_without_headers
        if not headed:
            out.append(f"{plural(facts.tables, 'data table')} {_verb(facts.tables, 'has', 'have')} no "
                       "header cells, so a screen reader cannot say which column a cell is in.")
        elif facts.tables_without_headers:
            out.append(f"{headed} of {plural(facts.tables, 'data table')} "
                       f"{_verb(headed, 'has', 'have')} header cells; "
                       f"{facts.tables_without_headers} {_verb(facts.tables_without_headers, 'has', 'have')} none.")
        elif facts.tables == 1:
            out.append("The data table has header cells, which screen readers announce with each cell.")
        else:
            out.append(f"All {facts.tables} data tables have header cells, which screen readers "
                       "announce with each cell.")
    if facts.notes:
        out.append("The note is linked from its reference and back." if facts.notes == 1
                   else f"All {facts.notes} notes are linked from their references and back.")
    others = other_languages(pub, facts)
    if others:
        out.append(f"The main language is tagged {pub.meta.language}; passages in other languages "
                   f"({_join(others)}) carry their own language tag, so that speech and braille "
                   "use the right rules.")
    else:
        out.append(f"The text is in one language throughout, tagged {pub.meta.language}.")
    if facts.animated_images:
        out.append(f"{plural(facts.animated_images, 'image is', 'images are')} animated and may flash.")
    else:
        out.append("There is no animation, sound or flashing content.")
    return out
