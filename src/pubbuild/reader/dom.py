"""Small helpers over the lxml tree, shared by every stage of the HTML reader.

They live apart from the stages so that no stage imports another for a helper
(``extract`` and ``furniture`` used to import each other for these).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeAlias

from lxml import etree

#: Trees are parsed with plain lxml.etree (no per-element Python class lookup: measurably
#: faster than lxml.html on whole pages).
HtmlElement: TypeAlias = etree._Element


def tag(el: HtmlElement) -> str:
    """The element's tag in lower case; "" for comments and processing instructions."""
    name = el.tag
    return name.lower() if isinstance(name, str) else ""


def text_content(el: HtmlElement) -> str:
    """All the text inside ``el`` (not its tail)."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def inner_text(el: HtmlElement) -> str:
    """The element's text with white space collapsed (Readability's innerText)."""
    return " ".join(text_content(el).split())


#: The ASCII characters Python counts as white space (str.isspace, which split() splits at).
_ASCII_SPACE = bytes(c for c in range(128) if chr(c).isspace())


def letters(text: str) -> int:
    """Characters of ``text`` other than white space (split and join run in C; an ASCII
    text's white space is deleted as bytes, faster still)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_SPACE))
    return len("".join(text.split()))


def has_words(el: HtmlElement) -> bool:
    """Whether ``el`` holds text other than white space (:func:`inner_text` is not empty),
    read only up to its first word, not through a whole page."""
    return any(text and not text.isspace() for text in el.itertext())


def short_text(el: HtmlElement, limit: int) -> str | None:
    """:func:`inner_text` of ``el``, or None when it certainly holds more than ``limit``
    characters: a rule that tests short texts reads a long block (the article's wrapper, say)
    only until it has passed ``limit`` characters other than white space, each of which is in
    the inner text.  The text returned may still be longer than ``limit``; callers check.

    ``itertext`` yields what :func:`text_content` holds (comments' and processing
    instructions' tails, not their content), as long as the tree has no entity reference
    nodes, which the HTML parser never makes."""
    pieces: list[str] = []
    raw = 0
    texts = el.itertext()
    for text in texts:
        pieces.append(text)
        raw += len(text)
        if raw > limit:
            # Past ``limit`` with its white space: only now are the other characters counted
            # (most blocks tested are short, and their pieces are not counted one by one).
            count = letters("".join(pieces))
            if count > limit:
                return None
            for text in texts:
                count += letters(text)
                if count > limit:
                    return None
                pieces.append(text)
    return " ".join("".join(pieces).split())


_WORD = re.compile(r"\w+")


def word_set(text: str) -> set[str]:
    """The distinct words of ``text``, lower-cased (to compare two texts word for word)."""
    return set(_WORD.findall(text.lower()))


def href_links(el: HtmlElement) -> Iterator[HtmlElement]:
    """The links under ``el`` (``el`` itself, if it is one) that lead somewhere: an ``a`` with an
    ``href``, not a named anchor (``<a name="top">``) nor an ``a`` a script fills in."""
    return (a for a in el.iter("a") if a.get("href"))


def readable_chars(el: HtmlElement, length: int | None = None) -> int:
    """Characters of ``el``'s text outside links: what a reader would read on the page
    (``length``: that of its :func:`inner_text`, when known)."""
    length = len(inner_text(el)) if length is None else length
    return length - sum(len(inner_text(a)) for a in el.iter("a"))


def link_density(el: HtmlElement, length: int | None = None) -> float:
    """Share of ``el``'s text inside links (in-page links count for less: contents, notes)."""
    length = len(inner_text(el)) if length is None else length
    if not length:
        return 0.0
    links = 0.0
    for a in el.iter("a"):
        href = a.get("href") or ""
        coefficient = 0.3 if href.startswith("#") and len(href) > 1 else 1.0
        links += len(inner_text(a)) * coefficient
    return links / length


def remove(el: HtmlElement) -> None:
    """Remove ``el`` and its content, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
