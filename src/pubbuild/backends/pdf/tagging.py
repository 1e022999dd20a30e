"""Repairs to WeasyPrint 70's structure tree, made on its in-memory PDF (the
``finisher`` hook, before the file is written) so nothing is parsed twice.

WeasyPrint 70 tags the layout, not the document, and has known gaps:

* running heads and page numbers (margin boxes) are marked content whose
  structure elements hang from nothing: they become ``/Artifact`` (pagination);
* an element that crosses a page break becomes one structure element per
  page: the parts are merged back into one, and a table's header row repeated
  on the next page becomes an artifact, its cells' header references mended;
* ``lang`` on a passage is not carried into the tree: it becomes ``/Lang``;
* ``role="presentation"``, ``alt=""`` and ``aria-hidden="true"`` are ignored:
  those elements become artifacts instead of figures without alternative text;
* header cells carry IDs but no ``/IDTree`` and no ``/Scope``: both are added.

To know which HTML element each structure element came from, :func:`_boxes`
walks the laid-out boxes in the order WeasyPrint's tagger created its
elements.  If that walk and the tree disagree (another WeasyPrint version),
the element-based repairs are skipped with a warning and the rest still runs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

NULL = b"null"


@dataclass
class TaggingReport:
    """What the repairs did (for logs, tests and the bench)."""

    artifacts: int = 0
    """Marked-content sequences turned into artifacts."""
    merged: int = 0
    """Split structure elements merged back into one."""
    languages: int = 0
    """Structure elements given a /Lang."""
    aligned: bool = True
    """Whether structure elements could be matched to HTML elements."""
    unresolved: list[str] = field(default_factory=list)
    """Repairs that could not be made."""


def _num(ref: bytes) -> int:
    return int(ref[:ref.index(b" ")])


class _Tree:
    """Convenience over pydyf's objects: references are ``b'12 0 R'`` bytes."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf
        self.objects = pdf.objects
        self.pages = {ref: i for i, ref in enumerate(pdf.page_references)}
        self.elem_numbers = {o.number for o in self.objects if self.is_elem(o)}
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.parent_tree = self.get(self.root["ParentTree"])
        nums = self.parent_tree["Nums"]
        n_pages = len(self.pages)
        self.page_arrays = {nums[i]: nums[i + 1] for i in range(0, 2 * n_pages, 2)}
        self.annotations = {nums[i]: i + 1 for i in range(2 * n_pages, len(nums), 2)}

    def get(self, ref):
        return self.objects[_num(ref)]

    @staticmethod
    def is_elem(obj) -> bool:
        return isinstance(obj, dict) and obj.get("Type") == "/StructElem"

    def kids(self, elem) -> list:
        """Child structure elements of ``elem``."""
        objects = self.objects
        out = []
        for k in elem["K"]:
            if k.__class__ is bytes:
                obj = objects[int(k[:k.index(b" ")])]
                if obj.get("Type") == "/StructElem":
                    out.append(obj)
        return out

    def reachable(self) -> set[int]:
        seen: set[int] = set()
        stack = [self.get(r) for r in self.root["K"]]
        while stack:
            elem = stack.pop()
            if elem.number in seen:
                continue
            seen.add(elem.number)
            stack.extend(self.kids(elem))
        return seen

    def content(self, elem, out: list) -> list:
        """(page, MCID) of every marked-content sequence under ``elem``."""
        for k in elem["K"]:
            if isinstance(k, int):
                out.append((self.pages[elem["Pg"]], k))
            elif isinstance(k, dict) and k.get("Type") == "/MCR":
                out.append((self.pages[k["Pg"]], k["MCID"]))
            elif isinstance(k, bytes):
                obj = self.get(k)
                if self.is_elem(obj):
                    self.content(obj, out)
        return out

    def has_annotation(self, elem) -> bool:
        for k in elem["K"]:
            if isinstance(k, bytes):
                obj = self.get(k)
                if obj.get("Type") == "/OBJR" or (self.is_elem(obj) and self.has_annotation(obj)):
                    return True
        return False

    def detach(self, elem) -> None:
        parent = self.get(elem["P"])
        parent["K"][:] = [k for k in parent["K"] if not (isinstance(k, bytes) and _num(k) == elem.number)]

    def clear(self, elem) -> None:
        """Empty an element no longer in the tree (pydyf cannot drop objects)."""
        for kid in list(self.kids(elem)):
            self.clear(kid)
        elem.clear()


def repair(document, pdf) -> TaggingReport:
    """Repair the structure tree of ``pdf`` (WeasyPrint's, for ``document``)."""
    report = TaggingReport()
    if "StructTreeRoot" not in pdf.catalog:
        return report
    tree = _Tree(pdf)
    boxes = _align(document, tree, report)
    artifacts: dict[tuple[int, int], str] = {}

    # Margin boxes: content whose elements the tree does not reach.
    reachable = tree.reachable()
    for page, array in tree.page_arrays.items():
        for mcid, ref in enumerate(array):
            if ref != NULL and _num(ref) not in reachable:
                artifacts[(page, mcid)] = "/Pagination"
    for number in tree.elem_numbers - reachable:
        obj = tree.objects[number]
        if obj.get("S") != "/Document":
            obj.clear()

    if boxes:
        _hidden(tree, boxes, artifacts, report)
        report.languages = _languages(tree, boxes)
        report.merged = _merge(tree, boxes, artifacts, report)
    # Figures still without a text alternative are decorative: artifacts.  In object-number
    # order (a list, not the set above), so that the output is the same from run to run.
    in_order = sorted(tree.reachable())
    for number in in_order:
        obj = tree.objects[number]
        if obj and obj.get("S") == "/Figure" and "Alt" not in obj:
            _to_artifact(tree, obj, artifacts, "/Layout", report)

    # Elements taken out above were emptied, so they no longer match below.
    _header_scopes(tree, in_order)
    _id_tree(tree, in_order)
    report.artifacts = _rewrite_streams(tree, artifacts, report)
    return report


# ------------------------------------------------------------------ alignment


def _boxes(page_box):
    """(box, tag) for each structure element WeasyPrint's tagger creates for a page,
    in creation order (mirrors weasyprint.pdf.tags._build_box_tree)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf.tags import _get_pdf_tag

    def visit(box, parent_tag):
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        element_tag = None if box.element is None else box.element_tag
        tag = _get_pdf_tag(element_tag)
        if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
            if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                for child in box.children:
                    yield from visit(child, parent_tag)
                return
        elif isinstance(box, boxes.MarginBox):
            for child in box.children:
                yield from visit(child, parent_tag)
            return
        elif tag in ("TD", "TH"):
            if parent_tag in ("TD", "TH"):
                tag = "NonStruct"
        elif tag == "LI":
            dl_item = box.element_tag in ("dt", "dd")
            no_bullet = box.element_tag == "li" and (
                "list-item" not in box.style["display"] or box.style["list_style_type"] == "none")
            if parent_tag == "LI":
                tag = "LBody"
            elif parent_tag == "LBody":
                tag = "NonStruct"
            elif dl_item or no_bullet:
                yield box, "LI"
                yield box, "LBody"
                yield from _children(box, "LBody", parent_tag="LI")
                return
        yield box, tag
        if getattr(box, "widget_annotation", None):
            yield box, "Form"
        yield from _children(box, tag, parent_tag)

    def _children(box, tag, parent_tag):
        children = list(getattr(box, "children", ()))
        if tag == "Table" and getattr(box, "is_table_wrapper", False):
            table = box.get_wrapped_table()
            if table:
                children = [c for child in box.children
                            for c in (child.children if child is table else [child])]
        for outer in children:
            for child in (outer.children if isinstance(outer, boxes.LineBox) else [outer]):
                if isinstance(child, boxes.TextBox):
                    if tag != "Link":
                        yield child, "Span"
                else:
                    nested = child.element_tag in ("ul", "ol") and tag == "LI"
                    yield from visit(child, parent_tag if nested else tag)

    yield from visit(page_box, "Document")


def _align(document, tree: _Tree, report: TaggingReport) -> dict[int, object]:
    """Structure element number -> the box it was made for; {} when they disagree."""
    order = sorted(tree.elem_numbers)  # creation order; the Document element first
    walked = [pair for page in document.pages for pair in _boxes(page._page_box)]
    problem = None
    if len(order) - 1 != len(walked):
        problem = f"{len(order) - 1} structure elements for {len(walked)} tagged boxes"
    else:
        for number, (box, tag) in zip(order[1:], walked):
            if tree.objects[number].get("S") != f"/{tag}":
                problem = f"structure element {tree.objects[number].get('S')} where /{tag} was expected"
                break
    if problem:
        report.aligned = False
        report.unresolved.append(f"{problem}: language, split and hidden-element repairs skipped")
        logger.warning("PDF tagging: %s", report.unresolved[-1])
        return {}
    return {number: box for number, (box, _) in zip(order[1:], walked)}


# ------------------------------------------------------------------ repairs


def _to_artifact(tree: _Tree, elem, artifacts: dict, kind: str, report: TaggingReport) -> bool:
    """Take ``elem`` out of the tree; its content becomes an artifact of ``kind``."""
    if tree.has_annotation(elem):
        report.unresolved.append(f"{elem.get('S')} holding a link kept in the tree")
        return False
    for key in tree.content(elem, []):
        artifacts[key] = kind
    tree.detach(elem)
    tree.clear(elem)
    return True


def _strip_content(tree: _Tree, elem, artifacts: dict) -> None:
    """Make the content under ``elem`` artifacts but keep its link annotations."""
    page = tree.pages.get(elem.get("Pg"))
    keep = []
    for k in elem["K"]:
        if isinstance(k, int):
            artifacts[(page, k)] = "/Layout"
        elif isinstance(k, bytes) and tree.is_elem(tree.get(k)):
            kid = tree.get(k)
            if tree.has_annotation(kid):
                _strip_content(tree, kid, artifacts)
                keep.append(k)
            else:
                for key in tree.content(kid, []):
                    artifacts[key] = "/Layout"
                tree.clear(kid)
        else:
            keep.append(k)
    elem["K"][:] = keep


def _real(box) -> bool:
    """A box made for its element itself (not a pseudo-element or text run)."""
    return (box.element is not None and type(box).__name__ != "TextBox"
            and "::" not in (box.element_tag or ""))


def _hidden(tree: _Tree, boxes: dict, artifacts: dict, report: TaggingReport) -> None:
    """``aria-hidden="true"`` and presentational images become artifacts, and so do
    the leaders and page numbers of the contents (generated after each entry's link:
    the link itself takes a reader there)."""
    for number, box in sorted(boxes.items()):
        elem = tree.objects[number]
        if elem and box.element_tag == "a::after" and box.element.get("class") == "toc-link":
            _strip_content(tree, elem, artifacts)
            continue
        if not elem or not _real(box):
            continue
        el = box.element
        hidden = el.get("aria-hidden") == "true"
        decorative = box.element_tag == "img" and (
            el.get("role") in ("presentation", "none") or el.get("alt") == "")
        if hidden or decorative:
            _to_artifact(tree, elem, artifacts, "/Layout", report)


def _languages(tree: _Tree, boxes: dict) -> int:
    """``lang`` of a passage -> ``/Lang`` on its outermost structure element."""
    from pydyf import String

    count = 0
    for number, box in boxes.items():
        elem = tree.objects[number]
        if not elem or box.element is None:
            continue
        lang = box.element.get("lang")
        if not lang:
            continue
        parent_box = boxes.get(_num(elem["P"]))
        if parent_box is not None and parent_box.element is box.element:
            continue
        elem["Lang"] = String(lang)
        count += 1
    return count


def _merge(tree: _Tree, boxes: dict, artifacts: dict, report: TaggingReport) -> int:
    """Merge the per-page parts of elements that cross page breaks."""
    from pydyf import Dictionary

    merged = 0

    def same(a, b) -> bool:
        ba, bb = boxes.get(a.number), boxes.get(b.number)
        return (ba is not None and bb is not None and _real(ba) and ba.element is bb.element
                and a.get("S") == b.get("S") and a.get("Pg") != b.get("Pg"))

    def absorb(a, b) -> None:
        page = tree.pages[b["Pg"]]
        for k in b["K"]:
            if isinstance(k, int):
                a["K"].append(Dictionary({"Type": "/MCR", "Pg": b["Pg"], "MCID": k}))
                tree.page_arrays[page][k] = a.reference
                continue
            a["K"].append(k)
            if isinstance(k, dict) and k.get("Type") == "/MCR":
                tree.page_arrays[tree.pages[k["Pg"]]][k["MCID"]] = a.reference
            elif isinstance(k, bytes):
                obj = tree.get(k)
                if tree.is_elem(obj):
                    obj["P"] = a.reference
                elif obj.get("Type") == "/OBJR":
                    nums = tree.parent_tree["Nums"]
                    for pos in tree.annotations.values():
                        if nums[pos] == b.reference:
                            nums[pos] = a.reference
        b.clear()

    def repeated_headers(table) -> None:
        # A header row group seen again is the copy repeated on the next page.
        first: dict[int, object] = {}
        for kid in list(tree.kids(table)):
            box = boxes.get(kid.number)
            if kid.get("S") != "/THead" or box is None:
                continue
            original = first.setdefault(id(box.element), kid)
            if original is not kid:
                _remap_headers(tree, table, original, kid)
                _to_artifact(tree, kid, artifacts, "/Pagination", report)

    def walk(elem) -> None:
        nonlocal merged
        k = elem["K"]
        i = 0
        while i < len(k) - 1:
            a, b = k[i], k[i + 1]
            if isinstance(a, bytes) and isinstance(b, bytes):
                oa, ob = tree.get(a), tree.get(b)
                if tree.is_elem(oa) and tree.is_elem(ob) and same(oa, ob):
                    absorb(oa, ob)
                    del k[i + 1]
                    merged += 1
                    if oa.get("S") == "/Table":
                        repeated_headers(oa)
                    continue
            i += 1
        for kid in list(tree.kids(elem)):
            walk(kid)

    for ref in tree.root["K"]:
        walk(tree.get(ref))
    return merged


def _cells(tree: _Tree, elem, tag: str, out: list) -> list:
    for kid in tree.kids(elem):
        if kid.get("S") == tag:
            out.append(kid)
        _cells(tree, kid, tag, out)
    return out


def _remap_headers(tree: _Tree, table, original, repeat) -> None:
    """Point data cells at the original header cells instead of their repeated copies."""
    from pydyf import Array

    by_place = {str(th["ID"].string).split("-", 1)[1]: th["ID"]
                for th in _cells(tree, original, "/TH", []) if "ID" in th}
    mapping = {}
    for th in _cells(tree, repeat, "/TH", []):
        if "ID" in th:
            key = str(th["ID"].string)
            target = by_place.get(key.split("-", 1)[1])
            if target is not None:
                mapping[key] = target
    for td in _cells(tree, table, "/TD", []):
        headers = td.get("A", {}).get("Headers")
        if headers:
            td["A"]["Headers"] = Array([mapping.get(str(h.string), h) for h in headers])


def _header_scopes(tree: _Tree, reachable: list[int]) -> None:
    """``/Scope`` on every header cell: column in a header row group, else row when
    it leads its row."""
    from pydyf import Dictionary

    for number in reachable:
        th = tree.objects[number]
        if th.get("S") != "/TH":
            continue
        row = tree.get(th["P"])
        group = tree.get(row["P"]) if "P" in row else {}
        first = next(iter(tree.kids(row)), None)
        scope = "/Column" if group.get("S") == "/THead" or first is not th else "/Row"
        if "A" not in th:
            th["A"] = Dictionary({"O": "/Table"})
        th["A"]["Scope"] = scope


def _id_tree(tree: _Tree, reachable: list[int]) -> None:
    """The ``/IDTree`` PDF requires once any structure element has an ``/ID``."""
    from pydyf import Array, Dictionary, String

    ids = sorted((str(tree.objects[n]["ID"].string), tree.objects[n].reference)
                 for n in reachable if "ID" in tree.objects[n])
    if not ids:
        return
    names = Array()
    for key, ref in ids:
        names.extend([String(key), ref])
    id_tree = Dictionary({"Names": names})
    tree.pdf.add_object(id_tree)
    tree.root["IDTree"] = id_tree.reference


def _rewrite_streams(tree: _Tree, artifacts: dict, report: TaggingReport) -> int:
    """Turn the marked content of ``artifacts`` into ``/Artifact`` sequences."""
    from pydyf import Dictionary

    by_page: dict[int, dict[int, str]] = defaultdict(dict)
    for (page, mcid), kind in artifacts.items():
        by_page[page][mcid] = kind
    done = 0
    refs = tree.pdf.page_references
    for page, kinds in sorted(by_page.items()):
        stream = tree.get(tree.get(refs[page])["Contents"])
        items = stream.stream
        found = set()
        for i, item in enumerate(items):
            if isinstance(item, dict) and "MCID" in item and i + 1 < len(items) \
                    and items[i + 1] == b"BDC" and item["MCID"] in kinds:
                mcid = item["MCID"]
                items[i - 1] = "/Artifact"
                items[i] = Dictionary({"Type": kinds[mcid]})
                tree.page_arrays[page][mcid] = NULL
                found.add(mcid)
        done += len(found)
        missing = set(kinds) - found
        if missing:
            report.unresolved.append(f"page {page + 1}: {len(missing)} marked-content sequence(s) "
                                     "inside a form XObject left tagged")
    return done
