"""A project's own stylesheets, applied after the house styles.

The cascade, lowest first: the house stylesheet shipped with pubbuild
(``data/styles/epub.css`` or ``print.css``), then the project's
``styles/epub.css`` or ``styles/print.css``; for print, the ``pdf:`` manifest keys
and the command line's page options come last, so a page size set there wins over
an ``@page`` rule in the project's sheet (one set nowhere leaves the sheet's).

A project stylesheet is the editor's file, but it is still read as untrusted
input: it must not make a build read a file outside the project or reach the
network.  Each ``url()`` is resolved against the stylesheet's folder and inlined
as a ``data:`` URI when it names a file inside the project; anything else
(``http:``, ``file:``, a path leading out of the project, ``@import``) is
dropped with a diagnostic (S013), and a missing or oversized file gets S014.
Inlining means neither backend needs to follow a reference at all: the EPUB
ships one self-contained sheet, the PDF's fetcher never sees the project's URLs.

A project file identical to the house sheet (the sample links its ``styles/`` to
them; older ``pubbuild init`` copied them) or holding only comments (the starter
sheets ``pubbuild init`` writes) adds nothing and is left out, so such a project
builds byte for byte as one without ``styles/``.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from pathlib import Path

from . import diagnostics
from .paths import inside
from .resources import styles_dir

logger = logging.getLogger(__name__)

#: Largest file a project stylesheet may inline (fonts, background images).
MAX_RESOURCE = 8 * 1024 * 1024

#: Media types of what a stylesheet may reference, by suffix (mimetypes lacks some fonts).
MEDIA_TYPES = {".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
               ".otf": "font/otf", ".svg": "image/svg+xml"}


def project_stylesheet(root: Path | None, name: str, diags: list) -> str | None:
    """The project's ``styles/<name>`` made safe to apply, or None when there is none
    (or it only repeats the house sheet).  Findings are appended to ``diags``."""
    if root is None:
        return None
    path = root / "styles" / name
    if not path.is_file():
        return None
    where = f"styles/{name}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        diags.append(diagnostics.make("S014", f"project stylesheet not read: {exc.strerror}", where))
        return None
    house = styles_dir() / name
    if house.is_file() and data == house.read_bytes():
        return None
    if not inside(root, path):
        diags.append(diagnostics.make("S013", "project stylesheet refused: it lies outside the "
                                              "project (a link leading out of it)", where))
        return None
    css = confine(data.decode("utf-8", errors="replace"), path.parent, root, where, diags)
    return css if css.strip() else None  # comments only (pubbuild init's starter sheets)


def confine(css: str, base: Path, root: Path, where: str, diags: list) -> str:
    """``css`` with every ``url()`` inside ``root`` inlined and every other reference
    (and ``@import``) removed, each reported once."""
    import tinycss2

    def refuse(code: str, message: str) -> None:
        diags.append(diagnostics.make(code, message, where))

    def walk(nodes) -> list:
        out = []
        for node in nodes or []:
            if node.type == "url" or (node.type == "function" and node.lower_name == "url"):
                ref = node.value if node.type == "url" else _string_arg(node)
                out.append(_inline(ref, base, root, refuse) or node)
                continue
            for attr in ("prelude", "content", "arguments"):
                value = getattr(node, attr, None)
                if isinstance(value, list):
                    setattr(node, attr, walk(value))
            out.append(node)
        return out

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=False)
    kept = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            refuse("S013", "@import in a project stylesheet refused; put the rules in the file itself")
            continue
        kept.append(rule)
    return tinycss2.serialize(walk(kept)).strip() + "\n"


def _string_arg(node) -> str | None:
    strings = [a.value for a in node.arguments if a.type == "string"]
    return strings[0] if strings else None


def _inline(ref: str | None, base: Path, root: Path, refuse):
    """The token standing for ``url(ref)``: a ``data:`` URI of a project file, ``none``
    (which invalidates the declaration, so CSS drops it) for a refused one, or None to
    keep a fragment or ``data:`` reference as it is."""
    from tinycss2 import ast

    dropped = ast.IdentToken(0, 0, "none")
    if not ref:
        return dropped
    if ref.startswith("#") or ref.lower().startswith("data:"):
        return None
    if ":" in ref.split("/")[0] or ref.startswith("//"):
        refuse("S013", f"url({ref}) refused: a project stylesheet reads files of the project only, "
                       "never the network or other files")
        return dropped
    target = base / ref.split("?")[0].split("#")[0]
    if not inside(root, target):
        refuse("S013", f"url({ref}) refused: outside the project")
        return dropped
    try:
        size = target.stat().st_size
        if size > MAX_RESOURCE:
            refuse("S014", f"url({ref}) left out: {size} bytes, more than {MAX_RESOURCE}")
            return dropped
        data = target.read_bytes()
    except OSError:
        refuse("S014", f"url({ref}) left out: no such file in the project")
        return dropped
    media = MEDIA_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
    media = media or "application/octet-stream"
    uri = f"data:{media};base64,{base64.b64encode(data).decode()}"  # nothing in it needs escaping
    return ast.URLToken(0, 0, uri, f"url({uri})")


__all__ = ["MAX_RESOURCE", "confine", "project_stylesheet"]
