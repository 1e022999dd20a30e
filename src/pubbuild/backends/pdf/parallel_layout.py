"""Parallel layout: the print document laid out as parts on every core, merged into one tagged PDF.

WeasyPrint lays a document out on one core, so a big pack is cut into runs of
top-level blocks (articles start on a new page, so a cut there moves nothing),
each run laid out as its own document in a worker process, and the parts are
merged by :mod:`pubbuild.backends.pdf.merge`.  Recipe (:func:`layout`):

1. cut the document at its top-level blocks (:mod:`.blocks`); what comes before
   the contents (cover, title page, a pack's About and introduction) is one part,
   the contents another; the body is balanced by estimated cost
   (:func:`pubbuild.backends.pdf.workers.balance`) into one share per job, each share
   laid out as documents of about :data:`PART_COST` one after the other;
2. phase 1, in the workers: the lead part, the body parts and a first layout of
   the contents with placeholder page numbers (only its page count is used; it
   is never drawn).  A worker lays out its documents up to its first body part
   itself and each later one in a child process forked from it, without the
   cyclic garbage collector (:mod:`.collector`).  The page-number margin boxes
   are taken out of each laid-out document (parts count pages from 1), keeping
   where each number would have been; the layout (pages, anchors) is reported
   through a queue, then drawn;
3. phase 2, here, as soon as every layout is reported (the workers still draw):
   the contents again, now showing the literal page numbers of the merged
   document (``target-counter`` cannot see other parts), until its page count
   is stable;
4. merge (one Document element, ParentTree, outlines, destinations, IDTree,
   cross-part links, font subset tags), blank pages where a two-sided part
   must start on a right-hand page, and page numbers stamped as pagination
   artifacts at the places the margin boxes had.

Anything this path cannot reproduce exactly (page numbers other than a plain
decimal ``counter(page)``, a font outside the shipped set) makes :func:`write`
return False, and the backend lays the document out in one piece instead; so
does a worker that dies.
"""

from __future__ import annotations

import html as htmllib
import io
import logging
import math
import re
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import BuildError, OutputError
from ...progress import NULL_PROGRESS, Progress
from . import blocks, collector, fonts, tagging
from .fetcher import make_fetcher
from .merge import XREF_SCHEME, mark_cross_part_links, merge_parts, open_part
from .page_map import PageBreak, page_breaks
from .page_numbers import Stamp, stamp_at
from .workers import WorkerDied, balance, estimate_cost, in_child, pool_context, worker_pool

logger = logging.getLogger(__name__)

#: Classes of the blocks that make up the front matter (up to the contents, which is laid out last).
FRONT = frozenset({"cover", "titlepage", "toc"})
#: Balancing weights, measured in one process on the 100-article bench pack (a body
#: part lays out and draws about 1,430 estimated cost units a second, 0.70 ms each):
#: every extra document a worker lays out costs about 0.07 s whatever its size
#: (stylesheet, box tree; the fonts are registered once per worker), and a contents
#: line (dotted leader, page number) about 1.2 times what its size estimates.
DOCUMENT_COST = 100.0
CONTENTS_WEIGHT = 1.2
#: Largest estimated cost of one body document (about 40 A4 pages, 1.9 s).  Each worker
#: lays its share out in pieces of about this cost, each after the first in a child
#: process of its own (:func:`_render_many`), so a worker's memory is that of one piece
#: whatever the size of the pack (169 MB at most on the 100-article bench pack, against
#: 529 MB for one layout).  Pieces no longer save CPU: with the cyclic collector paused,
#: laying the bench pack's 392 pages of articles out as 1, 2, 4 and 8 documents took
#: 20.05, 19.95, 19.71 and 20.25 s (``bench/pdf_split_cost_bench.py``, 3 runs, medians);
#: with it running, 23.26, 22.54, 22.32 and 21.66 s: the growth per page was the collector.
PART_COST = 4000.0
TARGET_COUNTER = "target-counter(attr(href url), page)"
PAGE_ATTR = "data-pb-page"
PX = 0.75  # CSS px -> PDF points, as WeasyPrint draws
_PUB_TITLE = re.compile(r'<p class="pub-title">(.*?)</p>', re.DOTALL)
_RUNNING = re.compile(r'<section class="article"[^>]*\sdata-running="([^"]*)"')
_HREF = re.compile(r'(<a\s[^>]*href=")' + re.escape(XREF_SCHEME) + r'([^"]*)(")')
_HREF_INTERNAL = re.compile(r'(<a\s[^>]*href=")#([^"]*)(")')


class Unsupported(Exception):
    """The document uses something parallel layout cannot reproduce exactly."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a worker needs to lay a part out (picklable)."""

    base_url: str
    root: Path
    allow_network: bool
    variant: str
    page_map: bool = True
    """Find where each page begins (:attr:`Rendered.breaks`), for a page map someone takes."""


@dataclass(slots=True)
class PageInfo:
    """One laid-out page of a part."""

    side: str
    """``left`` or ``right``, as WeasyPrint laid it out."""
    number: Stamp | None
    """Where its page number goes (label filled in after the merge); None: no number."""
    font: tuple[str, str] | None = None
    """The number's font file and font name."""


@dataclass(slots=True)
class Rendered:
    """A part laid out and drawn."""

    pdf: bytes
    pages: list[PageInfo]
    diagnostics: list = field(default_factory=list)
    report: tagging.TaggingReport = field(default_factory=tagging.TaggingReport)
    rss_kib: int = 0
    """Peak resident memory of the process that laid it out."""
    cpu: float = 0.0
    """CPU time (user + system) its layout and drawing took."""
    seconds: float = 0.0
    breaks: list[PageBreak] = field(default_factory=list)
    """Where each of its pages begins (numbered within the part), for the EPUB's page list."""
    anchors: dict[str, int] = field(default_factory=dict)
    """Page index (0-based, in the part) of each anchor, the first where a name repeats
    (what WeasyPrint makes its named destinations from)."""
    opened: Any = None
    """:attr:`pdf` parsed for the merge (a ``pikepdf.Pdf``), in the main process only."""


# ---------------------------------------------------------------- one part (any process)


def _font_file(style) -> tuple[str, str]:
    """The shipped font file the number's style selects, and its name as WeasyPrint gives it."""
    weight = "bold" if int(style["font_weight"]) >= 600 else "normal"
    slant = "italic" if style["font_style"] != "normal" else "normal"
    for family in style["font_family"]:
        for face in fonts.FACES:
            if face.family == family and face.weight == weight and face.style == slant \
                    and face.unicode_range is None:
                suffix = "".join(w.capitalize() for w in (weight, slant) if w != "normal")
                name = family.replace(" ", "-") + ("-" + suffix if suffix else "")
                return str(fonts.FONTS / face.file), name
    raise Unsupported(f"page numbers in a font pubbuild does not ship: {style['font_family']}")


def _take_number(page) -> PageInfo:
    """Remove ``page``'s page-number margin box; return where it would have drawn the number."""
    from weasyprint.formatting_structure import boxes

    box = page._page_box
    info = PageInfo(side=box.page_type.side, number=None)
    keep = []
    for child in box.children:
        content = child.style["content"] if isinstance(child, boxes.MarginBox) else None
        if not content or not any(item[0] == "counter()" and item[1][0] in ("page", "pages")
                                  for item in content if isinstance(item, tuple)):
            keep.append(child)
            continue
        if content != (("counter()", ("page", "decimal")),):
            raise Unsupported(f"{child.at_keyword} shows {content!r}, not counter(page)")
        texts = [d for d in child.descendants() if isinstance(d, boxes.TextBox)]
        if len(texts) != 1:
            raise Unsupported(f"{child.at_keyword}: page number not laid out as one text")
        text = texts[0]
        align = child.style["text_align_all"]
        align = {"start": "left", "end": "right", "justify": "left"}.get(align, align)
        anchor = {"left": text.position_x, "right": text.position_x + text.width}.get(
            align, text.position_x + text.width / 2)
        info.number = Stamp("", round(anchor * PX, 3),
                            round((page.height - text.position_y - text.baseline) * PX, 3),
                            round(text.style["font_size"] * PX, 3), align)
        info.font = _font_file(text.style)
    box.children = keep
    return info


def render(html: str, ctx: Context, finish=None, font_config=None, laid=None,
           draw: bool = True) -> Rendered:
    """Lay ``html`` out and draw it as a tagged PDF without page numbers.

    ``laid(result)`` is called once the layout is done, before drawing, with what the
    layout tells (pages, anchors; no PDF yet); with ``draw=False`` nothing is drawn.

    Documents laid out one after the other in a process can share ``font_config``
    (a WeasyPrint ``FontConfiguration``): it registers the shipped ``@font-face``
    fonts once instead of once per document (about 0.06 s each, measured)."""
    from weasyprint import HTML

    from .workarounds import DecorativeImages, install

    install()
    begin, cpu = time.perf_counter(), _cpu()
    diags: list = []
    fetcher = make_fetcher(ctx.root, ctx.allow_network, diags)
    quiet = DecorativeImages()
    logging.getLogger("weasyprint").addFilter(quiet)
    result = Rendered(b"", [])
    try:
        source = HTML(string=html, base_url=ctx.base_url, url_fetcher=fetcher)
        document = source.render(presentational_hints=False,
                                 font_config=font_config or fonts.font_configuration())
        if ctx.page_map:
            result.breaks = page_breaks(source.etree_element, document)
        result.pages = [_take_number(page) for page in document.pages]
        for index, page in enumerate(document.pages):
            for name in page.anchors:
                result.anchors.setdefault(name, index)
        if laid is not None:
            laid(replace(result, diagnostics=list(diags)))
        if not draw:
            return _finished(result, diags, begin, cpu)

        def finisher(doc, pdf) -> None:
            result.report = tagging.repair(doc, pdf)
            if finish is not None:
                finish(pdf)
        out = io.BytesIO()
        document.write_pdf(out, pdf_variant=ctx.variant, pdf_identifier=False,
                           uncompressed_pdf=False, finisher=finisher)
    finally:
        logging.getLogger("weasyprint").removeFilter(quiet)
    result.pdf = out.getvalue()
    return _finished(result, diags, begin, cpu)


def _finished(result: Rendered, diags: list, begin: float, cpu: float) -> Rendered:
    result.diagnostics = diags
    result.rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result.cpu = _cpu() - cpu
    result.seconds = time.perf_counter() - begin
    return result


def _cpu() -> float:
    """CPU time of this process so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


#: Where a worker reports each layout before drawing it (set by :func:`_init_worker`).
_LAID = None


def _init_worker(queue) -> None:
    global _LAID
    _LAID = queue
    # When the layout stops early (an error elsewhere), nobody reads what this worker
    # still reports: let it exit without waiting for the pipe to take it.
    queue.cancel_join_thread()


def _render_many(task: tuple[list[tuple[int, str, bool, bool]], Context],
                 on_laid: Callable[[Rendered], None] | None = None,
                 font_config=None) -> list[Rendered] | str:
    """Worker: lay out each ``(index, html, draw, child)`` of ``task`` in turn, reporting
    each layout as ``(index, Rendered without PDF)`` before drawing it (module level:
    pickled by name); in this process (one job), ``on_laid(layout)`` instead.

    The cyclic garbage collector stays off (:mod:`.collector`).  A document marked
    ``child`` is laid out in a child process forked from this worker
    (:func:`pubbuild.backends.pdf.workers.in_child`), which exits without collecting or freeing
    what it built: the worker's memory stays that of its first documents, laid out
    here, and the children start from the caches those left warm.  Measured by hand
    (not a kept bench; 2 to 7 runs each) on five 40-page documents of the bench pack
    laid out one after the other: 10.0-11.3 s of CPU in one process with the collector
    on; 9.7 s with it paused and a full collection after each document (0.16 s each,
    what keeping memory bounded costs in one process); 9.0-9.7 s in children forked
    after a first document; 9.6-11.1 s in children forked from a worker that had laid
    nothing out.

    The first document must be laid out here, not in a child: a WeasyPrint
    ``FontConfiguration`` copies each ``@font-face`` font into its folder the first
    time a layout meets it and skips fonts already there, so a font first met in a
    child would be missing from every later child.  A ``font_config`` given (one job,
    in the main process) has its fonts registered already (:func:`register_fonts`):
    then the first document may go to a child too, and the caller releases it."""
    docs, ctx = task
    registered = font_config is not None
    font_config = font_config or fonts.font_configuration()
    try:
        with collector.paused():
            results: list[Rendered] = []
            for index, html, draw, child in docs:
                report = on_laid if _LAID is None else (lambda laid, i=index: _LAID.put((i, laid)))
                if child and (results or registered):  # never the first (see above)
                    results.append(in_child(_render_one, (html, ctx, font_config, draw), report))
                else:
                    results.append(render(html, ctx, font_config=font_config, laid=report,
                                          draw=draw))
        return results
    except Unsupported as exc:
        return str(exc)
    finally:
        if not registered:
            release_fonts(font_config)


def _render_one(html: str, ctx: Context, font_config, draw: bool, send) -> Rendered:
    """One document in a child process: its layout handed over as soon as it is known."""
    return render(html, ctx, font_config=font_config, laid=send, draw=draw)


def register_fonts(head: str, ctx: Context, font_config) -> None:
    """Register the ``@font-face`` fonts of the document's ``head`` in ``font_config``
    here, so that layouts in children forked from this process find them registered (a
    child's own registration dies with it, and the font file it copied makes every later
    registration a no-op; see :func:`_render_many`)."""
    from weasyprint import CSS

    sheets = re.findall(r"<style[^>]*>(.*?)</style>", head, re.DOTALL)
    if sheets:
        CSS(string="\n".join(sheets), base_url=ctx.base_url, font_config=font_config,
            url_fetcher=make_fetcher(ctx.root, ctx.allow_network, []))


def _render_contents(html: str, ctx: Context, finish, font_config, send) -> Rendered:
    """The contents with its page numbers, drawn, in a child process (its layout is
    thrown away with the child instead of staying in this process's memory)."""
    return render(html, ctx, finish, font_config)


def release_fonts(font_config) -> None:
    """Remove the folder of ``@font-face`` files a WeasyPrint ``FontConfiguration`` made.

    WeasyPrint removes it in ``__del__``, but laid-out boxes hold the configuration
    in reference cycles, and a pool worker exits without collecting them: every
    worker left a ``weasyprint-*`` folder in the temporary directory."""
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        font_config._folder = None


# ---------------------------------------------------------------- the front matter


def _with_numbers(front: str, pages: dict[str, int]) -> str:
    """The front matter with literal page numbers where its stylesheet asks for target-counter.

    Every link to another part gets ``data-pb-page`` (the target's 1-based page
    in the merged document) and the stylesheet shows that attribute instead of
    ``target-counter``: same generated content, inside the same link.
    """
    def number(match: re.Match) -> str:
        target = htmllib.unescape(match.group(2))
        if target not in pages:
            return match.group(0)
        return (f'{match.group(1)[:2]} {PAGE_ATTR}="{pages[target] + 1}"{match.group(1)[2:]}'
                f"{XREF_SCHEME}{match.group(2)}{match.group(3)}")
    def internal(match: re.Match) -> str:  # a link to the front matter itself
        target = htmllib.unescape(match.group(2))
        if target not in pages:
            return match.group(0)
        return f'{match.group(1)[:2]} {PAGE_ATTR}="{pages[target] + 1}"{match.group(1)[2:]}#{match.group(2)}{match.group(3)}'
    front = _HREF_INTERNAL.sub(internal, _HREF.sub(number, front))
    return front.replace(TARGET_COUNTER, f"attr({PAGE_ATTR})")


# ---------------------------------------------------------------- the whole


@dataclass(slots=True)
class Outcome:
    """What a parallel layout did (for logs, tests and the bench)."""

    parts: list[int] = field(default_factory=list)
    """Pages per part (front matter first)."""
    blanks: int = 0
    """Blank pages inserted so a two-sided part starts on a right-hand page."""
    front_layouts: int = 0
    """Layouts of the front matter after the body (1 unless its length changed)."""
    worker_rss_kib: list[int] = field(default_factory=list)
    """Peak resident memory of each worker's processes (the largest of its documents)."""
    worker_cpu: list[float] = field(default_factory=list)
    """CPU time each worker's documents took (the longest share bounds the wall time)."""
    cross_links: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    page_map: list[PageBreak] = field(default_factory=list)
    """Where each page of the merged document begins (:mod:`pubbuild.backends.pagemap`)."""


@dataclass(slots=True)
class Pieces:
    """The document cut into the documents laid out one by one (:func:`cut`)."""

    doc: blocks.Split
    """The whole document, cut at its top-level blocks (for the blank page's probe)."""
    docs: list[str]
    """The documents of phase 1: the lead part (if any), the contents with placeholder
    numbers (laid out for its length, never drawn), then the body parts."""
    front_html: str
    """The contents as cut (``target-counter``), laid out again with the real numbers."""
    at_front: int
    """Index of the contents in :attr:`docs` (1 with a lead part, else 0)."""
    groups: list[list[int]]
    """Indexes of :attr:`docs` each process lays out, in order (one group per job)."""


def layout(html: str, ctx: Context, target: Path, jobs: int, two_sided: bool,
           finish_front=None, diags: list | None = None,
           report: tagging.TaggingReport | None = None,
           progress: Progress = NULL_PROGRESS) -> Outcome:
    """Lay ``html`` out in ``jobs`` processes and write one tagged PDF to ``target``:
    :func:`cut`, :func:`lay_out`, :func:`merge`.

    ``finish_front(pdf)`` runs on the contents part's pydyf PDF, laid out in this
    process (a closure need not be picklable); its XMP goes into the merged
    file, which keeps the first part's catalog.  Raises
    :class:`Unsupported` when the document cannot be laid out in parts exactly.
    """
    clock = time.perf_counter
    outcome = Outcome()
    start = clock()
    pieces = cut(html, jobs)
    outcome.timings["split"] = clock() - start
    main_fonts = fonts.font_configuration()  # the contents (each layout of it) and the blank page
    try:
        # (lay_out registers main_fonts' fonts: with workers, once they have started)
        ordered, blanks = lay_out(pieces, ctx, jobs, two_sided, finish_front, main_fonts,
                                  outcome, progress)
        start = clock()
        merged = merge(pieces, ordered, blanks, ctx, target, main_fonts)
        outcome.timings["merge"] = clock() - start
    finally:
        release_fonts(main_fonts)
    outcome.page_map = _page_map(ordered, blanks) if ctx.page_map else []
    outcome.cross_links = merged.cross_links
    outcome.parts = [len(p.pages) for p in ordered]
    outcome.blanks = len(blanks)
    if diags is not None:
        for r in ordered:
            for d in r.diagnostics:
                if d not in diags:
                    diags.append(d)
    if report is not None:
        for r in ordered:
            report.artifacts += r.report.artifacts
            report.merged += r.report.merged
            report.languages += r.report.languages
            report.aligned = report.aligned and r.report.aligned
            report.unresolved.extend(r.report.unresolved)
    return outcome


def cut(html: str, jobs: int) -> Pieces:
    """Step 1: the documents to lay out, and which process lays out which.

    With one job, a document small enough to be one body piece raises
    :class:`Unsupported`: one layout of it is as cheap and bounded in memory."""
    doc = blocks.split(html)
    front_n = 0
    while front_n < len(doc.blocks) and blocks.classes(doc.blocks[front_n]) & FRONT:
        front_n += 1
    # Everything up to the contents is front matter (a pack's "about" and introduction
    # pages too): the contents must be laid out with all the numbers it shows.
    toc = [i for i, b in enumerate(doc.blocks) if "toc" in blocks.classes(b)]
    if toc:
        front_n = max(front_n, toc[0] + 1)
    # Only the contents shows page numbers of other parts; what comes before it (cover,
    # title page, About, introduction) is an ordinary part laid out alongside the body.
    cut_at = toc[0] if toc and toc[0] < front_n else 0
    lead, front, body = doc.blocks[:cut_at], doc.blocks[cut_at:front_n], doc.blocks[front_n:]
    if len(body) < 2:
        raise Unsupported("fewer than two blocks after the front matter")
    # The lead part and the contents go to the workers too: the body is cut so that the
    # workers' loads are even with them counted in, not the body runs alone.
    before = ([sum(estimate_cost(b) for b in lead) + DOCUMENT_COST] if lead else []) + \
        [sum(estimate_cost(b) for b in front) * CONTENTS_WEIGHT + DOCUMENT_COST]
    runs, groups = _plan(body, jobs, before)
    if jobs == 1 and len(runs) < 2:
        raise Unsupported("one job and a body of one piece")
    title = _PUB_TITLE.search("".join(lead + front))
    title_css = (f'"{_css_string(htmllib.unescape(title.group(1)))}"' if title else None)
    htmls = [doc.document(lead)] if lead else []
    # The contents carries the publication title in, as the body parts do.
    htmls.append(_carry(doc.document(front), [f"pubtitle {title_css}"] if lead and title_css else []))
    for run in runs:
        carried = []
        if title_css:
            carried.append(f"pubtitle {title_css}")
        if run.start and "article" not in blocks.classes(body[run.start]):
            previous = [m.group(1) for b in body[:run.start] if (m := _RUNNING.match(b))]
            if previous:
                carried.append(f'article "{_css_string(htmllib.unescape(previous[-1]))}"')
        # Strings the single render carries in from earlier pages (running heads).
        htmls.append(_carry(doc.document(body[run.start:run.stop]), carried))
    htmls = mark_cross_part_links(htmls)
    at_front = 1 if lead else 0
    front_html = htmls[at_front]
    placeholder = _with_numbers(front_html, {k: 998 for k in _targets(front_html)})
    return Pieces(doc, [*htmls[:at_front], placeholder, *htmls[at_front + 1:]], front_html,
                  at_front, groups)


def lay_out(pieces: Pieces, ctx: Context, jobs: int, two_sided: bool, finish_front,
            main_fonts, outcome: Outcome, progress: Progress = NULL_PROGRESS
            ) -> tuple[list[Rendered], list[int]]:
    """Step 2: every document laid out and drawn; the parts in order (the contents with
    its final numbers) and where blank pages go.

    Phase 1 in ``jobs`` worker processes: the lead part, the body parts, and the
    contents once for its length (laid out, not drawn), balanced together.  Each
    worker reports every layout before drawing it, so the contents is laid out here
    with its page numbers (phase 2) while the workers still draw.  With one job,
    phase 1 runs in this process, each body part in a child forked from it: one
    process at a time, each holding one piece (``--jobs 1`` on a big pack)."""
    clock = time.perf_counter
    start = clock()
    docs, at_front = pieces.docs, pieces.at_front
    # A step per part laid out (most of the time), then one when all are drawn, one merged.
    bar = progress("lay out PDF", len(docs) + 2)
    if jobs == 1:
        # Every document in a child of its own, forked from this process once its fonts
        # are registered (register_fonts): this process keeps none of their layouts.
        register_fonts(pieces.doc.head, ctx, main_fonts)
        [group] = pieces.groups
        task = ([(i, docs[i], i != at_front, True) for i in group], ctx)
        result = _render_many(task, on_laid=lambda laid: bar.advance(), font_config=main_fonts)
        if isinstance(result, str):
            raise Unsupported(result)
        done = [result]
        laid = dict(zip(group, result))
        outcome.timings["layout"] = clock() - start
        begin = clock()
        final, blanks = _phase_two(pieces, laid, ctx, two_sided, finish_front, main_fonts, outcome)
        outcome.timings["front"] = clock() - begin
    else:
        # A worker lays out in its own process up to its first body part, which leaves every
        # cache warm (fonts, shaping, Python's specialised code); each later document is laid
        # out in a child forked from that state (see _render_many).
        tasks = [([(i, docs[i], i != at_front, any(j > at_front for j in g if j < i))
                   for i in g], ctx) for g in pieces.groups]
        queue = pool_context().Queue()
        with worker_pool(len(tasks), _init_worker, (queue,)) as pool:
            futures = [pool.submit(_render_many, task) for task in tasks]
            # Only this process's own layouts (the contents, the blank page) use these
            # fonts, and the workers register their own: done here, while they lay out,
            # rather than before they start.
            register_fonts(pieces.doc.head, ctx, main_fonts)
            laid = _layouts(queue, futures, pieces.groups, len(docs), bar.advance)
            outcome.timings["layout"] = clock() - start
            begin = clock()
            final, blanks = _phase_two(pieces, laid, ctx, two_sided, finish_front, main_fonts,
                                       outcome)
            outcome.timings["front"] = clock() - begin
            final.opened = open_part(final.pdf)
            done = [[] for _ in futures]
            order = {future: k for k, future in enumerate(futures)}
            for future in as_completed(futures):
                # Each worker's parts are parsed for the merge as soon as it is done,
                # while the others still draw (this process would wait for them).
                result = future.result()
                if isinstance(result, str):
                    raise Unsupported(result)
                done[order[future]] = result
                for r in result:
                    if r.pdf:  # not the contents' first layout (never drawn)
                        r.opened = open_part(r.pdf)
    bar.advance()
    rendered: list[Rendered] = [None] * len(docs)  # type: ignore[list-item]  # each filled below
    for group, result in zip(pieces.groups, done):
        for i, r in zip(group, result):
            rendered[i] = r
    outcome.worker_rss_kib = [max(r.rss_kib for r in group) for group in done]
    outcome.worker_cpu = [sum(r.cpu for r in group) for group in done]
    outcome.timings["body"] = clock() - start
    bar.advance()
    return [*rendered[:at_front], final, *rendered[at_front + 1:]], blanks


def _phase_two(pieces: Pieces, laid: dict[int, Rendered], ctx: Context, two_sided: bool,
               finish_front, main_fonts, outcome: Outcome) -> tuple[Rendered, list[int]]:
    """Where each part lands in the merged document (blanks included), and the contents
    with those page numbers."""
    at_front = pieces.at_front
    leads, measured = [laid[i] for i in range(at_front)], laid[at_front]
    parts = [laid[i] for i in range(at_front + 1, len(pieces.docs))]
    return _lay_out_contents(pieces.front_html, ctx, leads, measured, parts, two_sided,
                             finish_front, main_fonts, outcome)


def merge(pieces: Pieces, ordered: list[Rendered], blanks: list[int], ctx: Context,
          target: Path, main_fonts):
    """Step 3: the parts merged into ``target``, then blank pages and page numbers."""
    infos = [info for part in ordered for info in part.pages]
    blank_pdf = _blank_page(pieces.doc, ctx, main_fonts) if blanks else None
    # Each part is parsed once (QPDF reads a part's whole object stream on opening it,
    # ~70 ms for 200 pages), most while the last worker still drew (lay_out); they hold no
    # file, only memory.
    pdfs = [open_part(p.pdf) if p.opened is None else p.opened for p in ordered]
    for part in ordered:
        part.opened = None  # closed below, with the others
    metadata = _metadata(pdfs[pieces.at_front]) if pieces.at_front else None

    def finish(pdf) -> None:
        if metadata is not None:
            # The merged file keeps the first part's catalog; the XMP was installed
            # (finish_front) on the contents, laid out here.
            _set_metadata(pdf, metadata)
        if blank_pdf is not None:
            import pikepdf

            with pikepdf.open(io.BytesIO(blank_pdf)) as source:
                for position in blanks:  # ascending: each index already counts earlier blanks
                    page = pdf.copy_foreign(source.pages[1].obj)
                    for key in ("/StructParents", "/Annots"):
                        if key in page:
                            del page[key]
                    pdf.pages.insert(position, pikepdf.Page(page))
                    infos.insert(position, PageInfo(side="left", number=None))
        _stamp_numbers(pdf, infos)

    try:
        # Every part was drawn through tagging.repair, which lists all its IDs (_id_tree).
        return merge_parts(pdfs, target, finish=finish, ids_listed=True)
    finally:
        while pdfs:  # freed here, so the merge timing counts it (QPDF takes ~0.1 s)
            pdfs.pop().close()


def _stamp_numbers(pdf, infos: list[PageInfo]) -> None:
    """Each page's number where its margin box had it, as a pagination artifact."""
    stamps: list[Stamp | None] = []
    font: tuple[str, str] | None = None
    for index, info in enumerate(infos):
        if info.number is None:
            stamps.append(None)
            continue
        if font is not None and info.font != font:
            raise BuildError("page numbers in more than one font")
        font = info.font
        n = info.number
        stamps.append(Stamp(str(index + 1), n.x, n.baseline, n.size, n.align))
    if font is not None:
        stamp_at(pdf, stamps, Path(font[0]), font[1])


def _layouts(queue, futures, groups: list[list[int]], count: int,
             on_laid: Callable[[], None] = lambda: None) -> dict[int, Rendered]:
    """The ``count`` layouts the workers report, by document index (``groups[k]``: the
    documents of ``futures[k]``); ``on_laid()`` once per layout as it arrives.

    A worker that stops early (a document it cannot lay out in parts, or an error)
    ends the wait; so does every worker being done, whose results then fill in."""
    from queue import Empty

    laid: dict[int, Rendered] = {}
    while len(laid) < count:
        try:
            index, result = queue.get(timeout=0.05)
        except Empty:
            for future in futures:
                if not future.done():
                    continue
                if (error := future.exception()) is not None:
                    raise error
                if isinstance(future.result(), str):
                    raise Unsupported(future.result())
            if all(future.done() for future in futures):
                # Every report was sent, some still in the pipe: the results hold them too.
                for future, group in zip(futures, groups):
                    for i, result in zip(group, future.result()):
                        if i not in laid:
                            laid[i] = result
                            on_laid()
                break
            continue
        if index not in laid:
            on_laid()
        laid[index] = result
    return laid


def _lay_out_contents(front_html: str, ctx: Context, leads: list[Rendered], measured: Rendered,
                      parts: list[Rendered], two_sided: bool, finish_front, font_config,
                      outcome: Outcome) -> tuple[Rendered, list[int]]:
    """The contents laid out with the page numbers of the merged document, and where
    blank pages go (two-sided: a part that starts on a left-hand page gets one)."""
    front_pages = len(measured.pages)
    laid_front = measured
    for _ in range(4):
        offsets, blanks, position = [], [], 0
        for part in [*leads, laid_front, *parts]:
            if position and two_sided and (part.pages[0].side == "right") != (position % 2 == 0):
                blanks.append(position)
                position += 1
            offsets.append(position)
            position += front_pages if part is laid_front else len(part.pages)
        front_at = offsets[len(leads)]
        placed = offsets[:len(leads)] + offsets[len(leads) + 1:]
        pages = {name: placed[i] + index for i, part in enumerate([*leads, *parts])
                 for name, index in part.anchors.items()}
        for name, index in laid_front.anchors.items():  # links inside the contents itself
            pages.setdefault(name, front_at + index)
        final = in_child(_render_contents, (_with_numbers(front_html, pages), ctx,
                                            finish_front, font_config))
        laid_front = final
        outcome.front_layouts += 1
        if len(final.pages) == front_pages:
            return final, blanks
        front_pages = len(final.pages)  # the numbers changed its length: once more
    raise BuildError("the contents page does not settle on a length")


def _runs(body: list[str], jobs: int) -> list[range]:
    """Contiguous runs of body blocks, balanced by cost (see :func:`_plan`)."""
    return _plan(body, jobs)[0]


def _plan(body: Sequence[str], jobs: int, before: list[float] | tuple = ()
          ) -> tuple[list[range], list[list[int]]]:
    """Runs of body blocks, and which documents each worker lays out.

    Documents are numbered ``before`` first (their estimated costs), then the body
    runs.  Runs are balanced by cost together with ``before`` and cut only between
    units: a part opener and the articles after it stay together, since bookmarks
    (and headings) nest the articles under their part, which a part laid out alone
    cannot know."""
    units: list[range] = []
    in_part = False
    for i, block in enumerate(body):
        classes = blocks.classes(block)
        if "part" in classes:
            in_part = True
        elif "article" not in classes:
            in_part = False  # back matter ends the last part
        elif in_part and units:
            units[-1] = range(units[-1].start, i + 1)
            continue
        units.append(range(i, i + 1))
    costs = [*before, *(sum(estimate_cost(body[i]) for i in unit) for unit in units)]
    runs: list[range] = []
    groups: list[list[int]] = []
    for group in balance(costs, jobs):
        docs = [i for i in group if i < len(before)]
        mine = [i - len(before) for i in group if i >= len(before)]
        if mine:
            # A worker's share is laid out as documents of about PART_COST each, one
            # after the other: its memory stays that of one (see PART_COST).
            mine_costs = [costs[len(before) + u] for u in mine]
            pieces = min(len(mine), max(1, math.ceil(sum(mine_costs) / PART_COST)))
            for piece in balance(mine_costs, pieces):
                docs.append(len(before) + len(runs))
                runs.append(range(units[mine[piece.start]].start, units[mine[piece.stop - 1]].stop))
        groups.append(docs)
    return runs, groups


def _page_map(parts: list[Rendered], blanks: list[int]) -> list[PageBreak]:
    """The parts' page starts renumbered as the merged document's pages.  An inserted
    blank page begins where the next page begins, as in a single layout."""
    entries = [b for part in parts for b in part.breaks]
    for position in blanks:  # ascending, like the blank pages themselves
        after = entries[position] if position < len(entries) else entries[-1]
        entries.insert(position, replace(after, before_text=False))
    return [replace(b, page=n, label=str(n)) for n, b in enumerate(entries, 1)]


def _carry(part: str, carried: list[str]) -> str:
    """``part`` with the named strings ``carried`` set on its root (running heads)."""
    if not carried:
        return part
    return part.replace("</head>", f"<style>html {{ string-set: {', '.join(carried)}; }}"
                                   "</style>\n</head>", 1)


def _metadata(pdf) -> bytes | None:
    """The XMP packet of a laid-out part (an open pikepdf.Pdf), as installed by ``finish_front``."""
    stream = pdf.Root.get("/Metadata")
    return None if stream is None else stream.read_bytes()


def _set_metadata(pdf, data: bytes) -> None:
    """Install ``data`` as the catalog's XMP, unfiltered (any tool, and PDF/A, reads it as is)."""
    import pikepdf

    stream = pdf.Root.get("/Metadata")
    if stream is None:
        stream = pdf.make_stream(data)
        stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = stream
    else:
        stream.write(data)


def _targets(front_html: str) -> set[str]:
    return {htmllib.unescape(m.group(2)) for m in _HREF.finditer(front_html)}


def _blank_page(doc: blocks.Split, ctx: Context, font_config=None) -> bytes:
    """A document whose second page is a blank left-hand page, as WeasyPrint makes one."""
    probe = doc.document(['<div style="break-after: right"></div>\n', "<div></div>\n"])
    return render(probe, ctx, font_config=font_config).pdf


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


# ---------------------------------------------------------------- the backend's hook


def write(backend, pub, target: Path, html: str, identifier: str, archival: bool,
          jobs: int) -> bool:
    """Write ``pub`` laid out in ``jobs`` processes; False if it must be laid out in one piece."""
    from . import xmp

    if archival:
        # PDF/A-3 carries the sources as associated files in the catalog, which the merge
        # does not carry over: deposits are laid out in one piece.
        logger.info("PDF laid out in one piece: the archival variant carries attachments")
        return False
    ctx = Context(base_url=pub.root.as_uri() + "/", root=pub.root,
                  allow_network=backend.options.allow_network,
                  variant="pdf/a-3a" if archival else "pdf/ua-1",
                  page_map=backend.page_map_wanted)
    report = tagging.TaggingReport()
    found: list = []
    bars: list = []

    def stage(name: str, total: int):
        bars.append(backend.progress(name, total))
        return bars[-1]
    try:
        outcome = layout(html, ctx, target, jobs, backend.geometry(pub).two_sided,
                         finish_front=lambda pdf: xmp.install(pdf, pub, identifier, archival, backend.facts),
                         diags=found, report=report, progress=stage)
    except Unsupported as exc:
        logger.info("PDF laid out in one piece: %s", exc)
        return False
    except (BrokenExecutor, WorkerDied) as exc:
        # A worker or its layout process was killed (out of memory, a signal): nothing
        # was written yet.
        logger.warning("a PDF layout worker stopped unexpectedly (%s); laying the PDF out in "
                       "one piece instead (--jobs 1)", exc)
        return False
    except OSError as exc:
        raise OutputError(f"{target}: cannot write PDF: {exc.strerror or exc}") from None
    finally:
        for bar in bars:  # closed whichever way the layout ended
            bar.close()
    for d in found:
        if d not in backend.diagnostics:
            backend.diagnostics.append(d)
    backend.report = report
    backend.timings.update(outcome.timings)
    backend.parallel = outcome
    backend.page_map = outcome.page_map or None
    logger.info("PDF laid out in %d parts on %d jobs (%s pages; %d blank pages added; "
                "%d cross-part links)", len(outcome.parts), jobs,
                "+".join(map(str, outcome.parts)), outcome.blanks, outcome.cross_links)
    return True


__all__ = ["Context", "Outcome", "Unsupported", "layout", "render", "write"]
