"""Which addresses may reach an output: one allow-list for the reader, the article
cache, the shared writer and the project stylesheet checks.

A scheme is read the way a browser reads it (WHATWG URL parsing): leading and
trailing C0 controls and spaces are ignored, and tabs and newlines anywhere are
removed, so ``" Java\\tScript:alert(1)"`` is a ``javascript:`` URL and is refused
like one.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: URL schemes a link or image may use; any other (``javascript:``, ``file:`` ...) is removed
#: by the reader's sanitiser and refused by its link resolver, the cache and the writer alike.
URL_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel", "data"})
#: Schemes a link may point to: ``data:`` is no useful target (and ``data:text/html`` runs code).
LINK_SCHEMES = URL_SCHEMES - {"data"}
#: Schemes an article's source address may have: the page was on the web.
SOURCE_SCHEMES = frozenset({"http", "https"})

_STRIPPED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def scheme(url: str) -> str:
    """The lower-case scheme a browser would see in ``url``; ``""`` for a relative reference."""
    cleaned = _TAB_OR_NEWLINE.sub("", _STRIPPED.sub("", url))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def parses(url: str) -> bool:
    """Whether ``url`` splits into parts (an unclosed ``[`` host does not)."""
    try:
        urlsplit(url).port  # noqa: B018 - reading the port is what checks the host
    except ValueError:
        return False
    return True


def safe_link(href: str) -> bool:
    """A link target the outputs may hold: a fragment, or an absolute URL of an allowed scheme."""
    if href.startswith("#"):
        return True
    return scheme(href) in LINK_SCHEMES and parses(href)


def safe_image(src: str) -> bool:
    """An image address the outputs may refer to: a path in the project, an ``http(s):``
    URL, or a ``data:image/...`` URI."""
    kind = scheme(src)
    if not kind:
        return not src.startswith(("/", "\\"))
    if kind == "data":
        return src.strip()[5:].lstrip().lower().startswith("image/")
    return kind in ("http", "https") and parses(src)


def safe_source(url: str) -> bool:
    """An article's address on the web: ``http(s):`` with a host."""
    if scheme(url) not in SOURCE_SCHEMES or not parses(url):
        return False
    return bool(urlsplit(url.strip()).hostname)
