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
from urllib.parse import unquote_to_bytes

from . import diagnostics
from .paths import inside
from .resources import styles_dir
from .svg import looks_like_svg
from .urlsafety import scheme

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
    (and ``@import``) removed, each reported once; a rule nested deeper than
    :data:`MAX_NESTING` or chaining more than :data:`MAX_STEPS` parts is left out (S015).

    What is checked is the parse of the input, what is shipped its serialisation, and a
    broken sheet can read differently the second time (the fuzz run found a ``url()``
    that appeared only once rewritten): the result is checked again until a reading
    refuses nothing more, and a sheet that keeps yielding new refusals is left out
    whole (S013)."""
    out = _confine_once(css, base, root, where, diags)
    for _ in range(3):
        found: list = []
        again = _confine_once(out, base, root, where, found)
        if not found:  # the text shipped reads as nothing refused
            return out
        diags.extend(found)
        out = again
    diags.append(diagnostics.make("S013", "project stylesheet left out: it reads differently each time "
                                          "it is rewritten", where))
    return ""


def _confine_once(css: str, base: Path, root: Path, where: str, diags: list) -> str:
    import tinycss2
    from tinycss2 import ast

    def refuse(code: str, message: str) -> None:
        diags.append(diagnostics.make(code, message, where))

    def walk(nodes, in_image: bool = False) -> list:
        out = []
        for node in nodes or []:
            if node.type == "error":  # a bad string or url, a stray ")": no CSS, and unserialisable
                continue
            if node.type == "function" and node.lower_name == "url" and not _one_string(node):
                # url("a" url(http://…)): what follows the address is never checked, so it goes
                refuse("S013", "url() holding more than one address refused")
                out.append(ast.IdentToken(0, 0, "none"))
                continue
            if node.type == "url" or (node.type == "function" and node.lower_name == "url"):
                ref = node.value if node.type == "url" else _string_arg(node)
                out.append(_inline(ref, base, root, refuse) or node)
                continue
            if in_image and node.type == "string":  # image-set("a.png" 1x): the string is a URL
                out.append(_inline(node.value, base, root, refuse) or node)
                continue
            for attr in ("prelude", "content", "arguments"):
                value = getattr(node, attr, None)
                if isinstance(value, list):
                    setattr(node, attr, walk(value, node.type == "function" and node.lower_name in URL_FUNCTIONS))
            out.append(node)
        return out

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=False)
    kept = []
    for rule in rules:
        if rule.type == "error":  # what CSS ignores (a stray "}", an unclosed rule) goes
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            refuse("S013", "@import in a project stylesheet refused; put the rules in the file itself")
            continue
        problem = _too_complex(rule)
        if problem:
            refuse("S015", f"rule at line {rule.source_line} left out: {problem}")
            continue
        kept.append(rule)
    return tinycss2.serialize(walk(kept)).strip() + "\n"


#: Functions whose string arguments are URLs (CSS Images 4, and the prefixed form browsers read).
URL_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade", "-webkit-cross-fade", "src"})
#: Deepest nesting of blocks and functions a rule may have (``@media { p { … } }`` is 2,
#: ``calc(var(--a, calc(…)))`` 3).  Selector and layout code recurse per level: WeasyPrint
#: and the serialiser fail with RecursionError at a few hundred.
MAX_NESTING = 32
#: Most parts one selector or value may chain (compound selectors joined by combinators,
#: or space-separated values); selector matching recurses per step.
MAX_STEPS = 128


def _too_complex(rule) -> str | None:
    """Why ``rule`` is too deep or too long to apply, or None.  Walked with a stack, so
    that measuring a rule of any depth cannot fail itself."""
    from tinycss2 import ast

    if isinstance(rule, (ast.WhitespaceToken, ast.Comment, ast.ParseError)):
        return None
    stack = [(list(rule.prelude or []), 1)]
    if rule.content is not None:
        stack.append((list(rule.content), 2))
    while stack:
        tokens, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nested deeper than {MAX_NESTING} levels"
        steps, gap = 1, False
        for token in tokens:
            if token.type == "whitespace" or (token.type == "literal" and token.value in (">", "+", "~")):
                gap = True
                continue
            if token.type == "literal" and token.value in (",", ";") or token.type == "{} block":
                steps, gap = 1, False
            elif gap:
                steps, gap = steps + 1, False
                if steps > MAX_STEPS:
                    return f"a selector or value of more than {MAX_STEPS} parts"
            for attr in ("content", "arguments"):
                inner = getattr(token, attr, None)
                if isinstance(inner, list):
                    stack.append((inner, depth + 1))
    return None


def _one_string(node) -> bool:
    """Whether the ``url()`` function holds one string and nothing else but spaces."""
    args = [a for a in node.arguments if a.type not in ("whitespace", "comment")]
    return len(args) == 1 and args[0].type == "string"


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
    if ref.startswith("#"):
        return None
    if scheme(ref) == "data":
        return _checked_data(ref, refuse, dropped)
    if scheme(ref) or ref.startswith("//"):
        refuse("S013", f"url({ref}) refused: a project stylesheet reads files of the project only, "
                       "never the network or other files")
        return dropped
    target = base / ref.split("?")[0].split("#")[0]
    if not inside(root, target):
        refuse("S013", f"url({ref}) refused: outside the project")
        return dropped
    try:
        if target.exists() and not target.is_file():  # a FIFO would block the build, a device never end
            refuse("S014", f"url({ref}) left out: not a regular file")
            return dropped
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
    if media == "image/svg+xml" or looks_like_svg(data):
        checked = _checked_svg(data, f"url({ref})", refuse)
        if checked is None:
            return dropped
        data = checked
    return _data_token(media, data)


def _data_token(media: str, data: bytes):
    from tinycss2 import ast

    uri = f"data:{media};base64,{base64.b64encode(data).decode()}"  # nothing in it needs escaping
    return ast.URLToken(0, 0, uri, f"url({uri})")


#: Media types a ``data:`` URI in a project stylesheet may have: pictures and fonts
#: (``text/html`` or a script is never a background).
DATA_TYPES = ("image/", "font/", "application/font-", "application/x-font-", "application/vnd.ms-fontobject",
              "application/vnd.ms-opentype", "application/octet-stream")


def _checked_data(ref: str, refuse, dropped):
    """A ``data:`` reference kept (None), rebuilt from its sanitised SVG, or ``dropped``."""
    head, comma, payload = ref.strip()[5:].partition(",")
    media = head.split(";")[0].strip().lower()
    if not comma or not media.startswith(DATA_TYPES):
        refuse("S013", f"url(data:{media or 'text/plain'},…) refused: a stylesheet embeds pictures and fonts only")
        return dropped
    if media != "image/svg+xml":
        return None
    try:
        data = base64.b64decode(payload, validate=False) if ";base64" in head.lower() else unquote_to_bytes(payload)
    except ValueError:
        refuse("S013", "url(data:image/svg+xml,…) refused: malformed")
        return dropped
    clean = _checked_svg(data, "url(data:image/svg+xml,…)", refuse)
    return dropped if clean is None else _data_token(media, clean)


def _checked_svg(data: bytes, label: str, refuse) -> bytes | None:
    """An SVG made self-contained and bounded (:func:`pubbuild.svg.sanitize_svg`), or None
    (reported) when it refers outside itself or cannot be drawn."""
    from .svg import SvgProblem, sanitize_svg

    outside: list[str] = []
    try:
        clean = sanitize_svg(data, outside)
    except SvgProblem as exc:
        refuse("S013", f"{label} refused: {exc}")
        return None
    if outside:
        refuse("S013", f"{label} refused: the SVG refers to {outside[0][:80]!r} outside itself")
        return None
    return clean


__all__ = ["MAX_RESOURCE", "confine", "project_stylesheet"]
