"""The briefing pack's own pages in the print document: generated matter, the
editor's introduction, part openers and editor's notes.

They are rendered by :mod:`pubbuild.writer.shared_sections`, the same code the EPUB uses,
so that each top-level section holds the same text in both editions (the EPUB's
print page-break markers are placed by counting that text).  What is added here
is print-only: the section ids the page map needs (``Matter.id``, ``Part.id``,
``introduction``, the same as the EPUB's file stems), anchors prefixed to stay
unique in the one HTML document, and heading levels that nest articles under
their part in the structure tree and the bookmarks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape

from ...model import Article, Image, Matter, Part, Publication
from ...writer import shared_sections as shared
from .print_writer import LINK_ADDRESSES, PdfXhtmlWriter

ImageSource = Callable[[Image], "str | None"]


@cache
def writer_class(depth: int, links: str | None = None) -> type:
    """The print writer for content ``depth`` levels below the document's top, printing
    link addresses as ``links`` says (``list`` or ``footnotes``; None: the default)."""
    links = links or LINK_ADDRESSES
    if depth == 0 and links == LINK_ADDRESSES:
        return PdfXhtmlWriter
    return type(f"PdfXhtmlWriter{depth}{links.title()}", (PdfXhtmlWriter,),
                {"depth": depth, "link_addresses": links})


def parse_link_addresses(value: str) -> str:
    """The ``pdf: link_addresses`` setting, checked (a ValueError names what is allowed)."""
    if value not in ("list", "footnotes"):
        raise ValueError(f"link_addresses must be list or footnotes, got {value!r}")
    return value


def link_addresses(pub: Publication) -> str | None:
    """The manifest's ``pdf: link_addresses`` (None: the default)."""
    return pub.settings.get("pdf", {}).get("link_addresses")


def groups(pub: Publication) -> list[tuple[Part | None, list[Article]]]:
    """The articles in reading order, grouped by part (``None``: not in a part; all of
    them in a publication without parts)."""
    in_parts = {id(a) for part in pub.parts for a in part.articles}
    out: list[tuple[Part | None, list[Article]]] = [(p, p.articles) for p in pub.parts]
    rest = [a for a in pub.articles if id(a) not in in_parts]
    if rest:
        out.append((None, rest))
    return out


def matter_page(matter: Matter, lang: str, image_src: ImageSource, links: str | None = None) -> str:
    """About this pack, the accessibility statement, the list of sources, the colophon."""
    return shared.matter_section(writer_class(0, links), matter, lang, f"{matter.id}-", image_src,
                                 section_id=matter.id)


def introduction_page(blocks: list, lang: str, image_src: ImageSource, links: str | None = None) -> str:
    """The editor's introduction to the whole pack."""
    return shared.introduction_section(writer_class(0, links), blocks, lang,
                                       f"{shared.INTRODUCTION_ID}-", image_src,
                                       section_id=shared.INTRODUCTION_ID)


def part_page(part: Part, lang: str, image_src: ImageSource, links: str | None = None) -> str:
    """A part's opening page: its title (an ``h1``, above its articles' ``h2``) and
    its introduction."""
    return shared.part_opener(writer_class(0, links), part, lang, f"{part.id}-", image_src,
                              section_id=part.id)


def editor_note_html(article: Article, pub: Publication, depth: int,
                     image_src: ImageSource) -> str:
    """The article's editor's note, marked as the editor's (a labelled aside), or ''.

    It follows the article's title block, so headings inside it sit under the title,
    as the article's own do."""
    blocks = article.editor_note_blocks
    if not blocks:
        return ""
    lang = pub.meta.language
    return shared.editor_note(writer_class(depth, link_addresses(pub)), blocks, lang,
                              context_lang=article.meta.language or lang,
                              id_prefix=f"{article.slug}-", image_src=image_src)


def toc_entry(title: str, target: str, css_class: str, children: str = "") -> str:
    """One entry of the printed contents, linking to the heading ``target``."""
    return (f'<li class="{css_class}"><a class="toc-link" href="#{escape(target, quote=True)}">'
            f"{escape(title)}</a>{children}</li>\n")


__all__ = ["editor_note_html", "groups", "introduction_page", "matter_page", "part_page",
           "toc_entry", "writer_class"]
