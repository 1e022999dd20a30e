"""The shared XHTML writer: the model rendered as semantic, accessible XHTML.

Both backends render through :class:`XhtmlWriter`; the EPUB backend adds
``epub:type`` semantics and packaging, the PDF backend adds print furniture.
Rendering dispatches ``render_<node class>`` by node type and fails loudly on a
node it does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from ..labels import date as format_date
from ..labels import label, names
from ..model import (
    Article,
    Cell,
    DefinitionList,
    Figure,
    Heading,
    Image,
    InlineImage,
    LineBreak,
    Link,
    List,
    Note,
    NoteRef,
    Paragraph,
    Preformatted,
    Quote,
    Row,
    Rule,
    Section,
    Span,
    Styled,
    Table,
    Text,
)
from ..textutil import plain_text
from ..urlsafety import safe_link
from .bidi import dir_attr


def attr(name: str, value: str | int | None) -> str:
    """`` name="value"`` escaped, or nothing for None."""
    if value is None or value == "":
        return ""
    return f' {name}="{escape(str(value), quote=True)}"'


#: ASCII characters a URL may not hold as they are (RFC 3986), and a ``%`` that starts no escape.
_URL_ILLEGAL = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})')


def url(value: str) -> str:
    """``value`` as a valid URL: characters a URL may not hold percent-encoded (pages link
    to addresses with spaces, ``|`` or ``"``; EPUBCheck rejects them, RSC-020)."""
    return _URL_ILLEGAL.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), value.strip())


def lang_attrs(lang: str | None, xml: bool = True, context: str | None = None) -> str:
    """``lang`` (and ``xml:lang`` for XHTML) attributes, and ``dir`` when the language runs
    the other way from the ``context`` language (:mod:`.bidi`)."""
    if not lang:
        return ""
    return attr("lang", lang) + (attr("xml:lang", lang) if xml else "") + dir_attr(lang, context)


class XhtmlWriter:
    """Renders one article's model to XHTML fragments.

    Subclasses override the hooks :meth:`semantic`, :meth:`image_src` and the
    ``render_*`` methods they need to specialise.
    """

    #: Whether ``epub:type`` attributes are written (EPUB only).
    epub_types = False
    #: Id stem of the entries of :meth:`link_list` (print only), unique beside its prefix.
    link_stem = "link"

    def __init__(self, article: Article, id_prefix: str = "", language: str | None = None,
                 image_src: Callable[[Image], str | None] | None = None) -> None:
        self.article = article
        self.id_prefix = id_prefix
        self.language = language or article.meta.language
        self._image_src = image_src
        self.heading_offset = 1  # body level 1 renders as h2 (the title is h1)
        self._link_depth = 0  # > 0 while rendering a link's text: links never nest

    # ------------------------------------------------------------ hooks

    def semantic(self, epub_type: str | None, role: str | None) -> str:
        """``epub:type`` (EPUB only) and ``role`` attributes for a structural element."""
        out = attr("epub:type", epub_type) if (self.epub_types and epub_type) else ""
        return out + attr("role", role)

    def image_src(self, image: Image) -> str | None:
        """Where the rendered document finds the image; None when it cannot be shown."""
        if self._image_src is not None:
            return self._image_src(image)
        return image.src or None

    def label(self, key: str, **values: str) -> str:
        """pubbuild's own words (:mod:`pubbuild.labels`) in the language of what is rendered."""
        return label(key, self.language, **values)

    def time(self, value: str) -> str:
        """A date as ``<time>``: ISO 8601 for machines, written out for the language."""
        return (f'<time datetime="{escape(value, quote=True)}">'
                f"{escape(format_date(value, self.language))}</time>")

    def anchor(self, ident: str) -> str:
        """The rendered id for a model id (prefixed to stay unique across articles)."""
        return f"{self.id_prefix}{ident}" if ident else ""

    # ------------------------------------------------------------ dispatch

    def render(self, node) -> str:
        method = getattr(self, "render_" + type(node).__name__.lower(), None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot render {type(node).__name__}")
        return method(node)

    def blocks(self, nodes) -> str:
        return "".join(self.render(n) for n in nodes)

    def inlines(self, nodes) -> str:
        return "".join(self.render(n) for n in nodes)

    # ------------------------------------------------------------ inline

    def render_text(self, node: Text) -> str:
        return escape(node.text, quote=False)

    def render_styled(self, node: Styled) -> str:
        extra = attr("title", node.title) + self.lang_attrs(node.lang) + attr("datetime", node.datetime)
        return f"<{node.kind}{extra}>{self.inlines(node.children)}</{node.kind}>"

    def render_span(self, node: Span) -> str:
        # The span's own dir wins: the language's direction is then not written a second time
        # (context = its own language gives no dir; two dir attributes are no XML).
        lang = (lang_attrs(node.lang, self.xml, context=node.lang) + attr("dir", node.dir) if node.dir
                else self.lang_attrs(node.lang))
        return f"<span{lang}>{self.inlines(node.children)}</span>"

    def render_link(self, node: Link) -> str:
        if self._link_depth:  # a link inside a link (HTML forbids it): its text only
            return self.inlines(node.children)
        href = node.href
        if not safe_link(href):  # the last gate: whatever the model holds, no other scheme goes out
            return self.inlines(node.children)
        if href.startswith("#"):
            href = "#" + self.anchor(href[1:])
        self._link_depth += 1
        try:
            text = self.inlines(node.children)
        finally:
            self._link_depth -= 1
        return f"<a{attr('href', url(href))}{attr('title', node.title)}>{text}</a>"

    def render_linebreak(self, node: LineBreak) -> str:
        return "<br/>"

    def render_noteref(self, node: NoteRef) -> str:
        if self._link_depth:  # inside a link the marker cannot link too
            return f"<sup>{escape(node.label)}</sup>"
        return (f'<sup><a{attr("id", self.anchor(node.id))}{attr("href", "#" + self.anchor(node.note_id))}'
                f'{self.semantic("noteref", "doc-noteref")}>{escape(node.label)}</a></sup>')

    def render_inlineimage(self, node: InlineImage) -> str:
        return self.img(node.image)

    # ------------------------------------------------------------ blocks

    def lang_attrs(self, lang: str | None) -> str:
        """A passage's language, with ``dir`` when it runs the other way from the article's."""
        return lang_attrs(lang, self.xml, self.language)

    @property
    def xml(self) -> bool:
        """Whether ``xml:lang`` is written beside ``lang``."""
        return True

    def render_paragraph(self, node: Paragraph) -> str:
        return f"<p{self.lang_attrs(node.lang)}>{self.inlines(node.children)}</p>\n"

    def render_heading(self, node: Heading) -> str:
        level = min(node.level + self.heading_offset, 6)
        return (f"<h{level}{attr('id', self.anchor(node.id))}{self.lang_attrs(node.lang)}>"
                f"{self.inlines(node.children)}</h{level}>\n")

    def render_section(self, node: Section) -> str:
        label = attr("aria-labelledby", self.anchor(node.heading.id))
        return (f"<section{label}{self.lang_attrs(node.lang)}>\n{self.render_heading(node.heading)}"
                f"{self.blocks(node.children)}</section>\n")

    def render_list(self, node: List) -> str:
        tag = "ol" if node.ordered else "ul"
        items = "".join(f"<li{self.lang_attrs(i.lang)}>{self.item_content(i.children)}</li>\n"
                        for i in node.items)
        return f"<{tag}{attr('start', node.start)}>\n{items}</{tag}>\n"

    def item_content(self, blocks) -> str:
        """A list item or cell holding one paragraph renders it inline (no ``<p>``)."""
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph) and not blocks[0].lang:
            return self.inlines(blocks[0].children)
        return self.blocks(blocks)

    def render_definitionlist(self, node: DefinitionList) -> str:
        """Terms with their descriptions.  HTML allows a ``dl`` only groups of terms
        followed by descriptions; a term without a description (or the reverse), which
        sources do write, is rendered outside the list as the paragraph it is."""
        out: list[str] = []
        group: list[str] = []

        def flush() -> None:
            if group:
                out.append(f"<dl>\n{''.join(group)}</dl>\n")
                group.clear()

        for item in node.items:
            if item.terms and item.descriptions:
                group.extend(f"<dt>{self.inlines(t)}</dt>\n" for t in item.terms)
                group.extend(f"<dd>{self.item_content(d)}</dd>\n" for d in item.descriptions)
                continue
            flush()
            out.extend(f"<p>{self.inlines(t)}</p>\n" for t in item.terms)
            out.extend(self.blocks(d) for d in item.descriptions)
        flush()
        return "".join(out)

    def render_quote(self, node: Quote) -> str:
        # ``cite`` is a reference EPUBCheck wants on HTTPS (RSC-031); readers never show it.
        cite = url(node.cite) if node.cite and node.cite.startswith("https://") else None
        quote = f"<blockquote{attr('cite', cite)}{self.lang_attrs(node.lang)}>\n{self.blocks(node.children)}</blockquote>\n"
        if not node.attribution:
            return quote
        return (f'<figure class="quote">\n{quote}<figcaption>{self.inlines(node.attribution)}'
                f"</figcaption>\n</figure>\n")

    def img(self, image: Image) -> str:
        src = self.image_src(image)
        if src is None:
            return self.missing_image(image)
        # An image the source left undescribed is not decorative: say that it is there.
        alt = "" if image.decorative else (image.alt or self.label("missing_alt"))
        extra = attr("role", "presentation") if image.decorative else ""
        return f'<img{attr("src", url(src) if ":" in src else src)} alt="{escape(alt, quote=True)}"{extra}/>'

    def missing_image(self, image: Image, tag: str = "span") -> str:
        """An image that cannot be shown (not fetched, not found): its text alternative,
        and a link to the original when it lives on the web, so nothing is silently lost.
        A decorative image leaves nothing behind: it carried no information.  Both
        editions say the same."""
        if image.decorative:
            return ""
        alt = escape((image.alt or "").strip())
        if image.src.lower().startswith(("http://", "https://")):
            # through render_link: inside a link it is plain text, on paper the address prints
            link = self.render_link(Link(image.src, [Text(self.label("view_online"))]))
            text = (self.label("image", alt=f"{alt} ({link})") if alt
                    else self.label("image_not_included", link=link))
        else:
            text = self.label("image", alt=alt) if alt else self.label("image_not_available")
        return f'<{tag} class="missing-image">[{text}]</{tag}>'

    def render_figure(self, node: Figure) -> str:
        """A figure: its images (a stand-in for one that cannot be shown is a paragraph
        of its own, so it never runs into the caption), then the caption.  A figure with
        nothing to show and no caption is left out rather than left as an empty box."""
        shown = [self.missing_image(i, "p") if self.image_src(i) is None else self.img(i)
                 for i in node.images]
        shown = [s for s in shown if s]
        if not shown and not node.caption:
            return ""
        caption = f"<figcaption>{self.inlines(node.caption)}</figcaption>\n" if node.caption else ""
        return f"<figure{attr('id', self.anchor(node.id))}>\n" + "\n".join(shown) + f"\n{caption}</figure>\n"

    def render_table(self, node: Table) -> str:
        out = [f"<table{attr('id', self.anchor(node.id))}>\n"]
        if node.caption:
            out.append(f"<caption>{self.inlines(node.caption)}</caption>\n")
        for tag, rows in (("thead", node.head), ("tbody", node.body), ("tfoot", node.foot)):
            if rows:
                out.append(f"<{tag}>\n{''.join(self.render_row(r) for r in rows)}</{tag}>\n")
        out.append("</table>\n")
        return "".join(out)

    def render_row(self, row: Row) -> str:
        return f"<tr>{''.join(self.render_cell(c) for c in row.cells)}</tr>\n"

    def render_cell(self, cell: Cell) -> str:
        tag = "th" if cell.header else "td"
        extra = (attr("id", self.anchor(cell.id)) + attr("scope", cell.scope)
                 + (attr("colspan", cell.colspan) if cell.colspan > 1 else "")
                 + (attr("rowspan", cell.rowspan) if cell.rowspan > 1 else "")
                 + (attr("style", f"text-align: {cell.align}") if cell.align else ""))
        return f"<{tag}{extra}>{self.item_content(cell.children)}</{tag}>"

    def render_preformatted(self, node: Preformatted) -> str:
        text = escape(node.text, quote=False)
        if node.code:
            cls = attr("class", f"language-{node.language}") if node.language else ""
            return f"<pre><code{cls}>{text}</code></pre>\n"
        return f"<pre>{text}</pre>\n"

    def render_rule(self, node: Rule) -> str:
        return "<hr/>\n"

    # ------------------------------------------------------------ article

    def notes(self, notes: list[Note]) -> str:
        """The article's notes as an endnotes section with links back."""
        if not notes:
            return ""
        items = []
        for note in notes:
            back = "".join(
                f' <a{attr("href", "#" + self.anchor(r))}{self.semantic(None, "doc-backlink")}'
                f' aria-label="{escape(self.label("back_to_reference", label=note.label), quote=True)}">↩</a>'
                for r in note.ref_ids)
            body = self.blocks(note.children)
            if len(note.children) == 1 and isinstance(note.children[0], Paragraph) and not note.children[0].lang:
                body = self.item_content(note.children) + back  # a one-paragraph note, like a list item
                back = ""
            if body.endswith("</p>\n") and back:
                body = body[: -len("</p>\n")] + back + "</p>\n"
            elif back:
                body += f"<p>{back.strip()}</p>\n"
            items.append(f'<li{attr("id", self.anchor(note.id))}{self.semantic("endnote", None)}>{body}</li>\n')
        heading_id = self.anchor("notes-heading")
        return (f'<section class="notes"{self.semantic("endnotes", "doc-endnotes")}'
                f'{attr("aria-labelledby", heading_id)}>\n'
                f'<h{min(self.heading_offset + 1, 6)}{attr("id", heading_id)}>{escape(self.label("notes"))}'
                f'</h{min(self.heading_offset + 1, 6)}>\n'
                f"<ol>\n{''.join(items)}</ol>\n</section>\n")

    def header(self) -> str:
        """The article's title, subtitle, byline and source line."""
        m = self.article.meta
        out = [f'<header class="article-header">\n<h1{attr("id", self.anchor("title"))}>{escape(m.title)}</h1>\n']
        if m.subtitle:
            out.append(f'<p class="subtitle"{self.semantic("subtitle", "doc-subtitle")}>{escape(m.subtitle)}</p>\n')
        if m.authors:
            out.append(f'<p class="byline">{escape(self.label("by", names=names(m.authors, self.language)))}</p>\n')
        line = self.source_line()
        if line:
            out.append(f'<p class="source">{line}</p>\n')
        out.append("</header>\n")
        return "".join(out)

    def source_line(self) -> str:
        """Where the article came from, as a citation: publisher or site (else the web
        address's host, else the file it was read from), authors, publication date,
        retrieval date, address; whatever of these is known."""
        m = self.article.meta
        parts = []
        origin = m.site_name or host_of(m.source_url)
        if origin:
            parts.append(escape(origin))
        elif self.article.source is not None:
            parts.append(f'<span class="source-file">{escape(self.article.source.name)}</span>')
        if m.authors:
            parts.append(escape(names(m.authors, self.language)))
        if m.published:
            parts.append(self.time(m.published))
        if m.retrieved:
            parts.append(self.label("retrieved", date=self.time(m.retrieved)))
        if m.source_url and safe_link(m.source_url):
            parts.append(f'<a href="{escape(url(m.source_url))}" class="source-url">{escape(m.source_url)}</a>')
        elif m.source_url:
            parts.append(f'<span class="source-url">{escape(m.source_url)}</span>')
        return self.label("source", details=self.label("separator").join(parts)) if parts else ""

    def link_list(self) -> str:
        """Hook: what follows a text for print (the list of link addresses); nothing on
        screen, where links are followed, not read."""
        return ""

    def article_body(self, after_header: str = "") -> str:
        """The whole article: header, ``after_header`` (the editor's note: the reader
        meets the title first), body, notes."""
        return (self.header() + after_header + self.blocks(self.article.blocks)
                + self.notes(self.article.notes) + self.link_list())


def host_of(address: str | None) -> str | None:
    """The host of a web address (``news.example``), the site when nothing names it."""
    if not address:
        return None
    from urllib.parse import urlparse

    try:
        return urlparse(address).hostname
    except ValueError:  # "http://[..." from a page's canonical link: no host to show
        return None


def title_text(article: Article) -> str:
    """The article title as plain text."""
    return article.meta.title or (article.source.stem if article.source else "Untitled")


__all__ = ["XhtmlWriter", "attr", "host_of", "lang_attrs", "plain_text", "title_text", "url"]
