"""Sections both editions render identically, through the shared writer: generated front and
back matter, the editor's introduction, part openers and editor's notes.

Both backends render them from here, so that each top-level section holds the
same text in the EPUB and in the PDF: the EPUB's print page-break markers are
placed by counting the characters of the PDF's sections (:mod:`pubbuild.backends.pagemap`),
and every word either edition adds on its own shifts them.

Ids: the section ids are the EPUB content documents' file stems and the PDF's
top-level section ids (:data:`INTRODUCTION_ID`, ``Part.id``, ``Matter.id``, the
article slug); anchors inside are passed through the writer's ``anchor`` so the
PDF can prefix them to keep them unique in its single document.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..labels import date as format_date
from ..labels import label
from ..model import Article, ArticleMeta, Image, Matter, Part, PublicationMeta
from .xhtml import XhtmlWriter, attr, lang_attrs

#: File stem / section id of the editor's introduction to the whole pack (its heading
#: is the label ``introduction``, its note's visible label ``editor_note``).
INTRODUCTION_ID = "introduction"

#: The DPUB-ARIA role that goes with each EPUB structural semantic pubbuild uses,
#: for matter whose model gives none: every ``epub:type`` carries its role.
ROLES = {
    "preface": "doc-preface", "introduction": "doc-introduction", "part": "doc-part",
    "bibliography": "doc-bibliography", "colophon": "doc-colophon",
    "acknowledgments": "doc-acknowledgments", "foreword": "doc-foreword",
    "epilogue": "doc-epilogue", "afterword": "doc-afterword", "appendix": "doc-appendix",
    "glossary": "doc-glossary", "index": "doc-index", "conclusion": "doc-conclusion",
    "prologue": "doc-prologue", "dedication": "doc-dedication", "epigraph": "doc-epigraph",
}

ImageSource = Callable[[Image], "str | None"]


def title_page_details(m: PublicationMeta) -> str:
    """The title page's lines under the title and subtitle, the same in both editions:
    creators with their roles, publisher, date, description, rights."""
    out = []
    for c in m.creators:
        role = "" if c.role == "author" else f" ({c.role})"
        out.append(f'<p class="creator">{escape(c.name)}{escape(role)}</p>\n')
    if m.publisher:
        out.append(f'<p class="publisher">{escape(m.publisher)}</p>\n')
    if m.date:
        out.append(f'<p class="date"><time datetime="{escape(m.date)}">'
                   f"{escape(format_date(m.date, m.language))}</time></p>\n")
    if m.description:
        out.append(f'<p class="description">{escape(m.description)}</p>\n')
    if m.rights:
        out.append(f'<p class="rights">{escape(m.rights)}</p>\n')
    return "".join(out)


def role_for(epub_type: str | None, role: str | None) -> str | None:
    """The role given, else the one that goes with ``epub_type``."""
    return role or ROLES.get(epub_type or "")


def _writer(cls: type[XhtmlWriter], title: str, lang: str, id_prefix: str,
            image_src: ImageSource | None) -> XhtmlWriter:
    # The shared writer renders an article; editor-written blocks get a stand-in
    # article that carries only their title and language.
    return cls(Article(ArticleMeta(title=title, language=lang)), id_prefix=id_prefix,
               language=lang, image_src=image_src)


def titled_section(writer: XhtmlWriter, ident: str, title: str, blocks: list,
                   epub_type: str | None, role: str | None, css_class: str,
                   section_id: str | None = None) -> str:
    """``<section>`` with semantics, labelled by an ``h1`` holding ``title``, then ``blocks``.
    The heading's id is ``<ident>-title``, unique in a whole pack without a prefix;
    ``section_id`` is for a single-document backend (the PDF's top-level section ids)."""
    heading = f"{ident}-title"
    return (f'<section{attr("id", section_id)} class="{css_class}"'
            f'{writer.semantic(epub_type, role_for(epub_type, role))}'
            f'{attr("aria-labelledby", heading)}>\n'
            f'<h1{attr("id", heading)}>{escape(title, quote=False)}</h1>\n'
            f"{writer.blocks(blocks)}{writer.link_list()}</section>\n")


def matter_section(cls: type[XhtmlWriter], matter: Matter, lang: str, id_prefix: str = "",
                   image_src: ImageSource | None = None, section_id: str | None = None) -> str:
    """A generated front- or back-matter section (about, accessibility, sources, colophon)."""
    writer = _writer(cls, matter.title, lang, id_prefix, image_src)
    return titled_section(writer, matter.id, matter.title, matter.blocks, matter.epub_type,
                          matter.role, f"matter {matter.id}", section_id)


def introduction_section(cls: type[XhtmlWriter], blocks: list, lang: str, id_prefix: str = "",
                         image_src: ImageSource | None = None,
                         section_id: str | None = None) -> str:
    """The editor's introduction to the whole pack."""
    title = label("introduction", lang)
    writer = _writer(cls, title, lang, id_prefix, image_src)
    return titled_section(writer, INTRODUCTION_ID, title, blocks, "introduction",
                          None, "introduction", section_id)


def part_opener(cls: type[XhtmlWriter], part: Part, lang: str, id_prefix: str = "",
                image_src: ImageSource | None = None, section_id: str | None = None) -> str:
    """A part's opening page: its title and introduction."""
    writer = _writer(cls, part.title, lang, id_prefix, image_src)
    return titled_section(writer, part.id, part.title, part.introduction, "part", None, "part",
                          section_id)


def editor_note(cls: type[XhtmlWriter], blocks: list, lang: str, context_lang: str | None = None,
                id_prefix: str = "", image_src: ImageSource | None = None) -> str:
    """An editor's note shown after an article's title block: a complementary landmark named by its
    visible label, so that no reader takes the editor's words for the author's.
    ``lang`` is the note's language, tagged when it differs from ``context_lang``
    (the article's)."""
    if not blocks:
        return ""
    text = label("editor_note", lang)
    writer = _writer(cls, text, lang, id_prefix, image_src)
    writer.link_stem = "editor-note-link"  # it shares its article's id prefix
    ident = writer.anchor("editor-note-label")
    tag = lang_attrs(lang, writer.xml, context_lang) if context_lang and lang != context_lang else ""
    return (f'<aside class="editor-note"{attr("aria-labelledby", ident)}{tag}>\n'
            f'<p class="editor-note-label"{attr("id", ident)}>{escape(text, quote=False)}</p>\n'
            f"{writer.blocks(blocks)}{writer.link_list()}</aside>\n")


__all__ = ["INTRODUCTION_ID", "ROLES", "editor_note",
           "introduction_section", "matter_section", "part_opener",
           "role_for", "titled_section"]
