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

from ... import diagnostics
from ...imagesize import oversize
from ...model import Image
from ...remote import RemoteFetcher, RemoteRefused
from ...svg import SvgProblem, SvgTooLarge, looks_like_svg, sanitize_svg

logger = logging.getLogger(__name__)

#: Core media types -> file extension in the package.
CORE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp", "image/svg+xml": ".svg"}


class ImageProblem(Exception):
    """An image cannot be packaged; the message says why (and ``code`` which diagnostic)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


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
    if looks_like_svg(data):
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
        media = sniff(data)
        # Pillow reads no SVG (it has its own bound, the drawing limit below): asking it
        # would only load every one of its format plugins, a tenth of a second per build.
        problem = oversize(data) if media != "image/svg+xml" else None
        if problem:
            raise ImageProblem(problem)
        if media is None:
            data, media = _convert_to_png(data), "image/png"
        if media == "image/svg+xml":
            try:
                data = sanitize_svg(data)
            except SvgProblem as exc:  # past the drawing limit: L005, as in the PDF
                raise ImageProblem(str(exc), "L005" if isinstance(exc, SvgTooLarge) else None) from None
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
        if image.local is None and not image.src.strip().lower().startswith(("data:", "http://", "https://")):
            # No file, no data, no web address: the reader refused it or did not find it, and
            # said why (S006, S007, S011); a second finding here would report one cause twice.
            return None
        href = None
        try:
            href = self.add(self.bytes_for(image))
        except ImageProblem as exc:
            remote = image.local is None and image.src.lower().startswith(("http://", "https://"))
            label = image.src if not image.src.startswith("data:") else "embedded image"
            code = exc.code or ("A002" if remote else "E001")
            instead = ("it was decorative and is left out" if image.decorative
                       else "its text alternative is shown instead")
            self.diagnostics.append(diagnostics.make(code, f"image {label} {exc}; {instead}", where))
        self._seen[key] = href
        return href

    def by_href(self, href: str | None) -> PackagedImage | None:
        return self.items.get(href) if href else None

