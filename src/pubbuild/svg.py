"""SVG images, made safe and bounded the same way for both editions.

An SVG is a program for drawing, and a small one can ask for a great deal: ``<use>``
copies an element, so eight levels of ten copies of ten make a 2 kB file that draws
a hundred million shapes, and a ``width="NaN"`` reaches WeasyPrint's arithmetic.  So
before either edition draws or ships one:

- :func:`drawn_elements` counts the elements it draws with every ``<use>`` expanded
  (without expanding anything); over :data:`MAX_DRAWN_ELEMENTS`, or a ``<use>`` that
  refers to itself, it is refused (:class:`SvgProblem`), and the caller shows the
  text alternative with a diagnostic (E001 in the EPUB, S016 in the PDF).
- geometry that is no finite number (``NaN``, ``inf``, ``1e400``) or a ``viewBox``
  without a positive width and height is dropped, so the image is drawn at its
  default size instead (:func:`repair_geometry`).
- for the EPUB, and wherever an SVG is copied into an output (a project
  stylesheet's ``url()``), :func:`sanitize_svg` keeps an allow-list of static
  elements and no reference outside the file.

The parser resolves no entities, loads no DTD and keeps libxml2's default limits
(256 levels of nesting), so parsing itself is bounded.
"""

from __future__ import annotations

import math
import re

from lxml import etree


class SvgProblem(ValueError):
    """An SVG that cannot be drawn or shipped; the message says why."""


class SvgTooLarge(SvgProblem):
    """An SVG past :data:`MAX_DRAWN_ELEMENTS`, or whose ``<use>`` leads back to itself."""


#: Elements an SVG may draw, counting each ``<use>`` as the copy it makes.  Measured with
#: WeasyPrint 70: 20,000 copies of a rectangle take 13 s and 230 MB to lay out (2 cores,
#: load 11); the limit keeps the worst case within about half a minute.
MAX_DRAWN_ELEMENTS = 50_000

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_HREFS = ("href", f"{{{XLINK_NS}}}href")


def parse(data: bytes, strict: bool = True) -> etree._Element:
    """The SVG's root element; raises :class:`SvgProblem` for what is no SVG document
    (unless not ``strict``: then a root ``svg`` in no namespace, which renderers draw too)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgProblem(f"invalid SVG ({exc})") from None
    name = etree.QName(root)
    if name.localname != "svg" or (strict and name.namespace != SVG_NS):
        raise SvgProblem("not an SVG document")
    return root


def drawn_elements(root: etree._Element, limit: int = MAX_DRAWN_ELEMENTS) -> int:
    """How many elements ``root`` draws, each ``<use>`` counted as its target's copy; raises
    :class:`SvgProblem` past ``limit`` or for a ``<use>`` that leads back to itself.

    Each element's count is worked out once, children first, with an explicit stack
    (no recursion: a chain of a thousand ``<use>`` is no deeper than one)."""
    # An id given twice: renderers differ on which one a <use> takes, so it counts as taking
    # them all (a cycle through either, or the larger copy, cannot slip through).
    ids: dict[str, list[etree._Element]] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id"):
            ids.setdefault(el.get("id"), []).append(el)

    def targets(el) -> list[etree._Element]:
        if not isinstance(el.tag, str) or etree.QName(el).localname != "use":
            return []
        ref = next((el.get(h) for h in _HREFS if el.get(h)), "").strip()
        return ids.get(ref[1:], []) if ref.startswith("#") else []

    def drawn(el) -> bool:
        return not isinstance(el.tag, str) or etree.QName(el).localname not in NOT_RENDERED

    counts: dict[etree._Element, int] = {}
    open_: set[etree._Element] = set()
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, done = stack.pop()
        if el in counts:
            continue
        children = [c for c in el if isinstance(c.tag, str)]
        # What a container of definitions holds is drawn only through a <use> (counted there):
        # the container itself counts one.
        shown = [c for c in children if drawn(c)]
        parts = shown + targets(el)
        if not done:
            if el in open_:
                raise SvgTooLarge("a <use> refers to itself")
            open_.add(el)
            stack.append((el, True))
            stack.extend((p, False) for p in parts if p not in counts)
            continue
        if any(p not in counts for p in parts):  # a part still open: a cycle through <use>
            raise SvgTooLarge("a <use> refers to itself")
        open_.discard(el)
        hidden = len(children) - len(shown)
        counts[el] = min(1 + hidden + sum(counts[p] for p in parts), limit + 1)
        if counts[el] > limit:
            raise SvgTooLarge(f"draws more than {limit:,} elements once its <use> copies are made")
    return counts[root]


#: Containers whose content is drawn only when a ``<use>`` (or a paint, clip or mask
#: reference) asks for it.
NOT_RENDERED = frozenset({"defs", "symbol", "clipPath", "mask", "pattern", "marker", "linearGradient",
                          "radialGradient", "filter", "style", "title", "desc", "metadata"})

#: Attributes giving a length or a position: a value with no finite number is dropped.
GEOMETRY = frozenset({"width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
                      "refX", "refY", "markerWidth", "markerHeight", "stroke-width", "font-size"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_A_NUMBER = re.compile(r"(?i)\b(?:nan|inf(?:inity)?)\b")


def _finite(value: str) -> bool:
    numbers = _NUMBER.findall(value)
    return not _NOT_A_NUMBER.search(value) and all(math.isfinite(float(n)) for n in numbers)


def _good_view_box(value: str) -> bool:
    numbers = _NUMBER.findall(value)
    return (len(numbers) == 4 and _finite(value) and float(numbers[2]) > 0 and float(numbers[3]) > 0)


def repair_geometry(root: etree._Element) -> bool:
    """Drop lengths that are no finite number and a ``viewBox`` without a positive size
    (the element is then drawn at its default size); whether anything was dropped."""
    changed = False
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            value = el.attrib[name]
            if (name == "viewBox" and not _good_view_box(value)) or (name in GEOMETRY and not _finite(value)):
                del el.attrib[name]
                changed = True
    return changed


def bounded(data: bytes) -> bytes:
    """``data`` ready for a renderer that draws SVG (the PDF's): refused past the drawing
    limit (:class:`SvgTooLarge`), geometry repaired; the same bytes when nothing needed
    repair, or when it does not parse (the renderer cannot draw it either)."""
    try:
        root = parse(data, strict=False)
    except SvgProblem:
        return data
    drawn_elements(root)
    if not repair_geometry(root):
        return data
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` starts like an SVG document (the bytes decide, not a name)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head


#: Static SVG elements kept; anything else (script, foreignObject, animation,
#: unknown namespaces) is dropped with its content.
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "filter", "feBlend",
    "feColorMatrix", "feComponentTransfer", "feComposite", "feFlood", "feGaussianBlur", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "feFuncR", "feFuncG", "feFuncB", "feFuncA", "image", "style",
})
#: Attributes dropped whatever their value (event handlers are caught by prefix).
SVG_BAD_ATTRIBUTES = frozenset({"externalResourcesRequired"})


def _safe_reference(value: str) -> bool:
    """Only fragment references and embedded raster data stay inside the image."""
    v = value.strip().lower()
    return v.startswith(("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"))


def _safe_css(css: str) -> bool:
    """CSS that reaches nothing outside the file (no url() but fragments, no @import)."""
    low = css.lower()
    if "@import" in low or "expression(" in low or "javascript:" in low or "\\" in low:
        return False
    rest = low
    while "url(" in rest:
        rest = rest.split("url(", 1)[1]
        if not rest.lstrip(" '\"").startswith("#"):
            return False
    return True


def sanitize_svg(data: bytes, dropped: list[str] | None = None) -> bytes:
    """A static, self-contained copy of an SVG: an allowlist of elements, no scripts,
    event handlers, animation, external references or entity expansion; bounded as
    :func:`drawn_elements` says and with its geometry repaired.  Each reference to
    something outside the file that was removed is appended to ``dropped``.

    An allowlist rather than a blocklist because SVG keeps growing ways to run
    code or load resources; what is not known to be inert goes.  The parser
    resolves no entities and loads no DTD (no billion-laughs, no XXE).
    """
    root = parse(data)
    drawn_elements(root)
    repair_geometry(root)
    for link in list(root.iter(f"{{{SVG_NS}}}a")):
        _unwrap(link)  # a link inside a picture goes nowhere useful in a book
    _clean_svg_element(root, [] if dropped is None else dropped)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _drop(el) -> None:
    """Remove ``el`` but not the text that follows it (lxml keeps that in ``tail``)."""
    _append_text(el, el.tail)
    el.getparent().remove(el)


def _unwrap(el) -> None:
    """Replace ``el`` by its content (text and children), in place."""
    _append_text(el, el.text)
    for child in list(el):
        el.addprevious(child)
    _drop(el)


def _append_text(el, text: str | None) -> None:
    """Add ``text`` just before ``el`` (to its previous sibling's tail or parent's text)."""
    if not text:
        return
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def _clean_svg_attributes(el, dropped: list[str]) -> None:
    for name in list(el.attrib):
        aq = etree.QName(name)
        value = el.attrib[name]
        reference = ((aq.localname == "href" and not _safe_reference(value))
                     or (("url(" in value.lower() or aq.localname == "style") and not _safe_css(value)))
        if reference:
            dropped.append(value)
        if (reference or aq.localname.lower().startswith("on") or aq.localname in SVG_BAD_ATTRIBUTES
                or aq.namespace not in (None, XLINK_NS, XML_NS)):
            del el.attrib[name]


def _clean_svg_element(el, dropped: list[str]) -> None:
    _clean_svg_attributes(el, dropped)
    for child in list(el):
        if not isinstance(child.tag, str):  # unexpanded entity reference
            _drop(child)
            continue
        q = etree.QName(child)
        unsafe_style = q.localname == "style" and not _safe_css(child.text or "")
        if unsafe_style:
            dropped.append(child.text or "")
        if q.namespace != SVG_NS or q.localname not in SVG_ELEMENTS or unsafe_style:
            _drop(child)
        else:
            _clean_svg_element(child, dropped)
