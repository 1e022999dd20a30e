"""EPUB 3 backend (ebooklib), with the accessibility metadata derived from content.

Recipe (:meth:`EpubBackend.write`): collect images -> render content
documents -> title page, cover, nav, NCX -> metadata -> write with
:class:`DeterministicEpubWriter`, which works around ebooklib 0.20's defects
(no ``xml:lang`` on the package, ``spine toc`` without an NCX, zip entries
stamped with the current time, swallowed write errors).
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import logging
import mimetypes
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote_to_bytes

from ebooklib import epub
from lxml import etree

from .. import diagnostics
from ..errors import BuildError
from ..model import Article, Image, Publication, Section, Table
from ..textutil import images as all_images
from ..textutil import plain_text, walk_blocks
from ..writer.xhtml import XhtmlWriter, attr, lang_attrs, title_text
from . import register
from .base import Backend

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).resolve().parents[3] / "styles" / "epub.css"
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}
RELATORS = {"author": "aut", "editor": "edt", "compiler": "com", "translator": "trl",
            "contributor": "ctb"}
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def xhtml_document(title: str, lang: str, body: str, css: str | None = "css/epub.css",
                   body_attrs: str = "") -> str:
    """A complete XHTML content document."""
    link = f'<link rel="stylesheet" type="text/css" href="{css}"/>\n' if css else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f"{lang_attrs(lang)}>\n<head>\n<meta charset=\"utf-8\"/>\n<title>{escape(title)}</title>\n"
        f"{link}</head>\n<body{body_attrs}>\n{body}</body>\n</html>\n")


class EpubXhtmlWriter(XhtmlWriter):
    """The shared writer with EPUB structural semantics."""

    epub_types = True


@dataclass
class _Packaged:
    """Images packaged into the EPUB: source key -> package href."""

    items: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    """key -> (href, media type, data)."""


@register
class EpubBackend(Backend):
    """EPUB 3 with navigation, accessibility metadata and a deterministic zip."""

    name = "epub"
    suffix = ".epub"
    description = "EPUB 3 for e-readers and screen readers"

    # ------------------------------------------------------------ images

    def _package_image(self, image: Image, pub: Publication, packaged: _Packaged,
                       article: Article) -> str | None:
        data = media = None
        if image.local is not None:
            media = MEDIA_TYPES.get(image.local.suffix.lower())
            if media is None:
                return None
            data = image.local.read_bytes()
        elif image.src.startswith("data:"):
            head, _, payload = image.src.partition(",")
            media = head[5:].split(";")[0].lower()
            if media not in MEDIA_TYPES.values():
                return None
            try:
                data = base64.b64decode(payload) if ";base64" in head else unquote_to_bytes(payload)
            except ValueError:
                return None
        else:
            if image.src.startswith(("http://", "https://")) and not self.options.allow_network:
                self.diagnostics.append(diagnostics.make(
                    "A002", f"remote image {image.src} not fetched (use --allow-network)",
                    str(article.source.name) if article.source else None))
            return None
        if media == "image/svg+xml":
            data = sanitize_svg(data)
        digest = hashlib.sha256(data).hexdigest()[:16]
        ext = {v: k for k, v in MEDIA_TYPES.items() if k != ".jpeg"}[media]
        href = f"images/{digest}{ext}"
        packaged.items[href] = (href, media, data)
        return href

    # ------------------------------------------------------------ write

    def write(self, pub: Publication, target: Path) -> None:
        book = epub.EpubBook()
        book.FOLDER_NAME = "EPUB"
        lang = pub.meta.language
        packaged = _Packaged()
        docs: list[tuple[str, str, str]] = []  # (id, href, content)
        toc: list[tuple[str, str, list]] = []   # (label, href, children)

        # title page first, so the reading order opens with it
        docs.append(("titlepage", "titlepage.xhtml", xhtml_document(
            pub.meta.title, lang, self.title_page(pub), body_attrs="")))

        for n, article in enumerate(pub.articles, 1):
            href = f"{article.slug or f'article-{n}'}.xhtml"
            alang = article.meta.language or lang

            def image_src(image: Image, article=article) -> str | None:
                return self._package_image(image, pub, packaged, article)

            writer = EpubXhtmlWriter(article, language=alang, image_src=image_src)
            body = (f'<section epub:type="chapter" role="doc-chapter" aria-labelledby="title">\n'
                    f"{writer.article_body()}</section>\n")
            docs.append((f"a{n}", href, xhtml_document(title_text(article), alang, body)))
            toc.append((title_text(article), f"{href}#title",
                        _section_toc(article.blocks, href)))

        cover_href = self._cover(book, pub, packaged)
        if cover_href:
            docs.insert(0, ("cover", "cover.xhtml", xhtml_document(
                pub.meta.title, lang,
                f'<section epub:type="cover" class="cover">\n'
                f'<img role="doc-cover" src="{cover_href}" alt="{escape(self.cover_alt(pub), quote=True)}"/>\n</section>\n')))

        nav = self.nav_document(pub, toc, first=docs[1 if cover_href else 0][1],
                                body_start=f"{pub.articles[0].slug}.xhtml" if pub.articles else "")
        ncx = self.ncx_document(pub, toc)

        css = STYLESHEET.read_bytes()
        book.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                                    content=css))
        nav_item = epub.EpubItem(uid="nav", file_name="nav.xhtml",
                                 media_type="application/xhtml+xml", content=nav.encode())
        nav_item.properties = ["nav"]
        ncx_item = epub.EpubItem(uid="ncx", file_name="toc.ncx",
                                 media_type="application/x-dtbncx+xml", content=ncx.encode())
        spine = []
        for uid, href, content in docs:
            item = epub.EpubItem(uid=uid, file_name=href, media_type="application/xhtml+xml",
                                 content=content.encode())
            book.add_item(item)
            spine.append(item)
            if uid == "titlepage":
                book.add_item(nav_item)
                spine.append(nav_item)
        book.add_item(ncx_item)
        for href, (_, media, data) in sorted(packaged.items.items()):
            item = epub.EpubItem(uid="img-" + Path(href).stem, file_name=href, media_type=media,
                                 content=data)
            if href == cover_href:
                item.properties = ["cover-image"]
            book.add_item(item)
        book.spine = spine
        self.metadata(book, pub, packaged)

        writer = DeterministicEpubWriter(str(target), book, {
            "epub3_pages": False, "epub2_guide": False, "epub3_landmark": False,
            "raise_exceptions": True, "mtime": _parse_stamp(pub.meta.modified)})
        try:
            writer.process()
            writer.write()
        except OSError as exc:
            raise BuildError(f"{target}: cannot write EPUB: {exc}") from None

    # ------------------------------------------------------------ front matter

    def title_page(self, pub: Publication) -> str:
        m = pub.meta
        out = ['<section epub:type="titlepage" class="titlepage" aria-label="Title page">\n',
               f"<h1>{escape(m.title)}</h1>\n"]
        if m.subtitle:
            out.append(f'<p class="subtitle" role="doc-subtitle">{escape(m.subtitle)}</p>\n')
        for c in m.creators:
            role = "" if c.role == "author" else f" ({c.role})"
            out.append(f'<p class="creator">{escape(c.name)}{escape(role)}</p>\n')
        if m.publisher:
            out.append(f'<p class="publisher">{escape(m.publisher)}</p>\n')
        if m.date:
            out.append(f'<p class="date"><time datetime="{escape(m.date)}">{escape(m.date)}</time></p>\n')
        if m.rights:
            out.append(f'<p class="rights">{escape(m.rights)}</p>\n')
        out.append("</section>\n")
        return "".join(out)

    def cover_alt(self, pub: Publication) -> str:
        text = f"Cover: {pub.meta.title}"
        if pub.meta.subtitle:
            text += f" - {pub.meta.subtitle}"
        return text

    def _cover(self, book, pub: Publication, packaged: _Packaged) -> str | None:
        if pub.meta.cover is not None:
            media = MEDIA_TYPES.get(pub.meta.cover.suffix.lower())
            if media is None:
                raise BuildError(f"{pub.meta.cover}: cover must be PNG, JPEG or SVG")
            image = Image(src=str(pub.meta.cover), alt=self.cover_alt(pub), local=pub.meta.cover)
            return self._package_image(image, pub, packaged, Article(meta=None))
        data = generated_cover(pub).encode()
        href = "images/cover.svg"
        packaged.items[href] = (href, "image/svg+xml", data)
        return href

    # ------------------------------------------------------------ navigation

    def nav_document(self, pub: Publication, toc: list, first: str, body_start: str) -> str:
        def items(entries, depth=0) -> str:
            if not entries:
                return ""
            lis = "".join(f'<li><a href="{escape(h, quote=True)}">{escape(label)}</a>{items(kids, depth + 1)}</li>\n'
                          for label, h, kids in entries)
            return f"\n<ol>\n{lis}</ol>\n"

        body = (f'<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-title">\n'
                f'<h1 id="toc-title">Contents</h1>{items(toc)}</nav>\n'
                f'<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">\n'
                f'<h2 id="landmarks-title">Landmarks</h2>\n<ol>\n'
                f'<li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>\n'
                f'<li><a epub:type="titlepage" href="titlepage.xhtml">Title page</a></li>\n'
                + (f'<li><a epub:type="bodymatter" href="{escape(body_start)}">Start of content</a></li>\n'
                   if body_start else "")
                + "</ol>\n</nav>\n")
        return xhtml_document("Contents", pub.meta.language, body)

    def ncx_document(self, pub: Publication, toc: list) -> str:
        counter = [0]

        def points(entries) -> str:
            out = []
            for label, href, kids in entries:
                counter[0] += 1
                out.append(f'<navPoint id="np{counter[0]}"><navLabel><text>{escape(label)}</text>'
                           f'</navLabel><content src="{escape(href, quote=True)}"/>{points(kids)}</navPoint>\n')
            return "".join(out)

        nav_map = points(toc)
        depth = _depth(toc)
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"{attr("xml:lang", pub.meta.language)}>\n'
                f'<head><meta name="dtb:uid" content="{escape(pub.meta.identifier, quote=True)}"/>'
                f'<meta name="dtb:depth" content="{depth}"/><meta name="dtb:totalPageCount" content="0"/>'
                f'<meta name="dtb:maxPageNumber" content="0"/></head>\n'
                f"<docTitle><text>{escape(pub.meta.title)}</text></docTitle>\n"
                f"<navMap>\n{nav_map}</navMap>\n</ncx>\n")

    # ------------------------------------------------------------ metadata

    def metadata(self, book, pub: Publication, packaged: _Packaged) -> None:
        m = pub.meta
        book.set_identifier(m.identifier)
        book.set_title(m.title)
        book.set_language(m.language)
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
        for article in pub.articles:
            if article.meta.source_url:
                book.add_metadata("DC", "source", article.meta.source_url)
        for prop, values in accessibility_metadata(pub).items():
            for value in values:
                book.add_metadata(None, "meta", value, {"property": prop})


class DeterministicEpubWriter(epub.EpubWriter):
    """ebooklib's writer with its defects worked around."""

    def write(self) -> None:
        stamp = self.options["mtime"].timetuple()[:6]
        self.out = _FixedZip(self.file_name, stamp)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()

    def _write_opf_file(self, root) -> None:
        lang = self.book.language
        if lang:  # ebooklib sets no language on the package element
            root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        root.set("dir", "ltr")
        super()._write_opf_file(root)

    def _write_opf_spine(self, root, ncx_id) -> None:
        ncx = next((i.id for i in self.book.get_items()
                    if i.media_type == "application/x-dtbncx+xml"), None)
        spine = etree.SubElement(root, "spine", {"toc": ncx} if ncx else {})
        for item in self.book.spine:
            etree.SubElement(spine, "itemref", {"idref": item.get_id()})


class _FixedZip(zipfile.ZipFile):
    """A zip whose entries carry one fixed timestamp and fixed permissions."""

    def __init__(self, name: str, stamp: tuple) -> None:
        super().__init__(name, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
        self._stamp = max(stamp, (1980, 1, 1, 0, 0, 0))

    def writestr(self, name, data, compress_type=None, compresslevel=None):  # noqa: D102
        if isinstance(name, zipfile.ZipInfo):
            name = name.filename
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress_type is None else compress_type
        info.external_attr = 0o644 << 16
        info.create_system = 3
        super().writestr(info, data, compresslevel=compresslevel)


# ------------------------------------------------------------------ helpers


def _section_toc(blocks, href: str, depth: int = 0) -> list:
    out = []
    if depth >= 2:
        return out
    for block in blocks:
        if isinstance(block, Section):
            out.append((plain_text(block.heading.children), f"{href}#{block.heading.id}",
                        _section_toc(block.children, href, depth + 1)))
    return out


def _depth(entries) -> int:
    return 1 + max((_depth(k) for _, _, k in entries), default=0) if entries else 0


def _parse_stamp(stamp: str) -> _dt.datetime:
    return _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def sanitize_svg(data: bytes) -> bytes:
    """Remove what can execute or reach outside the file from an SVG."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BuildError(f"invalid SVG image: {exc}") from None
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in ("script", "foreignObject", "iframe", "handler", "listener"):
            el.getparent().remove(el)
            continue
        for name in list(el.attrib):
            lname = etree.QName(name).localname.lower()
            value = el.attrib[name].strip().lower()
            if lname.startswith("on"):
                del el.attrib[name]
            elif lname == "href" and not value.startswith("#"):
                del el.attrib[name]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def generated_cover(pub: Publication) -> str:
    """An SVG cover from the title and subtitle (text, so it stays sharp)."""
    import textwrap

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
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 600 900" '
            'width="600" height="900" role="img" aria-labelledby="cover-title">\n'
            f'<title id="cover-title">{escape(pub.meta.title)}</title>\n'
            '<rect width="600" height="900" fill="#f4f1ea"/>\n'
            '<rect x="40" y="40" width="520" height="820" fill="none" stroke="#1f3a5f" stroke-width="6"/>\n'
            f'<g font-family="serif" fill="#1f1f1f">\n' + "\n".join(texts) + "\n</g>\n</svg>\n")


def accessibility_metadata(pub: Publication) -> dict[str, list[str]]:
    """schema.org accessibility metadata derived from what the book contains."""
    imgs = [i for a in pub.articles for i in all_images(a.blocks)]
    content_imgs = [i for i in imgs if not i.decorative]
    missing_alt = [i for i in content_imgs if not i.alt]
    tables = sum(1 for a in pub.articles for b in walk_blocks(a.blocks) if isinstance(b, Table))
    has_sections = any(isinstance(b, Section) for a in pub.articles for b in a.blocks)
    modes = ["textual", "visual"]  # every book has a cover image
    sufficient = ["textual"] if not missing_alt else []
    sufficient.append(",".join(modes))
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"]
    if content_imgs and not missing_alt:
        features.append("alternativeText")
    summary = accessibility_summary(pub, len(content_imgs), len(missing_alt), tables, has_sections)
    out = {
        "schema:accessMode": modes,
        "schema:accessModeSufficient": sufficient,
        "schema:accessibilityFeature": features,
        "schema:accessibilityHazard": ["none"],
        "schema:accessibilitySummary": [summary],
    }
    if pub.meta.certifier and not missing_alt:
        out["dcterms:conformsTo"] = [CONFORMANCE]
        out["a11y:certifiedBy"] = [pub.meta.certifier]
    return out


def accessibility_summary(pub: Publication, n_images: int, n_missing: int, n_tables: int,
                          has_sections: bool) -> str:
    """One paragraph describing what this book offers a reader who cannot see it."""
    n = len(pub.articles)
    parts = [f"This publication contains {n} article{'s' * (n != 1)} as reflowable text "
             "with a navigable table of contents"
             + (" and section headings" if has_sections else "") + "; the reading order follows "
             "the original sources."]
    if n_images:
        if n_missing:
            parts.append(f"{n_images - n_missing} of {n_images} images have text alternatives; "
                         f"{n_missing} do not, so some visual content is not available as text.")
        else:
            parts.append(f"All {n_images} images have text alternatives.")
    else:
        parts.append("Apart from the cover, it has no images.")
    if n_tables:
        parts.append(f"{n_tables} data table{'s' * (n_tables != 1)} with header cells.")
    parts.append("There are no known hazards (no animation, sound or flashing content).")
    return " ".join(parts)
