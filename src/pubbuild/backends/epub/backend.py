"""EPUB 3 backend (ebooklib), with accessibility metadata derived from the content.

Recipe (:meth:`EpubBackend.write`): render one content document per article
(packaging its images as it goes) -> cover, title page, nav, NCX -> metadata
-> write with :class:`~.packaging.DeterministicEpubWriter`.  Images live in
:mod:`.images`, the accessibility claims in :mod:`.accessibility`, the
ebooklib work-arounds in :mod:`.packaging`.
"""

from __future__ import annotations

import logging
import textwrap
from html import escape
from pathlib import Path

from ebooklib import epub

from ... import diagnostics
from ...errors import BuildError, OutputError
from ...facts import ContentFacts, count_content, plan_images, primary_language, where
from ...labels import label, label_language
from ...model import Article, Image, Matter, Part, Publication, Section
from ...resources import styles_dir
from ...styles import project_stylesheet
from ...textutil import plain_text
from ...writer.bidi import direction
from ...writer.shared_sections import (
    INTRODUCTION_ID,
    editor_note,
    introduction_section,
    matter_section,
    part_opener,
    title_page_details,
)
from ...writer.xhtml import XhtmlWriter, attr, lang_attrs, title_text
from ..base import Backend
from ..registry import register
from .accessibility import accessibility_metadata, conformance_problems
from .images import ImagePackager, ImageProblem
from .packaging import DeterministicEpubWriter, parse_stamp, set_generator
from .page_markers import PagedDocs, apply_page_map, ncx_page_list, page_break_source, page_list

logger = logging.getLogger(__name__)

STYLESHEET = styles_dir() / "epub.css"
CSS_HREF = "styles/epub.css"
#: The project's own stylesheet (:mod:`pubbuild.styles`), linked after the house one.
PROJECT_CSS_HREF = "styles/project.css"
RELATORS = {"author": "aut", "editor": "edt", "compiler": "com", "translator": "trl",
            "contributor": "ctb"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: How deep the table of contents goes below the article titles.
TOC_DEPTH = 2
#: Structural semantics of generated matter that get a landmark.
LANDMARK_TYPES = {"preface", "foreword", "bibliography", "glossary", "index", "colophon",
                  "acknowledgments", "appendix"}


def xhtml_document(title: str, lang: str, body: str, css: str | None = CSS_HREF,
                   body_attrs: str = "") -> str:
    """A complete XHTML content document: ``lang`` and ``xml:lang`` on ``html``, and
    ``dir`` for right-to-left languages."""
    link = f'<link rel="stylesheet" type="text/css" href="{css}"/>\n' if css else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f"{lang_attrs(lang)}>\n<head>\n<meta charset=\"utf-8\"/>\n<title>{escape(title)}</title>\n"
        f"{link}</head>\n<body{body_attrs}>\n{body}</body>\n</html>\n")


class EpubXhtmlWriter(XhtmlWriter):
    """The shared writer with EPUB structural semantics (``epub:type`` beside each role)."""

    epub_types = True


@register
class EpubBackend(Backend):
    """EPUB 3 with navigation, accessibility metadata and a deterministic zip."""

    name = "epub"
    suffix = ".epub"
    media_type = "application/epub+zip"
    description = "EPUB 3 for e-readers and screen readers"
    validator = "EPUBCheck"

    @classmethod
    def validate(cls, path: Path) -> tuple[bool, list]:
        from .validate import epubcheck

        return epubcheck(path)

    # ------------------------------------------------------------ write

    def write(self, pub: Publication, target: Path) -> None:
        lang = pub.meta.language
        plan = self.image_plan
        if plan is None:  # not through the pipeline: decide here, the pipeline's way
            plan = plan_images(pub, self.options.allow_network)
            self.diagnostics.extend(plan.diagnostics)
        images = plan.packager
        facts = count_content(pub, plan)
        facts.diagnostic_codes.update(d.code for d in plan.diagnostics)
        cover_href = self.cover(pub, images)
        docs, toc, landmarks = self.reading_order(pub, images, facts, cover_href)
        if pub.meta.certifier and conformance_problems(facts):
            self.diagnostics.append(diagnostics.make(
                "E002", "accessibility conformance claim withheld: "
                + "; ".join(conformance_problems(facts))))

        nav_at = next(n for n, (uid, _, _) in enumerate(docs) if uid == "nav")
        docs[nav_at] = ("nav", "nav.xhtml", self.nav_document(pub, toc, landmarks))
        paged = apply_page_map(docs, self.received_page_map) if self.received_page_map else None
        ncx_pages = ""
        if paged is not None and paged.inserted:
            docs = paged.docs
            facts.page_breaks = paged.inserted
            hrefs = {href.removesuffix(".xhtml"): href for _, href, _ in docs}
            uid, href, nav = docs[nav_at]
            docs[nav_at] = (uid, href, nav.replace(
                "</body>", page_list(paged, hrefs, _ui_lang(lang), label("pages", lang)) + "</body>", 1))
            ncx_pages = ncx_page_list(paged, hrefs)
        book = self.assemble(pub, docs, self.ncx_document(pub, toc, paged, ncx_pages),
                             images, cover_href)
        self.metadata(book, pub, facts)
        writer = DeterministicEpubWriter(str(target), book, {
            "epub3_pages": False, "epub2_guide": False, "epub3_landmark": False,
            "raise_exceptions": True, "mtime": parse_stamp(pub.meta.modified)},
            direction=direction(lang))
        try:
            writer.process()
            writer.write()
        except OSError as exc:
            raise OutputError(f"{target}: cannot write EPUB: {exc.strerror or exc}") from None

    def reading_order(self, pub: Publication, images: ImagePackager, facts: ContentFacts,
                      cover_href: str) -> tuple[list, list, list]:
        """The content documents ``(uid, href, xhtml)`` in spine order (the nav's content
        left ``None``), the table of contents ``(label, href, children, lang)`` and the
        landmarks ``(epub:type, href, label)``.

        Cover, title page, generated front matter, the editor's introduction, the
        contents, then each part's opener followed by its articles (or the articles
        alone), then the generated back matter.
        """
        lang = pub.meta.language
        own_images = self._image_source(None, pub, images, facts)
        docs: list[tuple[str, str, str | None]] = []
        toc: list[tuple[str, str, list, str | None]] = []
        landmarks = [("cover", "cover.xhtml", label("cover", lang)),
                     ("titlepage", "titlepage.xhtml", label("title_page", lang))]
        docs.append(("cover", "cover.xhtml", xhtml_document(
            label("cover", lang), lang, self.cover_page(pub, cover_href))))
        docs.append(("titlepage", "titlepage.xhtml", xhtml_document(
            pub.meta.title, lang, self.title_page(pub))))
        for matter in pub.front_matter:
            self._matter_doc(matter, lang, own_images, docs, toc, landmarks)
        if pub.introduction:
            href, title = f"{INTRODUCTION_ID}.xhtml", label("introduction", lang)
            docs.append((INTRODUCTION_ID, href, xhtml_document(title, lang, introduction_section(
                EpubXhtmlWriter, pub.introduction, lang, image_src=own_images))))
            toc.append((title, f"{href}#{INTRODUCTION_ID}-title", [], None))
            landmarks.append(("introduction", href, title))
        docs.append(("nav", "nav.xhtml", None))
        landmarks.append(("toc", "nav.xhtml#toc", label("contents", lang)))
        in_parts = {id(a) for part in pub.parts for a in part.articles}
        groups: list[tuple[Part | None, list[Article]]] = [(part, part.articles) for part in pub.parts]
        rest = [a for a in pub.articles if id(a) not in in_parts]  # all of them without parts
        if rest:
            groups.append((None, rest))
        number = {id(a): n for n, a in enumerate(pub.articles, 1)}
        for part, articles in groups:
            entries = toc
            if part is not None:
                href = f"{part.id}.xhtml"
                docs.append((part.id, href, xhtml_document(part.title, lang, part_opener(
                    EpubXhtmlWriter, part, lang, image_src=own_images))))
                entries = []
                toc.append((part.title, f"{href}#{part.id}-title", entries, None))
            for article in articles:
                self._article_doc(article, number[id(article)], pub, images, facts, own_images,
                                  docs, entries)
        body = next((href for uid, href, _ in docs[docs.index(("nav", "nav.xhtml", None)) + 1:]), None)
        if body is not None:
            landmarks.append(("bodymatter", body, label("start_of_content", lang)))
        for matter in pub.back_matter:
            self._matter_doc(matter, lang, own_images, docs, toc, landmarks)
        return docs, toc, landmarks

    def _matter_doc(self, matter: Matter, lang: str, image_src, docs: list, toc: list,
                    landmarks: list) -> None:
        href = f"{matter.id}.xhtml"
        docs.append((matter.id, href, xhtml_document(matter.title, lang, matter_section(
            EpubXhtmlWriter, matter, lang, image_src=image_src))))
        toc.append((matter.title, f"{href}#{matter.id}-title", [], None))
        if matter.epub_type in LANDMARK_TYPES:
            landmarks.append((matter.epub_type, href, matter.title))

    def _article_doc(self, article: Article, n: int, pub: Publication, images: ImagePackager,
                     facts: ContentFacts, own_images, docs: list, toc: list) -> None:
        lang = pub.meta.language
        href = f"{article.slug or f'article-{n}'}.xhtml"
        alang = article.meta.language or lang
        writer = EpubXhtmlWriter(article, language=alang,
                                 image_src=self._image_source(article, pub, images, facts))
        note = editor_note(EpubXhtmlWriter, article.editor_note_blocks, lang,
                           context_lang=alang, image_src=own_images)
        body = (f'<section epub:type="chapter" role="doc-chapter" aria-labelledby="title">\n'
                f"{writer.article_body(note)}</section>\n")
        docs.append((f"a{n}", href, xhtml_document(title_text(article), alang, body)))
        toc.append((title_text(article), f"{href}#title", _section_toc(article.blocks, href),
                    alang if primary_language(alang) != primary_language(lang) else None))

    def _image_source(self, article: Article | None, pub: Publication, images: ImagePackager,
                      facts: ContentFacts):
        """The writer's image hook: the image's href in the package (decided by the
        build's :class:`~pubbuild.facts.ImagePlan`; the packager keeps each decision)."""
        place = where(article, pub.root)

        def image_src(image: Image) -> str | None:
            return images.package(image, place)
        return image_src

    def assemble(self, pub: Publication, docs: list, ncx: str, images: ImagePackager,
                 cover_href: str) -> epub.EpubBook:
        """The ebooklib book: stylesheet, documents in spine order (the nav among them),
        NCX and images, every item added raw so ebooklib does not rewrite it."""
        book = epub.EpubBook()
        book.FOLDER_NAME = "EPUB"
        book.add_item(epub.EpubItem(uid="css", file_name=CSS_HREF, media_type="text/css",
                                    content=STYLESHEET.read_bytes()))
        own = project_stylesheet(pub.root, "epub.css", self.diagnostics)
        if own is not None:
            book.add_item(epub.EpubItem(uid="css-project", file_name=PROJECT_CSS_HREF,
                                        media_type="text/css", content=own.encode()))
            house = f'<link rel="stylesheet" type="text/css" href="{CSS_HREF}"/>\n'
            docs = [(uid, href, content.replace(house, house + house.replace(CSS_HREF, PROJECT_CSS_HREF), 1))
                    for uid, href, content in docs]
        spine = []
        for uid, href, content in docs:
            item = epub.EpubItem(uid=uid, file_name=href, media_type="application/xhtml+xml",
                                 content=content.encode())
            if uid == "nav":
                item.properties = ["nav"]
            book.add_item(item)
            spine.append(item)
        book.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx",
                                    media_type="application/x-dtbncx+xml", content=ncx.encode()))
        for href, image in sorted(images.items.items()):
            item = epub.EpubItem(uid="img-" + Path(href).stem, file_name=href,
                                 media_type=image.media_type, content=image.data)
            if href == cover_href:
                item.properties = ["cover-image"]
            book.add_item(item)
        book.spine = spine
        return book

    # ------------------------------------------------------------ front matter

    def cover(self, pub: Publication, images: ImagePackager) -> str:
        """The cover image's href: the manifest's image, else one generated from the title."""
        if pub.meta.cover is not None:
            try:
                return images.add(pub.meta.cover.read_bytes(), name_hint="cover")
            except (ImageProblem, OSError) as exc:
                raise BuildError(f"{_relative(pub.meta.cover, pub.root)}: cover image "
                                 f"cannot be used: {exc}") from None
        return images.add(generated_cover(pub).encode(), name_hint="cover")

    def cover_alt(self, pub: Publication) -> str:
        text = label("cover_of", pub.meta.language, title=pub.meta.title)
        if pub.meta.subtitle:
            text += f": {pub.meta.subtitle}"
        return text

    def cover_page(self, pub: Publication, href: str) -> str:
        return (f'<section epub:type="cover" class="cover">\n'
                f'<img role="doc-cover" src="{escape(href, quote=True)}" '
                f'alt="{escape(self.cover_alt(pub), quote=True)}"/>\n</section>\n')

    def title_page(self, pub: Publication) -> str:
        m = pub.meta
        out = ['<section epub:type="titlepage" class="titlepage" aria-labelledby="book-title">\n',
               f'<h1 id="book-title">{escape(m.title)}</h1>\n']
        if m.subtitle:
            out.append(f'<p class="subtitle" epub:type="subtitle" role="doc-subtitle">'
                       f"{escape(m.subtitle)}</p>\n")
        out.append(title_page_details(m))
        out.append("</section>\n")
        return "".join(out)

    # ------------------------------------------------------------ navigation

    def nav_document(self, pub: Publication, toc: list, landmarks: list) -> str:
        def items(entries) -> str:
            if not entries:
                return ""
            context = pub.meta.language
            lis = "".join(f'<li><a href="{escape(h, quote=True)}"{lang_attrs(lang, context=context)}>'
                          f"{escape(label)}</a>{items(kids)}</li>\n" for label, h, kids, lang in entries)
            return f"\n<ol>\n{lis}</ol>\n"

        lang = pub.meta.language
        ui = _ui_lang(lang)
        body = (f'<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-title">\n'
                f'<h1 id="toc-title"{ui}>{escape(label("contents", lang))}</h1>{items(toc)}</nav>\n'
                f'<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">\n'
                f'<h2 id="landmarks-title"{ui}>{escape(label("landmarks", lang))}</h2>\n<ol>\n'
                + "".join(f'<li><a epub:type="{t}" href="{escape(h, quote=True)}"{ui}>{escape(label)}</a></li>\n'
                          for t, h, label in landmarks)
                + "</ol>\n</nav>\n")
        return xhtml_document(label("contents", lang), lang, body)

    def ncx_document(self, pub: Publication, toc: list, paged: PagedDocs | None = None,
                     page_list: str = "") -> str:
        """The NCX for EPUB 2 reading systems: the same table of contents and, with print
        page numbers, their ``pageList``."""
        counter = [0]
        numbers = [int(b.label) for b in paged.breaks if b.label.isdigit()] if page_list and paged else []

        def points(entries) -> str:
            out = []
            for text, href, kids, _ in entries:
                counter[0] += 1
                out.append(f'<navPoint id="np{counter[0]}"><navLabel><text>{escape(text)}</text>'
                           f'</navLabel><content src="{escape(href, quote=True)}"/>{points(kids)}</navPoint>\n')
            return "".join(out)

        nav_map = points(toc)
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"{attr("xml:lang", pub.meta.language)}>\n'
                f'<head><meta name="dtb:uid" content="{escape(pub.meta.identifier, quote=True)}"/>'
                f'<meta name="dtb:depth" content="{_depth(toc)}"/>'
                f'<meta name="dtb:totalPageCount" content="{len(numbers)}"/>'
                f'<meta name="dtb:maxPageNumber" content="{max(numbers, default=0)}"/></head>\n'
                f"<docTitle><text>{escape(pub.meta.title)}</text></docTitle>\n"
                f"<navMap>\n{nav_map}</navMap>\n{page_list}</ncx>\n")

    # ------------------------------------------------------------ metadata

    def metadata(self, book: epub.EpubBook, pub: Publication, facts: ContentFacts) -> None:
        m = pub.meta
        book.set_identifier(m.identifier)
        book.set_unique_metadata("DC", "title", m.title, {"id": "title"})
        book.title = m.title
        book.set_language(m.language)
        set_generator(book)
        seen = {primary_language(m.language)}
        for article in pub.articles:  # further languages of whole articles
            tag = article.meta.language
            if tag and primary_language(tag) not in seen:
                seen.add(primary_language(tag))
                book.add_metadata("DC", "language", tag)
        if m.subtitle:
            book.add_metadata("DC", "title", m.subtitle, {"id": "subtitle"})
            book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
            book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
        for i, c in enumerate(m.creators, 1):
            tag = "creator" if c.role in ("author", "compiler", "editor") else "contributor"
            book.add_metadata("DC", tag, c.name, {"id": f"creator{i}"})
            book.add_metadata(None, "meta", RELATORS[c.role],
                              {"refines": f"#creator{i}", "property": "role", "scheme": "marc:relators"})
        for key, value in (("publisher", m.publisher), ("date", m.date),
                           ("description", m.description), ("rights", m.rights)):
            if value:
                book.add_metadata("DC", key, value)
        for subject in m.subjects:
            book.add_metadata("DC", "subject", subject)
        for n, article in enumerate(pub.articles, 1):
            book.add_metadata("DC", "source", article_source(article, pub.root), {"id": f"source{n}"})
        for prop, value, extra in accessibility_metadata(pub, facts):
            if prop == "schema:accessibilitySummary" and primary_language(m.language) != "en":
                extra = {**extra, XML_LANG: "en"}  # pubbuild writes the summary in English
            book.add_metadata(None, "meta", value, {"property": prop, **extra})
        if facts.page_breaks:  # which edition the page numbers are those of
            book.add_metadata(None, "meta", page_break_source(m.identifier),
                              {"property": "pageBreakSource"})


# ------------------------------------------------------------------ helpers


def article_source(article: Article, root: Path) -> str:
    """What ``dc:source`` records for an article: its URL, else its site and title,
    else the file it was read from."""
    m = article.meta
    if m.source_url:
        return m.source_url
    if m.site_name:
        return ", ".join(p for p in (m.site_name, m.title, (m.published or "")[:10]) if p)
    return _relative(article.source, root) or m.title


def _ui_lang(lang: str | None) -> str:
    """``lang`` attributes for pubbuild's own labels where they fall back to English in a
    book in another language (:mod:`pubbuild.labels`), so that speech uses the right voice."""
    return lang_attrs("en") if label_language(lang) == "en" and primary_language(lang) != "en" else ""


def _relative(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _section_toc(blocks, href: str, depth: int = 0) -> list:
    if depth >= TOC_DEPTH:
        return []
    return [(plain_text(b.heading.children), f"{href}#{b.heading.id}",
             _section_toc(b.children, href, depth + 1), None)
            for b in blocks if isinstance(b, Section)]


def _depth(entries) -> int:
    return 1 + max((_depth(k) for _, _, k, _ in entries), default=0) if entries else 0


def generated_cover(pub: Publication) -> str:
    """An SVG cover from the title, subtitle and creators (text, so it stays sharp)."""
    lines = textwrap.wrap(pub.meta.title, 22)[:5]
    sub = textwrap.wrap(pub.meta.subtitle or "", 34)[:3]
    y = 420 - 40 * len(lines)
    texts = []
    for line in lines:
        texts.append(f'<text x="300" y="{y}" font-size="44" font-weight="bold" text-anchor="middle">{escape(line)}</text>')
        y += 56
    y += 20
    for line in sub:
        texts.append(f'<text x="300" y="{y}" font-size="26" text-anchor="middle">{escape(line)}</text>')
        y += 36
    creators = ", ".join(c.name for c in pub.meta.creators)[:60]
    if creators:
        texts.append(f'<text x="300" y="760" font-size="24" text-anchor="middle">{escape(creators)}</text>')
    label = escape(", ".join(filter(None, [pub.meta.title, pub.meta.subtitle])))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 600 900" '
            f'width="600" height="900" role="img" aria-labelledby="cover-title"{attr("xml:lang", pub.meta.language)}>\n'
            f'<title id="cover-title">{label}</title>\n'
            '<rect width="600" height="900" fill="#f4f1ea"/>\n'
            '<rect x="40" y="40" width="520" height="820" fill="none" stroke="#1f3a5f" stroke-width="6"/>\n'
            '<g font-family="serif" fill="#1f1f1f">\n' + "\n".join(texts) + "\n</g>\n</svg>\n")
