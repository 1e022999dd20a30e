"""The shared XHTML writer, specialised for print: the one class every part of the PDF's HTML
is written with (:mod:`.document` for the articles, :mod:`.pack_pages` for the pack's own pages).
"""

from __future__ import annotations

import re
from html import escape

from ...model import Image, Link
from ...textutil import plain_text
from ...writer.xhtml import XhtmlWriter, attr, url

_BACKLINK = re.compile(r'\s?<a[^>]*role="doc-backlink"[^>]*>.*?</a>')


#: Where link addresses print unless the manifest says otherwise (``pdf: link_addresses``).
#: A numbered list after the text: an address set inline, in small type, cannot be
#: broken well and leaves wide gaps in justified lines; a list keeps the lines whole,
#: keeps the structure tree in reading order (the list is read after the text, as it
#: is seen) and needs only a small marker in the line.  Footnotes put each address on
#: the page where it is cited, at the cost of a crowded page foot.
LINK_ADDRESSES = "list"


class PdfXhtmlWriter(XhtmlWriter):
    """The shared writer for print: HTML attributes, link addresses in a numbered list
    after the text or in footnotes (paper cannot be clicked), no back links from notes."""

    #: How many levels below the document's top the content sits: 1 for an article
    #: inside a part, whose title is then an ``h2`` under the part's ``h1``.
    depth = 0
    #: ``list`` or ``footnotes`` (:data:`LINK_ADDRESSES`).
    link_addresses = LINK_ADDRESSES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.heading_offset += self.depth
        self.addresses: list[str] = []
        """The link targets cited so far, in order (``list`` mode), each with its scheme:
        ``mailto:a@b.example`` prints as the address but stays a ``mailto:`` link (without
        its scheme WeasyPrint would resolve it against the project folder)."""

    @property
    def xml(self) -> bool:
        return False

    def header(self) -> str:
        html = super().header()
        if self.depth <= 0:
            return html
        level = f"h{min(1 + self.depth, 6)}"
        return html.replace("<h1", f"<{level}", 1).replace("</h1>", f"</{level}>", 1)

    def render_link(self, node: Link) -> str:
        html = super().render_link(node)
        if not node.href.startswith(PRINTED_SCHEMES):
            return html
        shown = _shown(node.href)
        text = plain_text(node.children).strip()
        if self._link_depth or text.rstrip("/") in (shown.rstrip("/"), node.href.rstrip("/")):
            return html
        if self.link_addresses == "footnotes":
            return f'{html}<span class="link-footnote">{escape(shown)}</span>'
        if node.href not in self.addresses:
            self.addresses.append(node.href)
        n = self.addresses.index(node.href) + 1
        return (f'{html}<sup class="link-ref"><a href="#{self.anchor(f"{self.link_stem}-{n}")}">'
                f"[{n}]</a></sup>")

    def link_list(self) -> str:
        """The numbered addresses cited in the text, after it."""
        if not self.addresses:
            return ""
        heading = self.anchor(f"{self.link_stem}s-heading")
        level = min(self.heading_offset + 1, 6)
        items = "".join(f'<li{attr("id", self.anchor(f"{self.link_stem}-{n}"))}>'
                        f'<a{attr("href", url(address))}>{escape(_shown(address))}</a></li>\n'
                        for n, address in enumerate(self.addresses, 1))
        return (f'<section class="link-addresses"{attr("aria-labelledby", heading)}>\n'
                f'<h{level}{attr("id", heading)}>{escape(self.label("link_addresses"))}</h{level}>\n'
                f"<ol>\n{items}</ol>\n</section>\n")

    def img(self, image: Image) -> str:
        if image.alt is None and not image.decorative and self.image_src(image) is not None:
            # PDF/UA needs every figure described; say plainly that the source did not.
            image = Image(src=image.src, alt=self.label("missing_alt"), width=image.width,
                          height=image.height, local=image.local, media_type=image.media_type)
        return super().img(image)

    def notes(self, notes) -> str:
        # Back links ("↩") only make sense on a screen; the PDF is for paper.
        return _BACKLINK.sub("", super().notes(notes)).replace("<p></p>\n", "")


#: Link schemes whose address is printed (paper cannot be clicked); ``mailto:`` and ``tel:``
#: print without their scheme.
PRINTED_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def _shown(href: str) -> str:
    """A link's address as printed: ``a@b.example`` for ``mailto:a@b.example``."""
    return href.removeprefix("mailto:").removeprefix("tel:")
