"""Tagged PDF backend (WeasyPrint, PDF/UA-1).

Recipe (:meth:`PdfBackend.write`): render the publication to one HTML
document through the shared writer -> lay it out with WeasyPrint, reading
only what the :class:`ProjectFetcher` allows -> write the PDF with fixed
metadata and identifier so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
from html import escape
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from .. import diagnostics
from ..errors import BuildError
from ..manifest import inside
from ..model import Image, Publication
from ..writer.xhtml import XhtmlWriter, attr, lang_attrs
from . import register
from .base import Backend

logger = logging.getLogger(__name__)

STYLES = Path(__file__).resolve().parents[3] / "styles"


class PdfXhtmlWriter(XhtmlWriter):
    """The shared writer for print: HTML (not XHTML) attributes, ids prefixed per article."""

    @property
    def xml(self) -> bool:
        return False


def make_fetcher(root: Path, allow_network: bool, diags: list):
    """A WeasyPrint URL fetcher that serves the project's files and ``data:`` URIs only."""
    from weasyprint.urls import URLFetcher

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):  # noqa: D102
            scheme = urlparse(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlparse(url).path))
                if inside(root, path) or inside(STYLES, path):
                    return super().fetch(url, headers)
                diags.append(diagnostics.make("S006", f"refused to read {path}: outside the project"))
                raise ValueError(f"refused: {url} is outside the project")
            if scheme in ("http", "https") and allow_network:
                return super().fetch(url, headers)
            diags.append(diagnostics.make("A002", f"not fetched: {url} (use --allow-network)"))
            raise ValueError(f"refused: {url} (network access not allowed)")

    return ProjectFetcher(timeout=10)


@register
class PdfBackend(Backend):
    """Print PDF, tagged for accessibility (PDF/UA-1)."""

    name = "pdf"
    suffix = ".pdf"
    description = "tagged, print-ready PDF (PDF/UA-1)"

    def image_src(self, image: Image) -> str | None:
        if image.local is not None:
            return image.local.as_uri()
        if image.src.startswith("data:"):
            return image.src
        if image.src.startswith(("http://", "https://")) and self.options.allow_network:
            return image.src
        return None

    def html(self, pub: Publication) -> str:
        """The publication as one HTML document, the input WeasyPrint lays out."""
        m = pub.meta
        head = [f"<title>{escape(m.title)}</title>", '<meta charset="utf-8"/>']
        for creator in m.creators:
            head.append(f'<meta name="author"{attr("content", creator.name)}/>')
        if m.description:
            head.append(f'<meta name="description"{attr("content", m.description)}/>')
        if m.subjects:
            head.append(f'<meta name="keywords"{attr("content", ", ".join(m.subjects))}/>')
        head.append(f'<meta name="dcterms.created"{attr("content", m.modified)}/>')
        head.append(f'<meta name="dcterms.modified"{attr("content", m.modified)}/>')
        head.append('<meta name="generator" content="pubbuild"/>')
        body = [self.title_page(pub)]
        for article in pub.articles:
            writer = PdfXhtmlWriter(article, id_prefix=f"{article.slug}-",
                                    language=article.meta.language or m.language,
                                    image_src=self.image_src)
            lang = article.meta.language if article.meta.language != m.language else None
            body.append(f'<section class="article"{attr("id", article.slug)}{lang_attrs(lang, False)}>\n'
                        f"{writer.article_body()}</section>\n")
        return (f'<!DOCTYPE html>\n<html{lang_attrs(m.language, False)}>\n<head>\n'
                + "\n".join(head) + "\n</head>\n<body>\n" + "".join(body) + "</body>\n</html>\n")

    def title_page(self, pub: Publication) -> str:
        m = pub.meta
        out = ['<section class="titlepage">\n', f'<p class="pub-title">{escape(m.title)}</p>\n']
        if m.subtitle:
            out.append(f'<p class="pub-subtitle">{escape(m.subtitle)}</p>\n')
        for c in m.creators:
            role = "" if c.role == "author" else f" ({c.role})"
            out.append(f'<p class="creator">{escape(c.name)}{escape(role)}</p>\n')
        if m.publisher:
            out.append(f'<p class="publisher">{escape(m.publisher)}</p>\n')
        if m.date:
            out.append(f'<p class="date">{escape(m.date)}</p>\n')
        out.append("</section>\n")
        return "".join(out)

    def write(self, pub: Publication, target: Path) -> None:
        from weasyprint import CSS, HTML

        html = self.html(pub)
        fetcher = make_fetcher(pub.root, self.options.allow_network, self.diagnostics)
        css = [CSS(filename=str(STYLES / "print.css"), url_fetcher=fetcher)]
        identifier = hashlib.md5((pub.meta.identifier + html).encode()).hexdigest().encode()
        try:
            document = HTML(string=html, base_url=pub.root.as_uri() + "/",
                            url_fetcher=fetcher).render(stylesheets=css, pdf_tags=True)
            document.write_pdf(str(target), pdf_variant="pdf/ua-1", pdf_identifier=identifier,
                               uncompressed_pdf=False)
        except OSError as exc:
            raise BuildError(f"{target}: cannot write PDF: {exc}") from None
