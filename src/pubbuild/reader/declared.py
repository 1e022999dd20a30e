"""What a page declares as its article, in schema.org's vocabulary.

News and blog templates mark the article's body for search engines: microdata
(``itemprop="articleBody"`` on the element holding the story) and JSON-LD (a
``"articleBody"`` field holding the whole text).  The declaration is the page's own
statement, written once in a template and so found on every page a site makes; it
is evidence the scoring cannot have, where a side column of columnists' paragraphs
scores more than a short story, or a story broken by an inline box is scored in
pieces.

Declarations are partial or wrong often enough to be guarded: a template that
puts ``itemprop="articleBody"`` on every paragraph of one story (the element
holding them all is the body), on one paragraph only (too little text: ignored),
on every story of a listing page (several items: ignored); a JSON-LD body that is a teaser
(short, or cut with an ellipsis: ignored), or one per story of a listing (ignored).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from .dom import HtmlElement, tag

#: The microdata property naming the article's body (a token of ``itemprop``).
_BODY_XPATH = "//*[@itemprop][contains(concat(' ', normalize-space(@itemprop), ' '), ' articleBody ')]"
#: Microdata items, and the types (``itemtype``) that make an item the article.
_ITEM_XPATH = "//*[@itemscope][@itemtype]"
ARTICLE_TYPE = re.compile(r"schema\.org/(\w*Article|BlogPosting|LiveBlogPosting|Report)$", re.IGNORECASE)
#: A JSON-LD body shorter than this (Readability's CHAR_THRESHOLD of text) is a summary.
LD_MIN_CHARS = 500
#: A body cut short for a teaser ends with an ellipsis.
_CUT = re.compile(r"(\.\.\.|…|\[\.\.\.\])\s*$")
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(slots=True)
class Declaration:
    """What the page declares of its article, found before scripts are stripped."""

    marked: bool = False
    """Whether some element carries ``itemprop="articleBody"`` (found again in each copy the
    extractor works on, by :func:`body_element`)."""
    text: str | None = None
    """The JSON-LD ``articleBody`` text, when there is one, long and not cut short."""
    items: bool = False
    """Whether some element is a microdata item of an article type (``itemtype`` ...``NewsArticle``,
    ``BlogPosting``), found again in each copy by :func:`article_items`."""


def declaration(doc: HtmlElement, source: str | None = None) -> Declaration | None:
    """The page's declarations of its article body, None when it makes none.  With ``source``
    (the page's text), the tree is searched only for what the text names: most pages declare
    nothing, and searching every tree cost 4% of the reader's time on the corpus's pages."""
    body = source is None or "articleBody" in source
    marked = body and bool(doc.xpath(f"boolean({_BODY_XPATH})"))
    text = _ld_body(doc) if body else None
    # (substring tests, not a regular expression: searching for "itemtype" in any case took ten
    # times as long as the tree's search; an article type is named with the "schema.org" domain,
    # which a page with JSON-LD alone names too)
    items = (source is None or "chema.org" in source and ("itemtype" in source or "itemType" in source)) \
        and bool(article_items(doc))
    return Declaration(marked, text, items) if marked or text or items else None


def _ld_body(doc: HtmlElement) -> str | None:
    """The one long JSON-LD ``articleBody`` of the page (None when there are several: a listing)."""
    bodies: set[str] = set()
    for script in doc.iter("script"):
        raw = script.text
        if not raw or '"articleBody"' not in raw or \
                (script.get("type") or "").strip().lower() != "application/ld+json":
            continue  # (the substring test first: most pages' JSON-LD declares no body)
        try:
            data = json.loads(re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", raw))
        except (ValueError, RecursionError):
            continue
        bodies.update(_bodies(data))
    if len(bodies) != 1:
        return None
    # CMSs write the field HTML-escaped, some as HTML: its text is compared with the page's
    text = _WS.sub(" ", html.unescape(_TAG.sub(" ", bodies.pop()))).strip()
    return text if len(text) >= LD_MIN_CHARS and not _CUT.search(text) else None


def _bodies(data: object, depth: int = 0) -> list[str]:
    """Every string ``articleBody`` in a JSON-LD document (objects, lists, ``@graph``)."""
    if depth > 8:
        return []
    if isinstance(data, list):
        return [b for item in data for b in _bodies(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    found = [data["articleBody"]] if isinstance(data.get("articleBody"), str) else []
    return found + [b for key, value in data.items() if key != "articleBody"
                    for b in _bodies(value, depth + 1) if isinstance(value, (dict, list))]


def body_element(root: HtmlElement) -> HtmlElement | None:
    """The element declared as the article's body in ``root``: the one marked, or the nearest
    element holding every mark when all marks belong to one item (microdata's item is the
    nearest ``itemscope`` ancestor: a template marks each paragraph of one story, or each of
    the pieces an inline box breaks it into).  None when the marks belong to several items:
    a listing page marks the body of each story it shows."""
    marked = root.xpath(_BODY_XPATH)
    if len(marked) <= 1:
        return marked[0] if marked else None
    items = {next((a for a in el.iterancestors() if a.get("itemscope") is not None), None) for el in marked}
    if len(items) > 1:
        return None
    common = [marked[0], *marked[0].iterancestors()]
    for el in marked[1:]:
        holders = {id(a) for a in (el, *el.iterancestors())}
        common = [a for a in common if id(a) in holders]
    # (marks all over the page, with no item around them, have only the body in common)
    return common[0] if common and tag(common[0]) not in ("body", "html") else None


def article_items(root: HtmlElement) -> list[HtmlElement]:
    """The microdata items of an article type in ``root``, but the page's ``html`` or ``body`` (an
    item that is the whole page locates nothing)."""
    return [el for el in root.xpath(_ITEM_XPATH) if tag(el) not in ("html", "body")
            and any(ARTICLE_TYPE.search(t) for t in (el.get("itemtype") or "").split())]

