"""The final allow-list gate: nh3 (ammonia) over the article HTML.

Everything the reader maps onto the model passes through here first, so no
executable content can reach the model whatever the cleaning before it
missed: scripts, event-handler attributes, ``javascript:`` and other unsafe
URL schemes, iframes, objects, embeds and forms.  Elements not allowed lose
their tags but keep their text; executable and interactive elements lose their
content too.  ``data-line`` carries each element's source line through the
re-serialisation so diagnostics can still name it.
"""

from __future__ import annotations

import nh3

# URL schemes a link or image may use: one list (urlsafety) for the reader, the cache and the writer.
from ..urlsafety import URL_SCHEMES

#: Elements kept (their meaning is mapped by the reader's converter tables).
TAGS = frozenset({
    "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote",
    "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "ol", "p",
    "picture", "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "wbr", "listing", "xmp",
})

#: Elements removed together with their content wherever they appear: executable,
#: interactive, embedded and navigation elements, and the page's head.  The reader drops
#: them first too (``reader.html``), so that their text stays out of the extractor's
#: scores; one list, so the two can never differ.  The void ones (``source``, ``meta`` ...)
#: have no content to remove, but naming them says they never reach the model.
DROP = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "form",
    "input", "button", "select", "textarea", "option", "label", "fieldset", "canvas", "audio",
    "video", "source", "track", "map", "area", "frame", "frameset", "dialog", "menu", "svg",
    "math", "link", "meta", "base", "head", "title", "nav",
})

_COMMON = {"lang", "dir", "id", "title", "class", "role", "data-line", "epub:type"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "rel", "name"},
    "img": {"src", "alt", "width", "height", "data-src", "data-lazy-src", "data-original", "srcset"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed", "type"},
    # align: a column's alignment (numbers to the right), which Markdown tables also give
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "scope", "headers", "align"},
    "time": {"datetime"},
    "abbr": {"title"},
    "table": {"summary"},
    "pre": {"class"},
    "code": {"class"},
}


#: The allow-list built once (nh3.clean builds it anew on every call: 80 µs of every article).
_CLEANER = nh3.Cleaner(tags=set(TAGS), clean_content_tags=set(DROP),
                       attributes={k: set(v) for k, v in ATTRIBUTES.items()}, strip_comments=True,
                       link_rel=None, url_schemes=set(URL_SCHEMES))


def sanitize(html: str) -> str:
    """``html`` with only the allow-listed elements, attributes and URL schemes."""
    return _CLEANER.clean(html)
