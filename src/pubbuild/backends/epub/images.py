"""Images for the EPUB package: identified by their bytes, sanitised, never fetched blindly.

An image lands in the package only as one of the EPUB 3 core media types
(PNG, JPEG, GIF, WebP, SVG), named by a hash of its content so that the same
picture used twice is stored once and file names are stable across builds.
The media type comes from the bytes, not the file name, because a mislabelled
file is a packaging error in every reading system.  Other raster formats that
Pillow reads (BMP, TIFF ...) are converted to PNG.  A remote image is fetched
only when the user allowed the network, through :mod:`pubbuild.remote` (the PDF's
fetcher too); otherwise (or when fetching fails)
the caller renders its text alternative and a diagnostic says why.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from lxml import etree

from ... import diagnostics
from ...imagesize import oversize
from ...model import Image
from ...remote import RemoteFetcher, RemoteRefused

logger = logging.getLogger(__name__)

#: Core media types -> file extension in the package.
CORE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp", "image/svg+xml": ".svg"}


class ImageProblem(Exception):
    """An image cannot be packaged; the message says why."""


@dataclass(slots=True)
class PackagedImage:
    """One image file inside the package."""

    href: str
    """Path inside the package (``images/<hash>.<ext>``)."""
    media_type: str
    """Core media type, from the bytes."""
    data: bytes
    """The file's bytes (sanitised for SVG)."""
    animated: bool = False
    """True for an animated GIF/WebP/PNG (a possible flashing hazard)."""


def sniff(data: bytes) -> str | None:
    """The core media type of ``data`` by its magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def _is_animated(data: bytes) -> bool:
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as im:
            return bool(getattr(im, "is_animated", False))
    except Exception:  # noqa: BLE001 - an unreadable raster is judged elsewhere
        return False


def _convert_to_png(data: bytes) -> bytes:
    """A raster that is not a core media type, re-encoded as PNG (first frame)."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            opened.load()
            im: PILImage.Image = opened
            if im.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                im = im.convert("RGBA")
            out = io.BytesIO()
            im.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageProblem("not an image format pubbuild can read") from exc
    return out.getvalue()


# ------------------------------------------------------------------ SVG

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
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


def sanitize_svg(data: bytes) -> bytes:
    """A static, self-contained copy of an SVG: an allowlist of elements, no scripts,
    event handlers, animation, external references or entity expansion.

    An allowlist rather than a blocklist because SVG keeps growing ways to run
    code or load resources; what is not known to be inert goes.  The parser
    resolves no entities and loads no DTD (no billion-laughs, no XXE).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"invalid SVG ({exc})") from None
    if etree.QName(root).namespace != SVG_NS or etree.QName(root).localname != "svg":
        raise ImageProblem("not an SVG document")
    for link in list(root.iter(f"{{{SVG_NS}}}a")):
        _unwrap(link)  # a link inside a picture goes nowhere useful in a book
    _clean_svg_element(root)
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


def _clean_svg_attributes(el) -> None:
    for name in list(el.attrib):
        aq = etree.QName(name)
        value = el.attrib[name]
        if (aq.localname.lower().startswith("on") or aq.localname in SVG_BAD_ATTRIBUTES
                or aq.namespace not in (None, XLINK_NS, XML_NS)
                or (aq.localname == "href" and not _safe_reference(value))
                or (("url(" in value.lower() or aq.localname == "style") and not _safe_css(value))):
            del el.attrib[name]


def _clean_svg_element(el) -> None:
    _clean_svg_attributes(el)
    for child in list(el):
        if not isinstance(child.tag, str):  # unexpanded entity reference
            _drop(child)
            continue
        q = etree.QName(child)
        unsafe_style = q.localname == "style" and not _safe_css(child.text or "")
        if q.namespace != SVG_NS or q.localname not in SVG_ELEMENTS or unsafe_style:
            _drop(child)
        else:
            _clean_svg_element(child)


# ------------------------------------------------------------------ packaging


@dataclass
class ImagePackager:
    """Collects the images a publication uses; one instance per build."""

    allow_network: bool = False
    """Whether remote images may be fetched."""
    items: dict[str, PackagedImage] = field(default_factory=dict)
    """href -> packaged image."""
    diagnostics: list = field(default_factory=list)
    """Diagnostics raised (A002, E001)."""
    _seen: dict[str, str | None] = field(default_factory=dict)
    _remote: RemoteFetcher = field(default_factory=RemoteFetcher)

    def bytes_for(self, image: Image) -> bytes:
        """The image's bytes, from disk, a ``data:`` URL or (when allowed) the network."""
        src = image.src.strip()
        if image.local is not None:
            try:
                return image.local.read_bytes()
            except OSError as exc:
                raise ImageProblem(f"cannot read {image.local.name}: {exc.strerror}") from None
        if src.startswith("data:"):
            head, _, payload = src.partition(",")
            try:
                return base64.b64decode(payload, validate=False) if ";base64" in head.lower() \
                    else unquote_to_bytes(payload)
            except ValueError:
                raise ImageProblem("malformed data: URL") from None
        if src.lower().startswith(("http://", "https://")):
            if not self.allow_network:
                raise ImageProblem("not fetched (use --allow-network)")
            try:
                return self._remote.fetch(src).data
            except RemoteRefused as exc:
                raise ImageProblem(f"not fetched: {exc}") from None
        raise ImageProblem("not found in the project")

    def add(self, data: bytes, name_hint: str | None = None) -> str:
        """Package ``data``; return its href.  Raises ImageProblem."""
        problem = oversize(data)
        if problem:
            raise ImageProblem(problem)
        media = sniff(data)
        if media is None:
            data, media = _convert_to_png(data), "image/png"
        if media == "image/svg+xml":
            data = sanitize_svg(data)
        animated = media in ("image/gif", "image/webp", "image/png") and _is_animated(data)
        stem = name_hint or hashlib.sha256(data).hexdigest()[:16]
        href = f"images/{stem}{CORE_TYPES[media]}"
        self.items[href] = PackagedImage(href, media, data, animated)
        return href

    def package(self, image: Image, where: str | None) -> str | None:
        """The package href for ``image``, or None (with a diagnostic) when it cannot be
        included and the text alternative must stand in for it."""
        key = str(image.local) if image.local is not None else image.src
        if key in self._seen:
            return self._seen[key]
        if image.local is None and not image.src.strip():
            return None  # refused by the reader, which said why (S006, S007, S011)
        href = None
        try:
            href = self.add(self.bytes_for(image))
        except ImageProblem as exc:
            remote = image.local is None and image.src.lower().startswith(("http://", "https://"))
            label = image.src if not image.src.startswith("data:") else "embedded image"
            code = "A002" if remote else "E001"
            instead = ("it was decorative and is left out" if image.decorative
                       else "its text alternative is shown instead")
            self.diagnostics.append(diagnostics.make(code, f"image {label} {exc}; {instead}", where))
        self._seen[key] = href
        return href

    def by_href(self, href: str | None) -> PackagedImage | None:
        return self.items.get(href) if href else None

