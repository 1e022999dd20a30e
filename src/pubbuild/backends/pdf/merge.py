"""Merge tagged PDF parts laid out separately into one tagged PDF.

WeasyPrint lays a document out on one core, and its time per page grows with
the document, so big packs are rendered as several parts in parallel (see
:mod:`pubbuild.backends.pdf.workers`).  Rendered WeasyPrint documents cannot cross a
process boundary, so parts travel as PDFs and are merged here with pikepdf.

Recipe (:func:`merge_parts`): every part is prepared in place, in reading
order (ParentTree keys, ``/StructParents`` and ``/StructParent`` shifted past
the keys already used; font subset tags that clash with a different subset
retagged; clashing structure IDs prefixed) -> the longest part is kept as the
container (copying costs time per object) and every other part's pages,
top-level structure elements, ParentTree entries, outlines, named
destinations and IDTree entries are copied into it in one bundle, before or
after its pages, so every page reference inside them maps to the copied page
-> the container takes the first part's catalog (MarkInfo, Lang,
ViewerPreferences, XMP, output intents), document info, structure root and
Document entries, so the result is as if the parts were appended to the
first -> cross-part links (marked before layout by
:func:`mark_cross_part_links`) become named destinations -> named
destinations are sorted, an IDTree is written -> saved with object streams and
a content-derived /ID, so the same parts always give the same bytes.

Structure IDs come from each part's own /IDTree (pubbuild's tagging repair
writes one); only a part without one has its structure tree walked.

Before layout, :func:`mark_cross_part_links` rewrites links whose target lies
in another part: WeasyPrint would drop them (it only resolves anchors inside
the document it lays out); marked, they survive as URI links and are turned
back into internal links here.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ...errors import BuildError, OutputError

logger = logging.getLogger(__name__)

#: URI scheme of a link whose target is laid out in another part.
XREF_SCHEME = "pubbuild-xref:"

_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_HREF_FRAGMENT = re.compile(r'(\shref=")#([^"]*)(")')

PartSource = Path | str | bytes | pikepdf.Pdf
"""A part: a file, its bytes, or an open PDF (used as is: the merge modifies it in place)."""


@dataclass(slots=True)
class MergeReport:
    """What a merge did, for logs and tests."""

    pages: list[int] = field(default_factory=list)
    """Page count of each part, in order."""
    cross_links: int = 0
    """Cross-part links resolved into internal links."""
    retagged_fonts: int = 0
    """Font subsets given a new tag because another subset already had theirs."""
    renamed_ids: int = 0
    """Structure element IDs prefixed because another part already used them."""


# ---------------------------------------------------------------- before layout


def mark_cross_part_links(parts: Sequence[str]) -> list[str]:
    """Rewrite ``href="#x"`` as ``href="pubbuild-xref:x"`` where ``x`` is an id of another part.

    ``parts`` are the HTML documents of the parts, as pubbuild's writer makes
    them: attribute values double-quoted and escaped, so ``id="`` and
    ``href="#`` cannot occur in text.  Links to an id of their own part, and
    to no id at all, are left to WeasyPrint.
    """
    ids = [{html.unescape(m) for m in _ID_ATTR.findall(text)} for text in parts]
    owner: dict[str, int] = {}
    for index, part_ids in enumerate(ids):
        for ident in part_ids:
            owner.setdefault(ident, index)
    marked = []
    for index, text in enumerate(parts):
        def mark(match: re.Match, index: int = index) -> str:
            target = html.unescape(match.group(2))
            if target in ids[index] or target not in owner:
                return match.group(0)
            return f"{match.group(1)}{XREF_SCHEME}{match.group(2)}{match.group(3)}"
        marked.append(_HREF_FRAGMENT.sub(mark, text))
    return marked


# ---------------------------------------------------------------- reading parts


def open_part(source: PartSource) -> pikepdf.Pdf:
    """``source`` opened (an open PDF as it is); BuildError names a part that cannot be read."""
    if isinstance(source, pikepdf.Pdf):
        return source
    try:
        if isinstance(source, bytes):
            return pikepdf.open(io.BytesIO(source))
        return pikepdf.open(source)
    except (pikepdf.PdfError, OSError) as exc:
        name = "<bytes>" if isinstance(source, bytes) else str(source)
        raise BuildError(f"{name}: cannot read PDF part: {exc}") from None


def _name_tree_items(node: pikepdf.Object | None, key: str = "/Names") -> Iterator[tuple]:
    """(key, value) pairs of a name or number tree (``key`` is /Names or /Nums)."""
    if node is None:
        return
    if key in node:
        items = node[key]
        for i in range(0, len(items) - 1, 2):
            yield items[i], items[i + 1]
    for kid in node.get("/Kids", ()):
        yield from _name_tree_items(kid, key)


def dests_of(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    """The named destinations of ``pdf`` (name tree under /Names /Dests)."""
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    return {str(name): dest for name, dest in _name_tree_items(tree)}


# ---------------------------------------------------------------- preparing parts


def _struct_elements(root: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every structure element below ``root`` (depth first, each once)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in (kids if isinstance(kids, Array) else [kids]):
            if not isinstance(kid, Dictionary) or kid.get("/Type") in ("/MCR", "/OBJR"):
                continue
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            yield kid
            stack.append(kid)


def _headers_arrays(element: pikepdf.Object) -> Iterator[pikepdf.Object]:
    attributes = element.get("/A")
    if attributes is None:
        return
    for attribute in (attributes if isinstance(attributes, Array) else [attributes]):
        if isinstance(attribute, Dictionary) and "/Headers" in attribute:
            yield attribute.Headers


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every font dictionary the pages use, through Resources and form XObjects (each once)."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        for font in resources.get("/Font", Dictionary()).values():
            if font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            yield font
            if "/Resources" in font:  # Type 3 glyph procedures
                stack.append(font.Resources)
        for xobject in resources.get("/XObject", Dictionary()).values():
            if "/Resources" in xobject:
                stack.append(xobject.Resources)


def _font_program(font: pikepdf.Object) -> pikepdf.Object | None:
    descendants = font.get("/DescendantFonts")
    descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
    if descriptor is None:
        return None
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return descriptor[key]
    return None


def _tag_of(name: str) -> tuple[str, str] | None:
    match = re.fullmatch(r"/?([A-Z]{6})\+(.+)", name)
    return (match.group(1), match.group(2)) if match else None


def _letters(digest: bytes) -> str:
    return "".join(chr(65 + b % 26) for b in digest[:6])


class _FontTags:
    """Subset tags in use across parts: ISO 32000 wants a distinct tag per distinct subset."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}  # tag -> digest of the subset's font program

    def claim(self, pdf: pikepdf.Pdf) -> int:
        """Register the subsets of ``pdf``, retagging those whose tag another subset holds."""
        retagged = 0
        renames: dict[str, str] = {}
        for font in _fonts(pdf):
            base = str(font.get("/BaseFont", ""))
            tagged = _tag_of(base)
            program = _font_program(font)
            if tagged is None or program is None:
                continue
            tag, rest = tagged
            digest = hashlib.sha256(program.read_raw_bytes()).hexdigest()
            key = f"{tag}+{rest}"
            if key in renames:
                new_tag = renames[key]
            else:
                new_tag = tag
                salt = 0
                while self.owner.get(new_tag, digest) != digest:
                    new_tag = _letters(hashlib.sha256(f"{digest}:{salt}".encode()).digest())
                    salt += 1
                self.owner[new_tag] = digest
                renames[key] = new_tag
            if new_tag != tag:
                retagged += 1
                _retag(font, f"/{new_tag}+{rest}")
        return retagged


def _retag(font: pikepdf.Object, name: str) -> None:
    font.BaseFont = Name(name)
    for descendant in font.get("/DescendantFonts", ()):
        descendant.BaseFont = Name(name)
        if "/FontDescriptor" in descendant:
            descendant.FontDescriptor.FontName = Name(name)
    if "/FontDescriptor" in font:
        font.FontDescriptor.FontName = Name(name)


def _identified(struct_root: pikepdf.Object, document: pikepdf.Object, ids_listed: bool = False
                ) -> tuple[list[pikepdf.Object], list[pikepdf.Object] | None]:
    """The structure elements of a part that carry an /ID, and every element if finding them took a walk.

    A part's /IDTree lists them (PDF/UA wants every ID resolvable; pubbuild's
    tagging repair writes one), which is far cheaper than walking thousands of
    elements through pikepdf: only a part without an /IDTree is walked, unless
    ``ids_listed`` says that such a part has no ID at all.
    """
    tree = struct_root.get("/IDTree")
    if tree is None and ids_listed:
        return [], None
    if tree is None:
        elements = list(_struct_elements(document))
        return [e for e in elements if "/ID" in e], elements
    found: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    for _, element in _name_tree_items(tree):
        if not isinstance(element, Dictionary) or "/ID" not in element:
            continue
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        found.append(element)
    return found, None


def _rename_ids(document: pikepdf.Object, identified: list[pikepdf.Object],
                elements: list[pikepdf.Object] | None, used: set[str], index: int) -> int:
    """Prefix structure IDs of this part that another part already used; fix /Headers to match.

    ``identified`` are the part's elements with an /ID, ``elements`` all of
    them if already known (else the tree is walked, only when an ID changed).
    """
    renames: dict[str, str] = {}
    for element in identified:
        ident = bytes(element.ID).decode("latin-1")
        new = ident
        n = index
        while new in used:
            new, n = f"p{n}-{ident}", n + 1
        used.add(new)
        if new != ident:
            renames[ident] = new
            element.ID = String(new)
    if renames:
        for element in (elements if elements is not None else _struct_elements(document)):
            for headers in _headers_arrays(element):
                for i, header in enumerate(headers):
                    old = bytes(header).decode("latin-1")
                    if old in renames:
                        headers[i] = String(renames[old])
    return len(renames)


def _shift_keys(pdf: pikepdf.Pdf, parent_tree: pikepdf.Object, offset: int) -> tuple[list, int]:
    """ParentTree pairs of ``pdf`` with keys moved up by ``offset``; pages and annotations follow.

    Returns the shifted flat /Nums list and the next free key.
    """
    nums: list = []
    next_key = offset
    for key, value in _name_tree_items(parent_tree, "/Nums"):
        nums.extend([int(key) + offset, value])
        next_key = max(next_key, int(key) + offset + 1)
    if offset:
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", ()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
    return nums, next_key


# ---------------------------------------------------------------- merging


@dataclass(slots=True)
class _Part:
    """One part, prepared in place for the merge (fonts retagged, IDs prefixed, keys shifted)."""

    pdf: pikepdf.Pdf
    kids: list
    """The kids of its Document structure element: they join the merged Document."""
    nums: list
    """Its ParentTree pairs, keys already shifted."""
    outline_items: list
    outline_count: int
    dests: dict[str, pikepdf.Object]
    ids: list[tuple[bytes, pikepdf.Object]]
    """Its indirect structure elements with an /ID, by ID (for the IDTree)."""


def _document(pdf: pikepdf.Pdf, index: int) -> tuple[pikepdf.Object, pikepdf.Object]:
    """The StructTreeRoot of part ``index`` and its one Document element."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        raise BuildError(f"PDF part {index + 1} is not tagged (no StructTreeRoot): render with pdf_tags")
    kids = root.K if isinstance(root.K, Array) else Array([root.K])
    if len(kids) != 1 or kids[0].get("/S") != "/Document":
        raise BuildError(f"PDF part {index + 1}: the structure tree root must hold one Document element")
    return root, kids[0]


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, Array) else [kids]


class _Merged:
    """The merged document, built inside its longest part.

    Copying a part costs time in proportion to its objects, so the longest
    part is not copied: the others are copied into it, before or after its
    pages, and it takes the first part's catalog, document information,
    structure root and Document entries, as if the first part were the base.
    """

    def __init__(self, pdfs: Sequence[pikepdf.Pdf], report: MergeReport,
                 ids_listed: bool = False) -> None:
        self.ids_listed = ids_listed
        found = [_document(pdf, index) for index, pdf in enumerate(pdfs)]
        self.base_at = max(range(len(pdfs)), key=lambda i: (len(pdfs[i].pages), -i))
        self.pdf = pdfs[self.base_at]
        self.struct_root, self.document = found[self.base_at]
        parts = self._prepare(pdfs, found, report)
        first = pdfs[0]
        info = first.trailer.get("/Info")
        catalog = [first.Root, *found[0], *([info] if info is not None else [])]
        before = 0
        for index, part in enumerate(parts):
            if index == self.base_at:
                continue
            at = before if index < self.base_at else None
            parts[index], copied = self._copy(part, at, catalog if index == 0 else [])
            if index == 0:
                self._take_catalog(*copied)
            if at is not None:
                before += len(part.pdf.pages)
        self._join(parts)

    def _prepare(self, pdfs: Sequence[pikepdf.Pdf], found: list[tuple], report: MergeReport
                 ) -> list[_Part]:
        """Prepare every part in place, in reading order: which part keeps a font tag or
        an ID, and the ParentTree keys, are as if the parts were appended one by one."""
        tags, used = _FontTags(), set[str]()
        self.next_key = 0
        parts = []
        for index, (pdf, (root, document)) in enumerate(zip(pdfs, found)):
            retagged = tags.claim(pdf)
            identified, elements = _identified(root, document, self.ids_listed)
            renamed = _rename_ids(document, identified, elements, used, index)
            if index:
                report.retagged_fonts += retagged
                report.renamed_ids += renamed
            nums, self.next_key = _shift_keys(pdf, root.get("/ParentTree"), self.next_key)
            outlines = pdf.Root.get("/Outlines")
            parts.append(_Part(
                pdf, _kids(document), nums, list(_siblings(outlines)) if outlines is not None else [],
                int(outlines.get("/Count", 0)) if outlines is not None else 0, dests_of(pdf),
                [(bytes(e.ID), e) for e in identified if e.is_indirect]))
        return parts

    def _join(self, parts: list[_Part]) -> None:
        """Gather the parts' (copied) trees in reading order under the one Document."""
        self.nums: list = []
        self.outline_items: list = []
        self.outline_count = 0
        self.dests: dict[str, pikepdf.Object] = {}
        self.id_tree: dict[bytes, pikepdf.Object] = {}
        kids: list = []
        for index, part in enumerate(parts):
            if index != self.base_at:
                for element in part.kids:
                    if isinstance(element, Dictionary):
                        element.P = self.document
            kids.extend(part.kids)
            self.nums.extend(part.nums)
            self.outline_items.extend(part.outline_items)
            self.outline_count += part.outline_count
            for name, dest in part.dests.items():
                if name in self.dests:
                    logger.warning("named destination %r occurs in more than one part; the first "
                                   "is kept", name)
                    continue
                self.dests[name] = dest
            for key, element in part.ids:
                self.id_tree.setdefault(key, element)
        self.document.K = Array(kids)

    def _copy(self, part: _Part, at: int | None, extra: list) -> tuple[_Part, list]:
        """Copy ``part``'s pages (inserted at page ``at``, None: appended) and all the merge
        takes from it into the merged document, and the objects ``extra`` of it too.

        Returns ``part`` as copied and the copies of ``extra``.
        """
        # Pages first: QPDF keeps one object map per source, so the bundle copied
        # next finds every /Pg, /Dest and /OBJR page reference already mapped
        # (pages reached only through such references would be copied as null).
        for offset, page in enumerate(part.pdf.pages):
            if at is None:
                self.pdf.pages.append(page)
            else:
                self.pdf.pages.insert(at + offset, page)
        bundle = part.pdf.make_indirect(Array([
            Array(part.kids), Array(part.nums), Array(part.outline_items),
            Array(list(part.dests.values())), Array([e for _, e in part.ids]), Array(extra),
        ]))
        kids, nums, items, dests, ids, copied_extra = self.pdf.copy_foreign(bundle)
        copied = _Part(self.pdf, list(kids), list(nums), list(items), part.outline_count,
                       dict(zip(part.dests, dests)), list(zip([k for k, _ in part.ids], ids)))
        return copied, list(copied_extra)

    def _take_catalog(self, catalog: pikepdf.Object, struct_root: pikepdf.Object,
                      document: pikepdf.Object, info: pikepdf.Object | None = None) -> None:
        """Give the merged document the first part's entries (copies): catalog, document
        information, structure root and Document element, all but what the merge joins."""
        def replace(target: pikepdf.Object, source: pikepdf.Object, keep: tuple[str, ...]) -> None:
            for key in list(target.keys()):
                if key not in keep:
                    del target[key]
            for key, value in source.items():
                if key not in keep:
                    target[key] = value
        replace(self.pdf.Root, catalog, ("/Pages", "/StructTreeRoot"))
        replace(self.struct_root, struct_root, ("/K", "/ParentTree", "/ParentTreeNextKey"))
        self.struct_root.K = Array([self.document]) if isinstance(struct_root.K, Array) \
            else self.document
        replace(self.document, document, ("/K", "/P"))
        if info is not None:
            self.pdf.trailer.Info = info
        elif "/Info" in self.pdf.trailer:
            del self.pdf.trailer["/Info"]

    def resolve_cross_links(self) -> int:
        """Turn every marked cross-part link into a link to its named destination."""
        resolved = 0
        missing: list[str] = []
        for number, page in enumerate(self.pdf.pages, 1):
            for annot in page.obj.get("/Annots", ()):
                action = annot.get("/A")
                if action is None or action.get("/S") != "/URI":
                    continue
                uri = bytes(action.URI).decode("utf-8", "replace")
                if not uri.startswith(XREF_SCHEME):
                    continue
                name = uri[len(XREF_SCHEME):]
                if name not in self.dests:
                    missing.append(f"page {number}: link to #{name}")
                    continue
                del annot["/A"]
                annot.Dest = String(name)
                annot.Contents = String(name)  # what WeasyPrint writes for an internal link
                resolved += 1
        if missing:
            raise BuildError("cross-part links to anchors no part defines", missing)
        return resolved

    def finish(self) -> None:
        """Write the joined trees into the base catalog."""
        pdf, root = self.pdf, self.struct_root
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(self.nums)))
        root.ParentTreeNextKey = self.next_key
        id_tree = self._id_tree()
        if id_tree is not None:
            root.IDTree = id_tree
        elif "/IDTree" in root:
            del root["/IDTree"]
        if self.dests:
            names = pdf.Root.get("/Names")
            if names is None:
                names = pdf.Root.Names = Dictionary()
            flat = Array()
            for name in sorted(self.dests, key=lambda n: n.encode("utf-8")):
                flat.append(String(name))
                flat.append(self.dests[name])
            names.Dests = pdf.make_indirect(Dictionary(Names=flat))
        if self.outline_items:
            outlines = pdf.Root.get("/Outlines")
            if outlines is None:
                outlines = pdf.Root.Outlines = pdf.make_indirect(Dictionary())
            for previous, item in zip(self.outline_items, self.outline_items[1:]):
                previous.Next = item
                item.Prev = previous
            for item in self.outline_items:
                item.Parent = outlines
            first, last = self.outline_items[0], self.outline_items[-1]
            if "/Prev" in first:
                del first["/Prev"]
            if "/Next" in last:
                del last["/Next"]
            outlines.First, outlines.Last = first, last
            outlines.Count = self.outline_count

    def _id_tree(self) -> pikepdf.Object | None:
        """IDTree name tree: every element with an /ID, sorted (PDF/UA: IDs must resolve)."""
        if not self.id_tree:
            return None
        flat = Array()
        for key in sorted(self.id_tree):
            flat.append(String(key))
            flat.append(self.id_tree[key])
        return self.pdf.make_indirect(Dictionary(Names=flat))


def _siblings(outlines: pikepdf.Object) -> Iterator[pikepdf.Object]:
    item = outlines.get("/First")
    seen: set[tuple[int, int]] = set()
    while item is not None and item.objgen not in seen:
        seen.add(item.objgen)
        yield item
        item = item.get("/Next")


def merge_parts(parts: Sequence[PartSource], target: Path | io.BufferedIOBase,
                finish: Callable[[pikepdf.Pdf], None] | None = None,
                ids_listed: bool = False) -> MergeReport:
    """Merge tagged PDF parts (paths, bytes or open PDFs, in reading order) into ``target``.

    ``finish`` runs on the merged document before it is saved (page-number
    stamping, see :mod:`pubbuild.backends.pdf.page_numbers`).  Parts given open are modified
    (the longest one becomes the merged document) and left to the caller to
    close; this saves parsing a part again that the caller has already read.
    ``ids_listed``: every part lists all its structure IDs in an /IDTree, so a part
    without one has none (parts drawn through pubbuild's tagging repair, which writes
    the tree whenever an element has an ID); otherwise such a part's structure tree is
    walked to find them (on the 100-article bench pack, 14 of 16 parts have no ID:
    their walks were 0.26 of the merge's 0.9 s).
    """
    if not parts:
        raise BuildError("nothing to merge: no PDF parts")
    report = MergeReport()
    opened: list[pikepdf.Pdf] = []
    try:
        for source in parts:
            opened.append(open_part(source))
        report.pages = [len(pdf.pages) for pdf in opened]
        merged = _Merged(opened, report, ids_listed)
        report.cross_links = merged.resolve_cross_links()
        merged.finish()
        if finish is not None:
            finish(merged.pdf)
        # Saved to memory, then written by Python: qpdf writing to a file that fails (a full
        # disk, ``ulimit -f``) throws through pikepdf's stream callback and aborts the process
        # (SIGABRT), leaving its own ``.pikepdf…`` temporary behind.
        buffer = io.BytesIO()
        merged.pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                        compress_streams=True, deterministic_id=True)
        try:
            if isinstance(target, Path):
                with open(target, "wb") as out:
                    out.write(buffer.getbuffer())
            else:  # a stream the caller opened
                target.write(buffer.getbuffer())
        except OSError as exc:
            raise OutputError(f"{target}: cannot write merged PDF: {exc.strerror or exc}") from None
    finally:
        for pdf, source in zip(opened, parts):
            if pdf is not source:
                pdf.close()
    logger.info("merged %d parts (%d pages, %d cross-part links)", len(parts),
                sum(report.pages), report.cross_links)
    return report
