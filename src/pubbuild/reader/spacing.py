"""Words that only style keeps apart: a space where one text ends a sentence and the next begins one.

Pages set a dateline or agency tag apart from the story's first word with a
margin (``<cite>(CNN)</cite>President ...``), and a photo credit apart from
its caption with a float or a line break in the stylesheet (``... easy.<span>
Kathrin Ziegler/Getty</span>``).  Without the stylesheet the two run together
into one word ("(CNN)President", "easy.Kathrin").  The general feature: two
texts that meet at a tag boundary, the first ending in closing punctuation
(``. ! ? : ) ] ” » — –``) and the second starting with a capital letter.  In
running prose a capital straight after such punctuation, with no space, does
not occur inside a word, so a space there can only restore what the layout
showed.
"""

from __future__ import annotations

from lxml import etree

from .extract import BLOCKISH, HtmlElement

#: Punctuation that closes a sentence, a parenthesis, a quotation or a dateline.
CLOSING = frozenset(".!?:)]”»—–")
#: Text inside these is shown as written.
VERBATIM = frozenset({"pre", "code", "kbd", "samp", "textarea", "script", "style"})


def separate(container: HtmlElement) -> None:
    """Insert a space wherever texts meeting at a tag boundary run a sentence into the next."""
    previous: tuple[HtmlElement, str] | None = None  # the last non-empty text slot: (owner, "text"|"tail")
    for slot in _slots(container):
        if slot is None:  # a block boundary or verbatim text: never joined across
            previous = None
            continue
        el, attr = slot
        value = getattr(el, attr)
        if not value:
            continue
        if previous is not None and value[0].isupper():
            owner, name = previous
            before = getattr(owner, name)
            if before[-1] in CLOSING:
                setattr(owner, name, before + " ")
        previous = slot


def _slots(container: HtmlElement):
    """Every text slot of ``container`` in reading order; None at a block's edges and for a verbatim
    element's content."""
    verbatim = 0
    for event, el in etree.iterwalk(container, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BLOCKISH:
            yield None  # blocks are set apart already
        if event == "start":
            if tag in VERBATIM:
                verbatim += 1
                yield None
            elif tag and not verbatim:
                yield el, "text"
            continue
        if tag in VERBATIM:
            verbatim -= 1
        if el is not container and not verbatim:
            yield el, "tail"  # a comment's tail is text all the same
