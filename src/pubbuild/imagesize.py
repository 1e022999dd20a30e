"""How large a picture may be: one limit, checked from the file's header only.

A raster declaring tens of thousands of pixels a side is a decompression bomb or a
poster, not an article's figure: decoding it takes gigabytes, Pillow refuses it
mid-build, and WeasyPrint silently leaves it out.  Both editions therefore ask
:func:`oversize` before using an image, and a refused image gets the same stand-in
(its text alternative) in the EPUB and the PDF.  Only the header is read: the check
costs microseconds whatever the image's size.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

#: Most pixels an image may have: 50 megapixels (a 8660 x 5773 photograph).
MAX_PIXELS = 50_000_000
#: Longest side in pixels (a long thin strip can stay under MAX_PIXELS and still be absurd).
MAX_SIDE = 30_000


def oversize(image: bytes | Path) -> str | None:
    """Why ``image`` is too large to use (``"is 50000x50000 pixels ..."``), or None.

    None also for what is not a raster Pillow knows (SVG, damaged files): other
    checks judge those."""
    from PIL import Image as PILImage

    source = io.BytesIO(image) if isinstance(image, bytes) else image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(source) as im:
                width, height = im.size
    except PILImage.DecompressionBombError as exc:  # past Pillow's own limit
        m = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f"{int(m.group(1)):,} pixels" if m else "too many pixels"
        return f"declares {pixels} (limit {MAX_PIXELS:,})"
    except Exception:  # noqa: BLE001 - not a raster Pillow reads: not this check's business
        return None
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        return (f"is {width}x{height} pixels, larger than the limit "
                f"({MAX_PIXELS:,} pixels, {MAX_SIDE:,} a side)")
    return None
