"""Tagged PDF backend (WeasyPrint, PDF/UA-1; PDF/A-3a with ``--archival``).

Recipe (:meth:`PdfBackend.write`): page geometry from the command line or the
manifest -> one HTML document (cover, title page, contents, articles) through
the shared writer -> font coverage check -> layout by WeasyPrint, reading only
what the :func:`~pubbuild.backends.pdf.fetcher.make_fetcher` fetcher allows ->
structure-tree repairs and our XMP in WeasyPrint's ``finisher`` hook -> a PDF
whose bytes depend on the inputs only.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ...errors import ConfigurationError, OutputError
from ...facts import ContentFacts, ImagePlan, count_content, new_plan, plan_images
from ...model import Image, Publication
from ...styles import project_stylesheet
from ..base import Backend, BackendOptions, Setting, add_process_count, default_process_count
from ..registry import register
from . import attachments, collector, fonts, geometry, glyphs, tagging, xmp
from .document import PdfXhtmlWriter, PrintDocument, build_document
from .fetcher import STYLES, make_fetcher
from .geometry import PageGeometry
from .pack_pages import parse_link_addresses
from .page_map import page_breaks
from .validate import PDF_CHECKS

if TYPE_CHECKING:
    from . import parallel_layout

logger = logging.getLogger(__name__)

__all__ = ["PdfBackend", "PdfXhtmlWriter", "make_fetcher"]


def _arg(parser):
    def check(text: str) -> str:
        try:
            parser(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text
    return check


@contextlib.contextmanager
def _pages_reported(bar):
    """Advance ``bar`` per page while WeasyPrint lays one document out: it logs each page
    ("Step 5 - Creating layout - Page N") at info level on ``weasyprint.progress``, which is
    raised to that level for the while and kept from reaching other handlers."""
    from ...progress import StepLog

    log = logging.getLogger("weasyprint.progress")
    handler = StepLog(bar, "Step 5 - Creating layout - Page")
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]
        bar.close()


@dataclass(slots=True)
class PdfOptions(BackendOptions):
    """The PDF's own command-line options (:meth:`PdfBackend.add_arguments`); None: not given,
    the manifest's ``pdf:`` key or the default holds."""

    paper: str | None = None
    """``--paper``: A4, Letter, A5 or WIDTHxHEIGHT."""
    margins: str | None = None
    """``--margins``: 1 to 4 lengths."""
    two_sided: bool | None = None
    """``--two-sided`` / ``--no-two-sided``."""
    bleed: str | None = None
    """``--bleed``: a length."""
    marks: str | None = None
    """``--marks``: printer's marks."""
    archival: bool = False
    """``--archival``: PDF/A-3a (``pubbuild deposit`` asks for it too)."""
    jobs: int | None = None
    """``-j``: processes laying the PDF out (None: one per core)."""
    emit_html: Path | None = None
    """``--emit-html``: also write the HTML document WeasyPrint lays out there."""


@register
class PdfBackend(Backend):
    """Print PDF, tagged for accessibility (PDF/UA-1), optionally archival (PDF/A-3a)."""

    name = "pdf"
    suffix = ".pdf"
    media_type = "application/pdf"
    description = "tagged, print-ready PDF (PDF/UA-1)"
    #: Lays out pages: the pipeline runs it first and hands its :attr:`page_map`
    #: (:func:`pubbuild.backends.pagemap.page_breaks`) to the EPUB, which marks where
    #: the print edition's pages begin.
    paginated = True
    validator = PDF_CHECKS
    settings_section = "pdf"
    settings_doc = "Print settings for the PDF: paper, margins, two_sided, bleed, marks, link_addresses."
    settings: ClassVar[dict[str, Setting]] = {
        "paper": Setting("text", "Paper size: A4, Letter, A5 or WIDTHxHEIGHT (170mmx240mm).",
                         geometry.parse_paper),
        "margins": Setting("lengths", "Margins, 1 to 4 lengths: top, outer, bottom, inner "
                           "(22mm 20mm 25mm).", geometry.parse_margins),
        "two_sided": Setting("true/false", "Two-sided printing: mirrored margins, articles "
                             "open on right-hand pages."),
        "bleed": Setting("length", "Bleed around the trim box for print shops (3mm).",
                         geometry.parse_bleed),
        "marks": Setting("text", "Printer's marks: crop, cross, crop cross or none.",
                         geometry.parse_marks),
        "link_addresses": Setting("text", "Where web addresses of links print: list (numbered, "
                                  "after the article; the default) or footnotes (at the page foot).",
                                  parse_link_addresses),
    }

    def __init__(self, options=None, page_map=None) -> None:
        super().__init__(options, page_map)
        self.facts: ContentFacts | None = None
        """What the PDF contains, counted over the images it shows (its XMP states it)."""
        self.parallel: parallel_layout.Outcome | None = None
        """The parallel layout's account (parts, timings) when the PDF was laid out in parts."""
    reports_progress = True
    """Opens "lay out PDF": a step per part laid out in parallel (one step for one layout)."""
    options_type = PdfOptions

    @property
    def print_options(self) -> PdfOptions:
        """This build's PDF options (typed; :meth:`BuildOptions.for_backend`)."""
        own = self.options.for_backend(type(self))
        return own if isinstance(own, PdfOptions) else PdfOptions()

    @classmethod
    def add_arguments(cls, parser) -> None:
        g = parser.add_argument_group("print")
        g.add_argument("--paper", type=_arg(geometry.parse_paper), metavar="SIZE",
                       help="A4, Letter, A5 or WIDTHxHEIGHT such as 170mmx240mm "
                            "(default: the manifest's pdf.paper, else A4)")
        g.add_argument("--margins", type=_arg(geometry.parse_margins), metavar="LENGTHS",
                       help="1 to 4 lengths: top, outer, bottom, inner (e.g. '22mm 20mm 25mm')")
        g.add_argument("--two-sided", action=argparse.BooleanOptionalAction, default=None,
                       help="mirrored margins; each article opens on a right-hand page")
        g.add_argument("--bleed", type=_arg(geometry.parse_bleed),
                       metavar="LENGTH", help="bleed around the trim box, e.g. 3mm")
        g.add_argument("--marks", type=_arg(geometry.parse_marks), metavar="MARKS",
                       help="printer's marks: crop, cross, 'crop cross' or none")
        g.add_argument("--archival", action="store_true",
                       help="write PDF/A-3a (keeping the PDF/UA-1 identification)")
        add_process_count(g, "lay the PDF out in N processes (default: the number of cores, "
                             "%(default)s; 1: one layout of the whole document)")
        g.add_argument("--emit-html", type=Path, metavar="FILE",
                       help="also write the HTML document WeasyPrint lays out to FILE")

    @classmethod
    def validate(cls, path: Path) -> tuple[bool, list]:
        from .validate import pdf_structure

        return pdf_structure(path)

    @classmethod
    def archive(cls, path: Path, publication: Publication, originals: dict[str, Path],
                notes: list[str]) -> None:
        from .archival import check_archival_pdf

        check_archival_pdf(path, publication, originals, notes)

    # ------------------------------------------------------------ inputs

    def geometry(self, pub: Publication) -> PageGeometry:
        """Page geometry: command line over manifest over defaults."""
        s, x = pub.settings.get(self.settings_section, {}), self.print_options

        def pick(key: str):
            value = getattr(x, key)
            return value if value is not None else s.get(key)
        try:
            return geometry.geometry(pick("paper"), pick("margins"), pick("two_sided"),
                                     pick("bleed"), pick("marks"))
        except ValueError as exc:
            raise ConfigurationError(f"pdf: {exc}") from None

    def images(self, pub: Publication | None = None) -> ImagePlan:
        """Which images go in: the pipeline's plan (:func:`pubbuild.pipeline.decide_images`);
        outside the pipeline, decided here once, its way: over every image of ``pub`` when
        the publication is known (the reasons for leaving any out join this backend's
        diagnostics), else image by image as :meth:`image_src` meets them."""
        if self.image_plan is None:
            if pub is None:
                self.image_plan = new_plan(self.options.allow_network)
            else:
                self.image_plan = plan_images(pub, self.options.allow_network)
                self.diagnostics.extend(self.image_plan.diagnostics)
        return self.image_plan

    def image_src(self, image: Image) -> str | None:
        """Where WeasyPrint reads ``image``: the build's :class:`~pubbuild.facts.ImagePlan`
        decides whether it is shown at all (as for the EPUB); a project file is read in
        place, anything else (a fetched remote image, a ``data:`` URL) from the bytes the
        plan holds, so the network is reached once per image and both editions show the
        same picture."""
        plan = self.images()
        href = plan.decide(image)
        if href is None:
            return None
        if image.local is not None:
            return image.local.as_uri()
        item = plan.packager.by_href(href)
        if item is None:  # decided but not packaged: nothing to show, as in the EPUB
            return None
        return f"data:{item.media_type};base64,{base64.b64encode(item.data).decode()}"

    def document(self, pub: Publication, geo: PageGeometry) -> PrintDocument:
        self.facts = count_content(pub, self.images(pub))
        cover = pub.meta.cover.as_uri() if pub.meta.cover is not None else None
        return build_document(pub, geo, self.image_src, cover)

    def html(self, pub: Publication) -> str:
        """The publication as one HTML document, the input WeasyPrint lays out."""
        return self.document(pub, self.geometry(pub)).html

    def stylesheets(self, geo: PageGeometry, pub: Publication | None = None,
                    text: str | None = None) -> str:
        """Fonts (shipped and the project's; with ``text``, those it needs), page geometry and
        the print stylesheet, in cascade order; then the project's ``styles/print.css`` and,
        over it, the page geometry the manifest or the command line set explicitly
        (:mod:`pubbuild.styles` states the cascade)."""
        fontset = fonts.project_fonts(pub.fonts) if pub is not None else fonts.SHIPPED
        house = fontset.css(text) + geo.css() + _sided_css(geo) + (STYLES / "print.css").read_text()
        own = project_stylesheet(pub.root, "print.css", self.diagnostics) if pub is not None else None
        if own is None or pub is None:
            return house
        return house + "/* the project's styles/print.css */\n" + own + self._explicit_page(pub, geo)

    def _explicit_page(self, pub: Publication, geo: PageGeometry) -> str:
        """``@page`` declarations for what the manifest's ``pdf:`` keys or the command
        line set, so that they win over the project's stylesheet; '' when none is set
        (a page size left to the defaults is the project sheet's to change)."""
        s, x = pub.settings.get(self.settings_section, {}), self.print_options

        def given(key: str) -> bool:
            return getattr(x, key) is not None or s.get(key) is not None
        top, outer, bottom, inner = geo.margins
        decls = [text for key, text in (
            ("paper", f"size: {geo.width:g}mm {geo.height:g}mm;"),
            ("margins", f"margin: {top:g}mm {outer:g}mm {bottom:g}mm {inner:g}mm;"),
            ("bleed", f"bleed: {geo.bleed:g}mm;"), ("marks", f"marks: {geo.marks};")) if given(key)]
        out = [f"@page {{ {' '.join(decls)} }}"] if decls else []
        if geo.two_sided and (given("margins") or given("two_sided")):
            out += [line for line in geo.css().splitlines() if line.startswith(("@page :left", "@page :right"))]
        if not out:
            return ""
        return "/* the manifest's pdf: keys and the command line */\n" + "\n".join(out) + "\n"

    def check_fonts(self, doc: PrintDocument, pub: Publication) -> None:
        """A007 for each script no font covers, once per article (:mod:`.glyphs`)."""
        self.diagnostics.extend(glyphs.font_gaps(doc.texts, fonts.project_fonts(pub.fonts)))

    # ------------------------------------------------------------ write

    def write(self, pub: Publication, target: Path) -> None:
        clock = time.perf_counter
        self.timings = {}
        start = clock()
        geo = self.geometry(pub)
        doc = self.document(pub, geo)
        # The stylesheet goes inline, so that --emit-html gives exactly what is laid out.
        styles = self.stylesheets(geo, pub, "".join(doc.texts.values()))
        html = doc.html.replace("</head>", f"<style>\n{styles}</style>\n</head>", 1)
        emit = self.print_options.emit_html
        if emit:
            self._emit(Path(emit), html)
        self.timings["html"] = clock() - start
        start = clock()
        self.check_fonts(doc, pub)
        self.timings["fonts"] = clock() - start
        archival = self.print_options.archival
        # From what the PDF shows, not from where the project lies on this machine.
        portable = doc.html.replace(pub.root.as_uri(), "").replace(fonts.FONTS.as_uri(), "")
        # PDF/A-3 carries the original sources as associated files (relationship Source).
        sources, digest = attachments.source_attachments(pub) if archival else ([], "")
        identifier = hashlib.md5((pub.meta.identifier + portable + styles
                                  .replace(fonts.FONTS.as_uri(), "").replace(pub.root.as_uri(), "")
                                  + str(archival)
                                  + digest)
                                 .encode()).hexdigest()
        from .libraries import weasyprint_imported

        weasyprint_imported()  # without 22 library searches in subprocesses (.libraries)
        from . import workarounds  # imports WeasyPrint's layout: only when laying out

        workarounds.install()
        jobs = self.print_options.jobs or default_process_count()
        # Both paths lay out without the cyclic garbage collector (backends/pdf/collector.py).
        with collector.paused():
            # With one job too: a pack bigger than one piece is laid out piece after
            # piece, so that no process holds the layout of the whole (parallel_layout.cut).
            # Imported here: it brings pikepdf (merge, page numbers), which the commands that
            # only list this backend's options (epub, normalize) need not load (0.08 s each).
            from . import parallel_layout

            if parallel_layout.write(self, pub, target, html, identifier, archival, jobs):
                return
            with _pages_reported(self.progress("lay out PDF (pages)", 0)):
                self._lay_out(pub, target, html, identifier, archival, sources)

    def _lay_out(self, pub: Publication, target: Path, html: str, identifier: str,
                 archival: bool, sources: list) -> None:
        """One layout of the whole document (``--jobs 1``, and wherever parts cannot do)."""
        from weasyprint import HTML

        from .workarounds import DecorativeImages

        fetcher = make_fetcher(pub.root, self.options.allow_network, self.diagnostics)
        font_config = fonts.font_configuration()  # @font-face rules load only through it

        clock = time.perf_counter
        report = tagging.TaggingReport()

        def finish(document, pdf) -> None:
            nonlocal report
            begin = clock()
            report = tagging.repair(document, pdf)
            attachments.tidy_associated_files(pdf)
            xmp.install(pdf, pub, identifier, archival, self.facts)
            self.timings["repair"] = clock() - begin

        quiet = DecorativeImages()
        logging.getLogger("weasyprint").addFilter(quiet)
        try:
            source = HTML(string=html, base_url=pub.root.as_uri() + "/", url_fetcher=fetcher)
            document = source.render(presentational_hints=False, font_config=font_config)
            if self.page_map_wanted:
                start = clock()
                self.page_map = page_breaks(source.etree_element, document)
                self.timings["pagemap"] = clock() - start
            document.write_pdf(str(target), pdf_variant="pdf/a-3a" if archival else "pdf/ua-1",
                               attachments=sources,
                               # The trailer /ID costs pydyf a second serialisation of every
                               # object (~3% of the build): written where PDF/A requires it.
                               pdf_identifier=identifier.encode() if archival else False,
                               uncompressed_pdf=False,
                               finisher=finish)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write PDF: {exc.strerror or exc}") from None
        finally:
            logging.getLogger("weasyprint").removeFilter(quiet)
        self.report = report
        logger.info("PDF tagging: %d artifacts, %d split elements merged, %d languages set%s",
                    report.artifacts, report.merged, report.languages,
                    "".join(f"; {u}" for u in report.unresolved))

    def _emit(self, path: Path, html: str) -> None:
        """The laid-out HTML (stylesheet inline), for a bare WeasyPrint render."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write HTML: {exc.strerror or exc}") from None


def _sided_css(geo: PageGeometry) -> str:
    """Where articles start, and where running heads and page numbers go."""
    if not geo.two_sided:
        return "section.article { break-before: page; }\n"
    none = "content: none;"
    return (
        "section.article, body > section.part { break-before: right; }\n"
        # The title page and the contents open on right-hand pages, as in a book.
        ".titlepage, .toc { break-before: right; }\n"
        # Running heads and folios on the outer side of each page.
        f"@page :left {{ @top-right {{ {none} }} @bottom-center {{ {none} }}\n"
        "  @bottom-left { content: counter(page); font-size: 9pt; vertical-align: top; padding-top: 4mm; } }\n"
        f"@page :right {{ @top-left {{ {none} }} @bottom-center {{ {none} }}\n"
        "  @bottom-right { content: counter(page); font-size: 9pt; vertical-align: top; padding-top: 4mm; } }\n"
        f"@page cover {{ @bottom-left {{ {none} }} @bottom-right {{ {none} }} }}\n"
        f"@page front {{ @bottom-left {{ {none} }} @bottom-right {{ {none} }} }}\n"
        f"@page :blank {{ @bottom-left {{ {none} }} @bottom-right {{ {none} }} }}\n")
