"""Word and Google Docs "save as HTML" cruft, removed before sanitising.

Word writes ``<o:p>`` and other namespaced elements, ``mso-`` styles and
conditional comments; Google Docs wraps the whole document in a
``<b style="font-weight:normal">`` and expresses bold, italics and
super/subscript only as inline styles.  The styles go (the sanitiser drops
every ``style``), so the meaning they carry is turned into elements first:
``font-weight:700`` becomes ``strong``, ``font-style:italic`` becomes ``em``.
Empty paragraphs need nothing here: the reader never makes a paragraph
without text.
"""

from __future__ import annotations

import re

from lxml import etree

from .dom import HtmlElement, text_content


def drop_tag(el: HtmlElement) -> None:
    """Remove the element's tags, keeping its text and children in place."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    prev = el.getprevious()
    if el.text:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.text
        else:
            parent.text = (parent.text or "") + el.text
    children = list(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if el.tail:
        last = children[-1] if children else el.getprevious()
        if last is not None and last is not el:
            last.tail = (last.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)

_BOLD = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_NORMAL_WEIGHT = re.compile(r"font-weight\s*:\s*(normal|[1-4]00)", re.IGNORECASE)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.IGNORECASE)
_SUPER = re.compile(r"vertical-align\s*:\s*super", re.IGNORECASE)
_SUB = re.compile(r"vertical-align\s*:\s*sub", re.IGNORECASE)
_MSO_IGNORE = re.compile(r"mso-list\s*:\s*ignore", re.IGNORECASE)


#: The generators that write documents, not web pages: word processors and converters.
_EXPORT_GENERATOR = re.compile(r"microsoft (word|excel|powerpoint)|libreoffice|openoffice|google docs|"
                               r"pandoc|cocoa html writer|abiword", re.IGNORECASE)
_EXPORT_CLASS = re.compile(r"(^|\s)Mso[A-Z]")
_EXPORT_ID = re.compile(r"^docs-internal-guid")


def is_export(root: HtmlElement) -> bool:
    """True for a document a word processor or converter saved as HTML: its ``generator``
    meta tag names one, or its markup carries Word's ``Mso`` classes or Google Docs'
    ``docs-internal-guid`` wrapper.  Such a file is the author's whole document."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("generator", "progid", "originator") and \
                _EXPORT_GENERATOR.search(meta.get("content") or ""):
            return True
    for el in root.iter(etree.Element):
        if _EXPORT_ID.match(el.get("id") or ""):
            return True
        if _EXPORT_CLASS.search(el.get("class") or ""):
            return True
    return False


def clean(root: HtmlElement, elements: list[HtmlElement] | None = None) -> None:
    """Rewrite Word and Google Docs markup in place (``elements``: those of ``root``, listed
    in document order by the caller, who may list some since removed: each is rewritten
    where it is)."""
    for el in list(root.iter(etree.Element)) if elements is None else elements:
        tag = el.tag if isinstance(el.tag, str) else ""
        if ":" in tag:  # o:p, v:shape, w:sdt ... carry no meaning of their own
            drop_tag(el)
            continue
        style = el.get("style")
        if not style:
            continue
        if tag in ("b", "strong") and _NORMAL_WEIGHT.search(style):
            drop_tag(el)  # Google Docs' wrapper: not bold at all
            continue
        if tag != "span":
            continue
        if _MSO_IGNORE.search(style):
            # Word's list bullet: keep a plain bullet so the pseudo-list pass sees it
            text = text_content(el).strip()
            el.clear()
            el.text = ("• " if not re.match(r"^\(?\w{1,3}[.)]$", text) else text + " ")
            continue
        kinds = []
        if _BOLD.search(style):
            kinds.append("strong")
        if _ITALIC.search(style):
            kinds.append("em")
        if _SUPER.search(style):
            kinds.append("sup")
        elif _SUB.search(style):
            kinds.append("sub")
        if not kinds:
            continue
        el.tag = kinds[0]
        inner = el
        for kind in kinds[1:]:
            wrapper = el.makeelement(kind, {})
            wrapper.text, el.text = el.text, None
            for child in list(el):
                wrapper.append(child)
            el.append(wrapper)
            inner = wrapper
        del inner


def ruby_to_text(root: HtmlElement) -> None:
    """A ruby annotation without its fallback parentheses gets them: "東京(とうきょう)".

    The model has no ruby node, so a ruby is read as its text; HTML's ``rp`` elements are
    the parentheses a reader without ruby shows around the reading (``rt``), and without them
    the reading ran into the base text ("東京とうきょう"), read aloud and printed as one word."""
    for rt in list(root.iter("rt")):
        before = rt.getprevious()
        after = rt.getnext()
        if before is not None and before.tag == "rp" or after is not None and after.tag == "rp":
            continue  # the page's own parentheses
        rt.text = "(" + (rt.text or "")
        if len(rt):
            last = rt[-1]
            last.tail = (last.tail or "") + ")"
        else:
            rt.text += ")"


def math_to_text(root: HtmlElement) -> None:
    """MathML becomes its linear text (or its ``alttext`` when it has none).

    The model has no formula node; a formula read as ``a ≠ 0`` keeps its
    meaning, where dropping it would leave "When , there are two solutions"."""
    for math in list(root.iter("math")):
        if math.getparent() is None:
            continue
        text = " ".join(t.strip() for t in math.itertext() if t.strip()) or math.get("alttext")
        span = math.makeelement("span", {"class": "math"})
        span.text = text or None
        span.tail = math.tail
        math.getparent().replace(math, span)
