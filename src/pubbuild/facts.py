"""What a publication contains that matters to a reader who cannot see it, counted once.

The pack's accessibility statement (:mod:`pubbuild.matter`) and the EPUB's
accessibility metadata and summary (:mod:`pubbuild.backends.epub.accessibility`) both
speak from these counts, so the two can never say different things about the
same book.  :func:`count_content` counts what the model alone tells; a backend
adds what only rendering finds out (images packaged or left out, animation,
page-break markers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .model import List, Publication, Section, Span, Styled, Table
from .textutil import images as all_images
from .textutil import inline_runs, walk_blocks, walk_inlines


@dataclass
class ContentFacts:
    """What the book contains: counted from the model, completed by the backend rendering it."""

    articles: int = 0
    """Number of articles."""
    images_described: int = 0
    """Non-decorative images in the articles with a text alternative (the model's count)."""
    images_without_alt: int = 0
    """Non-decorative images without a text alternative, packaged or not (a backend adds those
    in the editor's own text)."""
    images_marked_decorative: int = 0
    """Images the sources mark decorative (the model's count)."""
    images: int = 0
    """Non-decorative images a backend packaged (the cover excluded)."""
    images_left_out: int = 0
    """Images a backend replaced by their text alternative (remote, unreadable)."""
    decorative_images: int = 0
    """Decorative images a backend packaged."""
    animated_images: int = 0
    """Packaged animated rasters (a possible flashing hazard)."""
    tables: int = 0
    """Data tables."""
    tables_without_headers: int = 0
    """Data tables with no header cell (in the head, the body or the foot)."""
    notes: int = 0
    """Footnotes and endnotes."""
    sections: int = 0
    """Section headings inside articles."""
    languages: set[str] = field(default_factory=set)
    """Every language tag used (publication, articles, blocks, list items and passages)."""
    articles_without_language: int = 0
    """Articles whose language is not known."""
    diagnostic_codes: set[str] = field(default_factory=set)
    """Codes of every diagnostic raised by reading and rendering."""
    diagnostic_counts: Counter = field(default_factory=Counter)
    """How often each code was raised while reading the articles."""
    page_breaks: int = 0
    """Page-break markers of the print edition inserted (0: no page numbers)."""


def count_content(pub: Publication) -> ContentFacts:
    """The facts the model alone can tell (rendering adds packaged images and diagnostics)."""
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
        facts.diagnostic_counts.update(d.code for d in article.diagnostics)
        for image in all_images(article.blocks):
            if image.decorative:
                facts.images_marked_decorative += 1
            elif (image.alt or "").strip():
                facts.images_described += 1
            else:
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
