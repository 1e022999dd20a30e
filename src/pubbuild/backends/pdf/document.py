"""The one HTML document WeasyPrint lays out: cover, title page, contents, then
each article with its header, body and notes.

Print furniture that has no meaning for a screen reader (running heads, page
numbers, leaders) lives in the stylesheet, never in the document, so the
structure tree only holds what a reader should hear.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape

from ...labels import label
from ...model import Article, Image, Publication
from ...writer.shared_sections import INTRODUCTION_ID, title_page_details
from ...writer.xhtml import attr, lang_attrs, title_text
from . import pack_pages as pack
from .fonts import TEXT_STACK
from .geometry import PageGeometry
from .print_writer import PdfXhtmlWriter

_TAG = re.compile(r"<[^>]+>")




@dataclass
class PrintDocument:
    """The publication rendered as one HTML document, with what the backend needs
    to know about it."""

    html: str
    """The document."""
    texts: dict[str, str] = field(default_factory=dict)
    """Visible text per part (article source name, or ``front matter``), for the
    font coverage check."""


def _columns(text: str) -> int:
    """How wide ``text`` sets, in columns of a Latin letter: a CJK ideograph or a fullwidth
    form takes two (East Asian Width W or F)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def running_title(title: str, limit: int = 60) -> str:
    """A title short enough for a running head (``limit`` columns: one line of the head,
    whatever the script; a head that wraps runs into the text)."""
    if _columns(title) <= limit:
        return title
    head = title.split(":")[0].strip()
    if 8 <= len(head) and _columns(head) <= limit:
        return head
    if " " in title.strip():
        short = textwrap.shorten(title, limit, placeholder=" …")
        if _columns(short) <= limit and short != "…":
            return short
    # No spaces to cut at (Chinese, Japanese, a long URL-like title): cut between characters.
    out, width = "", 0
    for char in title:
        width += _columns(char)
        if width > limit - 1:
            break
        out += char
    return out.rstrip() + "…"


def build_document(pub: Publication, geometry: PageGeometry,
                   image_src: Callable[[Image], str | None], cover_src: str | None) -> PrintDocument:
    """The HTML for ``pub``; ``cover_src`` is the cover image URL (None: generated).

    Reading order, as in the EPUB: cover, title page, generated front matter, the
    editor's introduction, the contents, each part's opener followed by its
    articles (each with its editor's note after its title block), the generated back matter.
    Every top-level section of ``<body>`` has the id of the EPUB document holding
    the same content, so :mod:`pubbuild.backends.pagemap` can tell the EPUB where pages begin.
    """
    m = pub.meta
    links = pack.link_addresses(pub)
    texts: dict[str, str] = {}
    body: list[str] = []

    def add(key: str, html: str) -> None:
        texts[key] = texts.get(key, "") + _visible(html)
        body.append(html)

    add("front matter", cover(pub, cover_src, geometry) + title_page(pub))
    for matter in pub.front_matter:
        add("front matter", pack.matter_page(matter, m.language, image_src, links))
    if pub.introduction:
        add("front matter", pack.introduction_page(pub.introduction, m.language, image_src, links))
    add("front matter", contents(pub))
    for part, articles in pack.groups(pub):
        depth = 0
        if part is not None:
            add("front matter", pack.part_page(part, m.language, image_src, links))
            depth = 1
        for article in articles:
            html = article_page(pub, article, depth, image_src)
            add(str(article.source.name) if article.source else article.slug, html)
    for matter in pub.back_matter:
        add("back matter", pack.matter_page(matter, m.language, image_src, links))
    return PrintDocument(f'<!DOCTYPE html>\n<html{lang_attrs(m.language, False)}>\n<head>\n'
                         + head(pub) + "</head>\n<body>\n" + "".join(body) + "</body>\n</html>\n",
                         texts)


def article_page(pub: Publication, article: Article, depth: int,
                 image_src: Callable[[Image], str | None]) -> str:
    """One article as a top-level section: its title block, the editor's note, the article.
    ``depth`` 1 puts it inside a part (its title an ``h2`` under the part's ``h1``)."""
    m = pub.meta
    alang = article.meta.language or m.language
    writer = pack.writer_class(depth, pack.link_addresses(pub))(
        article, id_prefix=f"{article.slug}-", language=alang, image_src=image_src)
    note = pack.editor_note_html(article, pub, depth, image_src)
    lang = article.meta.language if article.meta.language != m.language else None
    classes = "article in-part" if depth else "article"
    return (f'<section class="{classes}"{attr("id", article.slug)}{lang_attrs(lang, False, m.language)}'
            f'{attr("data-running", running_title(title_text(article)))}>\n'
            f"{writer.article_body(note)}</section>\n")


def head(pub: Publication) -> str:
    """``<head>`` content: WeasyPrint turns these into the PDF's metadata."""
    m = pub.meta
    out = [f"<title>{escape(m.title)}</title>", '<meta charset="utf-8"/>']
    for creator in m.creators:
        out.append(f'<meta name="author"{attr("content", creator.name)}/>')
    if m.description:
        out.append(f'<meta name="description"{attr("content", m.description)}/>')
    if m.subjects:
        out.append(f'<meta name="keywords"{attr("content", ", ".join(m.subjects))}/>')
    out.append(f'<meta name="dcterms.created"{attr("content", m.modified)}/>')
    out.append(f'<meta name="dcterms.modified"{attr("content", m.modified)}/>')
    out.append('<meta name="generator" content="pubbuild"/>')
    return "\n".join(out) + "\n"


def cover(pub: Publication, cover_src: str | None, geometry: PageGeometry) -> str:
    """The cover page: the manifest's cover image, else a typographic one (an SVG
    image, so that the structure tree holds one described figure, not a second
    copy of the title page)."""
    alt = label("cover_of", pub.meta.language, title=pub.meta.title) + (
        f" - {pub.meta.subtitle}" if pub.meta.subtitle else "")
    src = cover_src or svg_data_uri(generated_cover(pub, geometry))
    return (f'<section class="cover" id="cover">\n<img class="cover-image"{attr("src", src)}'
            f'{attr("alt", alt)}/>\n</section>\n')


def generated_cover(pub: Publication, geometry: PageGeometry) -> str:
    """An SVG cover with the page's proportions: title, subtitle, creators."""
    w = 600
    h = round(w * geometry.height / geometry.width)
    lines = textwrap.wrap(pub.meta.title, 20)[:5]
    sub = textwrap.wrap(pub.meta.subtitle or "", 32)[:3]
    y = round(h * 0.42) - 28 * len(lines)
    texts = []
    for line in lines:
        texts.append(f'<text x="{w // 2}" y="{y}" font-size="46" font-weight="bold" '
                     f'text-anchor="middle">{escape(line)}</text>')
        y += 58
    y += 18
    for line in sub:
        texts.append(f'<text x="{w // 2}" y="{y}" font-size="26" font-style="italic" '
                     f'text-anchor="middle">{escape(line)}</text>')
        y += 36
    creators = ", ".join(c.name for c in pub.meta.creators)[:60]
    if creators:
        texts.append(f'<text x="{w // 2}" y="{h - 110}" font-size="24" '
                     f'text-anchor="middle">{escape(creators)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
            f'<rect width="{w}" height="{h}" fill="#f4f1ea"/>'
            f'<rect x="36" y="36" width="{w - 72}" height="{h - 72}" fill="none" stroke="#1f3a5f" '
            f'stroke-width="5"/><g font-family=\'{TEXT_STACK}\' fill="#1f1f1f">'
            + "".join(texts) + "</g></svg>")


def svg_data_uri(svg: str) -> str:
    from urllib.parse import quote

    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe="")


def title_page(pub: Publication) -> str:
    """Title, creators, publisher, date, description, rights."""
    m = pub.meta
    out = [f'<section class="titlepage" id="titlepage"{attr("aria-label", label("title_page", m.language))}>\n',
           f'<p class="pub-title">{escape(m.title)}</p>\n']
    if m.subtitle:
        out.append(f'<p class="pub-subtitle">{escape(m.subtitle)}</p>\n')
    out.append(title_page_details(m))
    out.append("</section>\n")
    return "".join(out)


def contents(pub: Publication) -> str:
    """The table of contents: the generated matter and the introduction, each part with
    its articles nested under it, the back matter.  The stylesheet adds leaders and
    page numbers (``target-counter``) after each entry's link."""
    lang = pub.meta.language
    items = [pack.toc_entry(matter.title, f"{matter.id}-title", "toc-matter")
             for matter in pub.front_matter]
    if pub.introduction:
        items.append(pack.toc_entry(label("introduction", lang), f"{INTRODUCTION_ID}-title", "toc-matter"))
    for part, articles in pack.groups(pub):
        entries = "".join(_toc_article(a, lang) for a in articles)
        if part is None:
            items.append(entries)
        else:
            items.append(pack.toc_entry(part.title, f"{part.id}-title", "toc-part",
                                        f"\n<ol>\n{entries}</ol>\n"))
    items += [pack.toc_entry(matter.title, f"{matter.id}-title", "toc-matter")
              for matter in pub.back_matter]
    return ('<nav class="toc" id="nav" aria-labelledby="toc-title">\n'
            f'<h1 id="toc-title">{escape(label("contents", lang))}</h1>\n'
            f'<ol>\n{"".join(items)}</ol>\n</nav>\n')


def _toc_article(article: Article, language: str) -> str:
    byline = (f'<span class="toc-byline">{escape(", ".join(article.meta.authors))}</span>'
              if article.meta.authors else "")
    lang = article.meta.language if article.meta.language != language else None
    return (f'<li{lang_attrs(lang, False, language)}><a class="toc-link" href="#{escape(article.slug)}-title">'
            f"{escape(title_text(article))}</a>{byline}</li>\n")


def _visible(html: str) -> str:
    return unescape(_TAG.sub(" ", html))


__all__ = [
    "Article",
    "PdfXhtmlWriter",
    "PrintDocument",
    "build_document",
    "running_title",
]
