"""Converters: the sanitised article container to the model's closed vocabulary.

Elements map onto model nodes through the tables :data:`BLOCK_CONVERTERS` and
:data:`INLINE_CONVERTERS`; elements in neither are unwrapped (content kept).
Footnotes move out of the body into notes (:func:`extract_notes`).  This is the
work of the reader's ``convert`` stage (:mod:`.stages.convert`).

lxml is used directly rather than through BeautifulSoup: parsing a full page
with BeautifulSoup alone costs more than our whole pipeline may (see
``bench/normalize_bench.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlparse

from lxml import etree

from .. import langtag
from ..imagesize import oversize
from ..model import (
    Block,
    Cell,
    DefinitionItem,
    DefinitionList,
    Figure,
    Heading,
    Image,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    List,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Preformatted,
    Quote,
    Row,
    Rule,
    Span,
    Styled,
    Table,
    Text,
)
from ..textutil import has_text, plain_text
from .context import Context
from .dom import HtmlElement, remove, text_content
from .sanitize import DROP

#: Inline elements kept with their meaning (tag -> model kind; None: unwrapped).
STYLED = {
    "em": "em", "strong": "strong", "code": "code", "q": "q", "cite": "cite", "abbr": "abbr",
    "acronym": "abbr", "sub": "sub", "sup": "sup", "dfn": "dfn", "kbd": "kbd", "samp": "samp",
    "var": "var", "mark": "mark", "small": "small", "s": "s", "del": "s", "strike": "s",
    "b": "strong", "i": "em", "u": "u", "tt": "code", "bdi": "bdi", "time": "time",
    "ins": None, "font": None, "span": None, "bdo": None, "wbr": None, "big": None,
}

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "ul",
    "ol", "dl", "figure", "table", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "address",
    "center", "details", "summary", "hgroup", "li", "dd", "dt", "figcaption", "caption",
    "tbody", "thead", "tfoot", "tr", "td", "th", "body", "html", "picture", "listing", "xmp",
    "plaintext", "search",
})

#: Deeper nesting is flattened to text: it is never meaningful structure, and the
#: converters recurse.
MAX_DEPTH = 100
_WS = re.compile(r"[ \t\n\r\f\u200b]+")


def squash(text: str) -> str:
    """``text`` with each run of white space as one space, as a browser shows it.  A zero-width
    space between two characters is no white space: it marks where a long word or address
    may break (a site puts one inside long words and URLs, a Thai or Khmer text between its
    words), and a space there would split the word ("exa mple.org"); it is kept as written.
    Beside white space, or at either end, it goes with the white space."""
    if "\u200b" not in text:
        return _WS.sub(" ", text)
    return _WS.sub(_zero_width, text)


def _zero_width(match: re.Match[str]) -> str:
    run = match.group(0)
    if run.strip("\u200b"):
        return " "  # (the run holds white space)
    start, end = match.span()
    return run if 0 < start and end < len(match.string) else ""
def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def children(el: HtmlElement) -> Iterator[HtmlElement | str]:
    """Text and element children in document order (lxml keeps text in .text/.tail)."""
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str):
            yield child
        if child.tail:
            yield child.tail


def classes(el: HtmlElement) -> str:
    return el.get("class") or ""


# ------------------------------------------------------------------ inline


def inlines(el: HtmlElement, ctx: Context, depth: int = 0) -> list[Inline]:
    """Convert the children of ``el`` to inline nodes."""
    out: list[Inline] = []
    for child in children(el):
        out.extend(inline(child, ctx, depth + 1))
    return out


def inline(node, ctx: Context, depth: int = 0) -> list[Inline]:
    """Convert one node to inline nodes."""
    if isinstance(node, str):
        # (a printable text, no line break or tab among them, with no double space is what the
        # pattern would give back: it is not run on it, about half of the texts)
        text = node if node.isprintable() and "  " not in node else squash(node)
        return [Text(text)] if text else []
    name = _tag(node)
    if not name or name in DROP:
        return []
    if depth > MAX_DEPTH:
        _warn_deep(node, ctx)
        text = squash(text_content(node))
        return [Text(text)] if text.strip() else []
    conv = INLINE_CONVERTERS.get(name)
    if conv is not None:
        return conv(node, ctx, depth)
    lang = _lang(node)
    kids = inlines(node, ctx, depth)
    kind = STYLED.get(name)
    if kind == "time":
        stamp = valid_datetime(node.get("datetime"))
        if stamp is None:
            return kids  # a <time> without a machine-readable value says nothing more than its text
        return [Styled("time", kids, lang=lang, datetime=stamp)] if has_text(kids) else kids
    if kind:
        if not has_text(kids) and not any(isinstance(k, (InlineImage, LineBreak)) for k in kids):
            return kids  # an empty <strong></strong> means nothing
        # STYLED's values are Styled's kinds (a dict of str to str, as mypy sees it)
        title = node.get("title") if name in ("abbr", "acronym", "dfn") else None
        return [Styled(kind, kids, title=title,  # type: ignore[arg-type]
                       lang=lang, datetime=node.get("datetime") if name == "time" else None)]
    if lang or (node.get("dir") in ("rtl", "ltr") and name == "bdo"):
        return [Span(kids, lang=lang, dir=node.get("dir"))]
    if name in BLOCK_TAGS:  # a block inside inline context: keep its words apart
        return [Text(" "), *kids, Text(" ")]
    return kids


_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?"
    r"|\d{4}-W\d{2}|--\d{2}-\d{2}|\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"
    r"|P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?)?")


def valid_datetime(value: str | None) -> str | None:
    """``value`` as a valid HTML ``datetime`` (fractions of a second cut to three digits),
    or None when it is not one."""
    value = (value or "").strip()
    value = re.sub(r"(:\d{2}\.\d{3})\d+", r"\1", value)
    return value if value and _DATETIME.fullmatch(value) and value != "P" else None


def _warn_deep(node: HtmlElement, ctx: Context) -> None:
    if not ctx.deep_warned:
        ctx.deep_warned = True
        ctx.diag("S004", f"nesting deeper than {MAX_DEPTH} elements flattened", node)


def _link(el: HtmlElement, ctx: Context, depth: int) -> list[Inline]:
    kids = inlines(el, ctx, depth)
    href = ctx.url(el.get("href"))
    ref = _note_ref(el, href, kids)
    if ref is not None:
        return [ref]
    if not href or not _has_words(kids):
        return kids  # an image that links to itself (or elsewhere) is shown, not linked
    return [Link(href, kids, title=el.get("title"))]


def _note_ref(el: HtmlElement, href: str | None, kids: list[Inline]) -> NoteRef | None:
    """A link like ``<sup><a href="#fn1">1</a></sup>`` pointing to a footnote."""
    if not href or not href.startswith("#"):
        return None
    label = plain_text(kids).strip().strip("[]()")
    target = href[1:]
    if not label or len(label) > 4 or not re.fullmatch(r"[0-9a-zA-Z*†‡§]+", label):
        return None
    if not (re.search(r"(fn|foot|note|endnote|cite_note|ftn|edn)", target, re.IGNORECASE)
            or "footnote" in classes(el) or el.get("role") == "doc-noteref"
            or "noteref" in (el.get("epub:type") or "")):
        return None
    parent = el.getparent()
    ref_id = el.get("id") or (parent.get("id") if parent is not None else None) or ""
    return NoteRef(note_id=target, label=label, id=ref_id)


def _sup(el: HtmlElement, ctx: Context, depth: int) -> list[Inline]:
    kids = inlines(el, ctx, depth)
    if len(kids) == 1 and isinstance(kids[0], NoteRef):
        if not kids[0].id and el.get("id"):
            kids[0].id = el.get("id")
        return kids
    if not has_text(kids):
        return kids
    return [Styled("sup", kids, lang=_lang(el))]


def _br(el: HtmlElement, ctx: Context, depth: int) -> list[Inline]:
    return [LineBreak()]


def _img_inline(el: HtmlElement, ctx: Context, depth: int) -> list[Inline]:
    image = make_image(el, ctx)
    return [InlineImage(image)] if image else []


INLINE_CONVERTERS: dict[str, Callable[[HtmlElement, Context, int], list[Inline]]] = {
    "a": _link,
    "sup": _sup,
    "br": _br,
    "img": _img_inline,
}


def make_image(el: HtmlElement, ctx: Context) -> Image | None:
    """An :class:`Image` from ``<img>``; lazy-loading attributes are honoured.
    Remote images are only referred to here, never fetched."""
    src = None
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (el.get(attr) or "").strip()
        if value and not value.startswith("data:image/gif") and not value.startswith("data:image/svg"):
            src = value
            break
    if not src and el.get("srcset"):
        src = el.get("srcset").strip().split(",")[0].strip().split(" ")[0]
    if not src:
        return None
    if not src.startswith("data:"):
        src = web_url(src)
    alt = el.get("alt")
    decorative = alt is not None and not alt.strip() or el.get("role") in ("presentation", "none")
    if alt is not None:
        alt = squash(alt).strip() or None
    try:
        parsed = urlparse(src)
    except ValueError:
        return None
    image = Image(src=src, alt=alt, decorative=bool(decorative) and alt is None,
                  width=_dim(el.get("width")), height=_dim(el.get("height")), line=ctx.line(el))
    if parsed.scheme in ("http", "https") or (ctx.base_url and not parsed.scheme and not ctx.source):
        image.src = urljoin(ctx.base_url or "", src)
    elif parsed.scheme == "data":
        image.src = src
        problem = oversize(_data_bytes(src))
        if problem:
            ctx.diag("S011", f"embedded image {problem}; its text alternative stands in", el)
            image.src = ""
    elif parsed.netloc or src.startswith("//"):
        image.src = urljoin(ctx.base_url or "https:", src)
    elif parsed.scheme in ("", "file") and ctx.source is not None:
        _resolve_in_project(image, src, parsed, el, ctx)
    else:
        return None
    if image.alt is None and not image.decorative:
        ctx.diag("A001", f"image {src[:120]!r} has no text alternative", el)
    return image


def web_url(address: str) -> str:
    """An image address as a browser reads it: backslashes are slashes."""
    return address.replace("\\", "/")


#: A cell's ``align`` attribute -> the model's alignment.
_ALIGNS: dict[str, Literal["left", "right", "center"]] = {"left": "left", "right": "right", "center": "center"}


def _resolve_in_project(image: Image, src: str, parsed, el: HtmlElement, ctx: Context) -> None:
    """A relative or ``file:`` address of a saved page, resolved as a browser would: a
    file saved beside the page (inside the project) is local; otherwise the address is
    relative to the page's address (``url:`` in the manifest, else its canonical link or
    ``og:url``), a remote image.  A site-relative address (``/archive/x.jpg``) is never
    a path on this computer.  An address that cannot be resolved keeps its text, so
    every diagnostic about it names it."""
    from ..paths import inside

    # Without a project (``pubbuild normalize FILE``) the source's own folder bounds it.
    # Text with no file behind it (a string handed to the reader) has no folder to look in.
    folder = ctx.source.parent if ctx.source is not None else None
    boundary = ctx.root if ctx.root is not None else folder
    site_relative = parsed.scheme == "" and parsed.path.startswith("/")
    if not site_relative and boundary is not None and folder is not None:
        local = Path(parsed.path) if parsed.scheme == "file" else (folder / parsed.path)
        if inside(boundary, local) and _is_file(local):
            if problem := oversize(local):
                ctx.diag("S011", f"image {src[:120]!r} {problem}; its text alternative stands in", el)
                image.src = ""
                return
            image.local = local.resolve()
            image.src = str(image.local.relative_to(ctx.root.resolve())) if ctx.root else src
            return
        if not inside(boundary, local) and (parsed.scheme == "file" or not ctx.base_url):
            ctx.diag("S006", f"image {src[:120]!r} lies outside the project; refused", el)
            return
        if parsed.scheme == "file":
            ctx.diag("S007", f"image {src[:120]!r} not found", el)
            return
    if ctx.base_url:
        image.src = urljoin(ctx.base_url, src)
        return
    why = "a site-relative address" if site_relative else "not in the project"
    ctx.diag("S007", f"image {src[:120]!r} not found ({why}, and the page's address is unknown: "
                     "give the article `url:` in the manifest)", el)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _data_bytes(url: str) -> bytes:
    """The payload of a ``data:`` URL (empty when it is malformed)."""
    import base64
    from urllib.parse import unquote_to_bytes

    head, _, payload = url.partition(",")
    try:
        return base64.b64decode(payload) if ";base64" in head.lower() else unquote_to_bytes(payload)
    except ValueError:
        return b""


def _dim(value: str | None) -> str | None:
    if value and re.fullmatch(r"\s*\d+(\.\d+)?(px)?\s*", value):
        return value.strip().removesuffix("px")
    return None


# ------------------------------------------------------------------ blocks


def blocks(el: HtmlElement, ctx: Context, depth: int = 0) -> list[Block]:
    """Convert the children of ``el`` to blocks; loose inline runs become paragraphs."""
    out: list[Block] = []
    run: list[Inline] = []
    # Where the loose run's text starts: its paragraphs' source line (text has no line of
    # its own, so its element's, or the container's for loose text).
    run_el, run_text = el, False

    def flush() -> None:
        nonlocal run, run_el, run_text
        ctx.stamp(_paragraphs_from_run(run, out, None), run_el)
        run, run_el, run_text = [], el, False

    for child in children(el):
        if not isinstance(child, str):
            name = _tag(child)
            if name in DROP:
                continue
            if depth > MAX_DEPTH:
                _warn_deep(child, ctx)
                run.extend(inline(child, ctx, depth + MAX_DEPTH))
                continue
            if name in BLOCK_CONVERTERS:
                flush()
                out.extend(ctx.stamp(BLOCK_CONVERTERS[name](child, ctx, depth + 1), child))
                continue
            if name == "figcaption":
                flush()  # loose text before it is a paragraph of its own, not the figure's
                if out and isinstance(out[-1], Figure) and not out[-1].caption:
                    # a caption misplaced just after its figure
                    out[-1].caption = trim(inlines(child, ctx, depth + 1)) or None
                    continue
            if name in BLOCK_TAGS:
                flush()
                inner = blocks(child, ctx, depth + 1)
                clang = _lang(child)
                if clang:
                    _set_lang(inner, clang)
                out.extend(ctx.stamp(inner, child))
                continue
        nodes = inline(child, ctx, depth + 1)
        if not run_text and has_text(nodes):  # each child looked at once: a long run stays linear
            run_el, run_text = (el if isinstance(child, str) else child), True
        run.extend(nodes)
    flush()
    return out


def _paragraphs_from_run(run: list[Inline], out: list[Block], lang: str | None) -> list[Block]:
    """Loose inline content; ``<br><br>`` splits it into paragraphs (added to ``out`` and
    returned)."""
    if not has_text(run) and not any(isinstance(n, InlineImage) for n in run):
        return []
    start = len(out)
    parts: list[list[Inline]] = [[]]
    pending_br = 0
    for node in run:
        if isinstance(node, LineBreak):
            pending_br += 1
            continue
        if isinstance(node, Text) and not node.text.strip() and pending_br:
            continue  # white space between <br>s
        if pending_br >= 2:
            parts.append([])
        elif pending_br == 1:
            parts[-1].append(LineBreak())
        pending_br = 0
        parts[-1].append(node)
    for part in parts:
        if has_text(part) or any(isinstance(n, InlineImage) for n in part):
            out.append(Paragraph(trim(part), lang=lang))
    return out[start:]


def _p(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    # (filtered in lxml: the re-parsed fragment's tags are lower case, as _tag() gives them)
    if next(el.iterdescendants(*BLOCK_CONVERTERS_BLOCKISH), None) is not None:
        return blocks(el, ctx, depth)
    out: list[Block] = []
    _paragraphs_from_run(inlines(el, ctx, depth), out, _lang(el))
    return out


def _heading(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    kids = trim(inlines(el, ctx, depth))
    if not has_text(kids):
        return []
    kids = _unwrap_strong(kids)
    return [Heading(level=int(_tag(el)[1]), children=kids, id=el.get("id") or "", lang=_lang(el))]


def _unwrap_strong(kids: list[Inline]) -> list[Inline]:
    """A heading wholly in bold is just a heading: the bold says nothing more."""
    if len(kids) == 1 and isinstance(kids[0], Styled) and kids[0].kind in ("strong", "b"):
        return kids[0].children
    return kids


def _list(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    items = []
    for child in children(el):
        if isinstance(child, str):
            if child.strip():
                items.append(ListItem([Paragraph([Text(child.strip())])]))
            continue
        if _tag(child) == "li":
            content = blocks(child, ctx, depth + 1)
            if content:
                items.append(ListItem(content, lang=_lang(child), line=ctx.line(child)))
        elif _tag(child) in ("ul", "ol") and items:
            items[-1].children.extend(_list(child, ctx, depth + 1))  # a list nested without its <li>
        else:
            content = blocks(child, ctx, depth + 1) if _tag(child) not in INLINE_CONVERTERS \
                else [Paragraph(inline(child, ctx, depth + 1))]
            if content:
                items.append(ListItem(content))
    if not items:
        return []
    start = el.get("start")
    start_n = int(start) if start and start.strip().lstrip("-").isdigit() else None
    return [List(items, ordered=_tag(el) == "ol", start=start_n if start_n not in (None, 1) else None)]


def _dl(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    items: list[DefinitionItem] = []
    for child in el.iter("dt", "dd"):
        if next(child.iterancestors("dl"), None) is not el:
            continue
        if _tag(child) == "dt":
            if not items or items[-1].descriptions:
                items.append(DefinitionItem())
            items[-1].terms.append(trim(inlines(child, ctx, depth)))
        else:
            if not items:
                items.append(DefinitionItem())
            items[-1].descriptions.append(blocks(child, ctx, depth + 1))
    return [DefinitionList(items)] if items else []


def _blockquote(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    attribution = None
    for footer in el:
        if _tag(footer) in ("footer", "figcaption"):
            attribution = trim(inlines(footer, ctx, depth)) or None
            _detach(footer)
            break
    content = blocks(el, ctx, depth)
    if not content:
        return []
    cite = ctx.url(el.get("cite"))
    return [Quote(content, attribution=attribution, cite=cite if cite and not cite.startswith("#") else None,
                  lang=_lang(el))]


def _detach(el: HtmlElement) -> None:
    """Remove ``el`` but keep the text that follows it."""
    remove(el)


#: Parts of a caption that name where the picture came from; pages set them apart by style
#: alone, so without a space they run into the caption ("in May.Photo: Ana Stone").
_CREDIT = re.compile(r"credit|copyright|courtesy|photographer|attribution|byline|source|author", re.IGNORECASE)


def _apart_credits(caption: HtmlElement) -> None:
    for part in caption.iter(etree.Element):
        if part is not caption and _CREDIT.search(classes(part)):
            part.text = " " + (part.text or "")


def _figure(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    caption_el = next(el.iter("figcaption"), None)
    if caption_el is not None:
        _apart_credits(caption_el)
    caption = trim(inlines(caption_el, ctx, depth)) if caption_el is not None else None
    if caption_el is not None:
        _detach(caption_el)
    if el.find(".//blockquote") is not None:
        content = blocks(el, ctx, depth)
        if caption and has_text(caption) and content and isinstance(content[-1], Quote) \
                and not content[-1].attribution:
            content[-1].attribution = caption
        elif caption and has_text(caption):
            content.append(Paragraph(caption))
        return content
    images = [img for img in (make_image(i, ctx) for i in el.iter("img")) if img]
    if not images:
        # a figure holding a table or code: keep that content
        content = blocks(el, ctx, depth)
        if caption and has_text(caption):
            content.append(Paragraph(caption))
        return content
    if not caption:
        text = [t for t in (squash(x).strip() for x in el.itertext()) if t]
        if text:  # a figure with loose text and no figcaption: that text is its caption
            caption = [Text(" ".join(text))]
    return [Figure(images, caption=caption if caption and has_text(caption) else None,
                   id=el.get("id") or "")]


def _img_block(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    image = make_image(el, ctx)
    return [Figure([image])] if image else []


def _pre(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    text = "".join(_pre_text(el))
    text = text.removeprefix("\n")
    if not text.strip():
        return []
    code = next(el.iter("code"), None)
    language = None
    for cls in ((code.get("class") if code is not None else "") or classes(el)).split():
        if cls.startswith(("language-", "lang-")):
            language = cls.split("-", 1)[1]
    return [Preformatted(text.rstrip("\n"), code=code is not None or language is not None, language=language)]


def _pre_text(el: HtmlElement) -> Iterator[str]:
    """The verbatim text of a ``pre``, ``<br>`` as a new line."""
    if _tag(el) == "br":
        yield "\n"
    elif el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str):
            yield from _pre_text(child)
        if child.tail:
            yield child.tail


def _hr(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    return [Rule()]


def _own(table: HtmlElement, tag: str) -> list[HtmlElement]:
    """Descendants ``tag`` of ``table`` not inside a nested table."""
    return [e for e in table.iter(tag) if next(e.iterancestors("table"), None) is table]


#: Most rows of one table read (about 40 printed pages); the rest are left out with L001.
#: Each row costs the reader and the PDF layout: 100,000 took minutes.
MAX_TABLE_ROWS = 2000


def _table(el: HtmlElement, ctx: Context, depth: int) -> list[Block]:
    rows = _own(el, "tr")
    marked = marker_rows(el, rows)
    if marked is not None:
        items = [ListItem(content, line=ctx.line(td)) for td in marked
                 if (content := blocks(td, ctx, depth + 1))]
        return [List(items, line=ctx.line(el))] if items else []
    if is_layout_table(el, rows):
        out: list[Block] = []
        for tr in rows:
            for td in tr:
                if _tag(td) in ("td", "th"):
                    out.extend(blocks(td, ctx, depth + 1))
        return out
    table = Table(id=el.get("id") or "")
    caps = _own(el, "caption")
    if caps:
        table.caption = trim(inlines(caps[0], ctx, depth)) or None
    if len(rows) > MAX_TABLE_ROWS + 1:  # + 1: the header row, when the first row is one
        ctx.diag("L001", f"table of {len(rows):,} rows: the first {MAX_TABLE_ROWS + 1:,} kept, "
                         f"{len(rows) - MAX_TABLE_ROWS - 1:,} left out", el)
        rows = rows[:MAX_TABLE_ROWS + 1]
    icons = icon_sources(el)
    for tr in rows:
        row = Row()
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            content = _icon_cell(td, ctx) if is_icon_cell(td, icons) else blocks(td, ctx, depth + 1)
            scope = td.get("scope") if td.get("scope") in ("col", "row", "colgroup", "rowgroup") else None
            align = (td.get("align") or "").strip().lower()
            row.cells.append(Cell(content, header=_tag(td) == "th", scope=scope,
                                  colspan=_span(td.get("colspan")), rowspan=_span(td.get("rowspan")),
                                  align=_ALIGNS.get(align)))
        if not row.cells:
            continue
        section = _tag(tr.getparent()) if tr.getparent() is not None else "tbody"
        if section == "thead":
            table.head.append(row)
        elif section == "tfoot":
            table.foot.append(row)
        else:
            table.body.append(row)
    if not table.head and not table.body:
        return []
    return [table]


def marker_rows(el: HtmlElement, rows: list[HtmlElement]) -> list[HtmlElement] | None:
    """The text cells of a list drawn as a table, else None.

    Pages built with tables (site builders' themes, e-mail templates) draw a bulleted list
    as rows of two cells: a bullet picture alone, then the item's text.  The feature: two
    rows or more, each of exactly two cells, the first holding one image and no words, the
    same image on every row, the second holding words.  The image repeated before every
    item is a list marker, not data: read as its text alternative it would put a "bullet"
    before every item; kept as a table, the list is lost.  A status grid differs: its
    label comes first and its marks after, and its marks vary; a spacer image (a layout
    table's padding column) is no marker."""
    if len(rows) < 2:
        return None
    marker: str | None = None
    texts: list[HtmlElement] = []
    for tr in rows:
        cells = [td for td in tr if _tag(td) in ("td", "th")]
        if len(cells) != 2:
            return None
        images = list(cells[0].iter("img"))
        if len(images) != 1 or "".join(cells[0].itertext()).strip() \
                or not "".join(cells[1].itertext()).strip():
            return None
        src = (images[0].get("src") or "").strip()
        if not src or (marker is not None and src != marker) \
                or _SPACER.search(src.split("?")[0].rsplit("/", 1)[-1]):
            return None
        marker = src
        texts.append(cells[1])
    # (looked at last: most tables fail on their first row)
    if _own(el, "th") or _own(el, "caption") or el.find(".//table") is not None:
        return None
    return texts


def is_layout_table(el: HtmlElement, rows: list[HtmlElement]) -> bool:
    """A table used for layout: presentation role, or one cell per row holding blocks."""
    if el.get("role") in ("presentation", "none"):
        return True
    if _own(el, "th") or _own(el, "caption") or _own(el, "thead"):
        return False
    cells = [td for tr in rows for td in tr if _tag(td) in ("td", "th")]
    if not cells:
        return True
    if len(rows) == 1 or max(sum(1 for td in tr if _tag(td) in ("td", "th")) for tr in rows) == 1:
        return True
    if el.find(".//table") is not None:
        return True
    icons = icon_sources(el)
    return any(any(_tag(d) in ("p", "div", "h1", "h2", "h3", "ul", "ol")
                   or _tag(d) == "img" and not is_icon_cell(td, icons) for d in td.iterdescendants())
               for td in cells[:20]) and len(text_content(el)) > 400


#: What an icon with no text alternative stands for, from the words of its file name or class
#: (a status grid's ticks and crosses): a clear stand-in instead of an "image not included".
_ICON_YES = re.compile(r"(?<![a-z])(yes|check|checked|checkmark|tick|ok|true|supported|success|done|pass|"
                       r"available|enabled|on)(?![a-z])", re.IGNORECASE)
_ICON_NO = re.compile(r"(?<![a-z])(no|cross|x|false|unsupported|fail|failed|error|none|unavailable|"
                      r"disabled|off|close)(?![a-z])", re.IGNORECASE)
_ICON_PARTIAL = re.compile(r"(?<![a-z])(partial|partly|half|some|warn|warning|maybe)(?![a-z])", re.IGNORECASE)


#: An image is an icon when it is at most this many pixels a side, or when the same image
#: appears in at least this many cells of its table (a status grid repeats a few icons; a
#: table of photographs shows each once).
ICON_PIXELS, ICON_REPEATS = 48, 3


def icon_sources(table: HtmlElement) -> set[str]:
    """The addresses of the images repeated across ``table``'s own cells."""
    seen: dict[str, int] = {}
    for img in _own(table, "img"):
        src = (img.get("src") or "").strip()
        if src:
            seen[src] = seen.get(src, 0) + 1
    return {src for src, n in seen.items() if n >= ICON_REPEATS}


#: Spacer images (a transparent pixel stretched to size) are the mark of a layout table, never icons.
_SPACER = re.compile(r"spacer|blank|pixel|transparent|clear|trans\.gif|dot\.gif|1x1", re.IGNORECASE)


def _is_icon(img: HtmlElement, icons: set[str]) -> bool:
    if img.get("alt") == "" or img.get("role") in ("presentation", "none") \
            or _SPACER.search((img.get("src") or "").split("?")[0].rsplit("/", 1)[-1]):
        return False
    width, height = _dim(img.get("width")), _dim(img.get("height"))
    small = width is not None and height is not None and float(width) <= ICON_PIXELS \
        and float(height) <= ICON_PIXELS
    return small or (img.get("src") or "").strip() in icons


def is_icon_cell(td: HtmlElement, icons: set[str]) -> bool:
    """A table cell holding icons and no words (a status grid's tick or cross): the table is
    data all the same, and each icon reads as its text."""
    if "".join(td.itertext()).strip():
        return False
    found = False
    for d in td.iterdescendants():
        tag = _tag(d)
        if tag == "img":
            if not _is_icon(d, icons):
                return False
            found = True
        elif tag and tag not in ("span", "a", "i", "b", "font", "center", "div", "picture", "source", "br"):
            return False
    return found


def _icon_cell(td: HtmlElement, ctx: Context) -> list[Block]:
    """An icon cell's content: each image's text alternative, else a tick, cross or "~" from its
    name, else the image itself (with its A001)."""
    out: list[Inline] = []
    for img in td.iter("img"):
        alt = squash(img.get("alt") or img.get("title") or "").strip()
        if not alt:
            name = (img.get("src") or "").split("?")[0].rsplit("/", 1)[-1]  # the file's name, not its query
            words = f"{name} {img.get('class') or ''}"
            alt = "✓" if _ICON_YES.search(words) else "✗" if _ICON_NO.search(words) else \
                "~" if _ICON_PARTIAL.search(words) else ""
        if alt:
            out.extend([Text(" "), Text(alt)] if out else [Text(alt)])
        else:
            image = make_image(img, ctx)
            if image is not None:
                out.append(InlineImage(image))
    return [Paragraph(out)] if out else []


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


BLOCK_CONVERTERS: dict[str, Callable[[HtmlElement, Context, int], list[Block]]] = {
    "p": _p,
    "h1": _heading, "h2": _heading, "h3": _heading, "h4": _heading, "h5": _heading,
    "h6": _heading,
    "ul": _list, "ol": _list, "dl": _dl,
    "blockquote": _blockquote,
    "figure": _figure,
    "img": _img_block,
    "pre": _pre, "listing": _pre, "xmp": _pre,
    "hr": _hr,
    "table": _table,
}
BLOCK_CONVERTERS_BLOCKISH = frozenset({"p", "div", "ul", "ol", "table", "blockquote", "figure", "h1",
                                       "h2", "h3", "h4", "h5", "h6", "pre", "dl", "section"})


# ------------------------------------------------------------------ helpers


def _lang(el: HtmlElement) -> str | None:
    value = el.get("lang") or el.get("xml:lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang")
    return langtag.from_source(value)


def _set_lang(nodes: list[Block], lang: str) -> None:
    for node in nodes:
        if hasattr(node, "lang") and node.lang is None:
            node.lang = lang


def _has_words(nodes: list[Inline]) -> bool:
    """Text other than images' alternatives."""
    for node in nodes:
        if isinstance(node, Text) and node.text.strip():
            return True
        if isinstance(node, (Styled, Span, Link)) and _has_words(node.children):
            return True
    return False


def trim(nodes: list[Inline]) -> list[Inline]:
    """Strip white space at both ends of an inline run and merge adjacent texts."""
    merged: list[Inline] = []
    texts: list[Text] = []  # the run of adjacent texts, joined once (joined pairwise, a long run is quadratic)

    def join() -> None:
        if len(texts) > 1:
            merged.append(Text(squash("".join(t.text for t in texts))))
        else:
            merged.extend(texts)
        texts.clear()

    for node in nodes:
        if isinstance(node, Text):
            texts.append(node)
        else:
            join()
            merged.append(node)
    join()
    while merged and isinstance(merged[0], (Text, LineBreak)) and (
            isinstance(merged[0], LineBreak) or not merged[0].text.strip()):
        merged.pop(0)
    while merged and isinstance(merged[-1], (Text, LineBreak)) and (
            isinstance(merged[-1], LineBreak) or not merged[-1].text.strip()):
        merged.pop()
    if merged and isinstance(merged[0], Text):
        merged[0] = Text(merged[0].text.lstrip())
    if merged and isinstance(merged[-1], Text):
        merged[-1] = Text(merged[-1].text.rstrip())
    return merged


_BACKLINK = re.compile(r"^\s*[↩↑^⤴]\ufe0e?\s*$")


def extract_notes(main: HtmlElement, ctx: Context) -> list[Note]:
    """Move the targets of footnote references out of the body into notes.

    A footnote is the element whose id a note reference (``_note_ref``) points
    at; its links back to the reference are dropped (the writer makes its own)."""
    notes: list[Note] = []
    seen: set[str] = set()
    ids = {el.get("id") or el.get("name"): el for el in main.iter(etree.Element)
           if el.get("id") or (_tag(el) == "a" and el.get("name"))}
    refs = [a for a in main.iter("a") if (a.get("href") or "").strip().startswith("#")
            and _note_ref(a, a.get("href").strip(), [Text(text_content(a))]) is not None]
    ref_anchors = {x for a in refs for x in (a.get("id"), a.get("name"),
                                             a.getparent().get("id") if a.getparent() is not None else None) if x}
    for a in refs:
        if not any(anc is main for anc in a.iterancestors()):
            continue  # inside a note already moved out: a link back, not a reference
        href = a.get("href").strip()
        target_id = href[1:]
        if target_id in seen:
            continue
        target = ids.get(target_id)
        if target is None or target is a or any(anc is target for anc in a.iterancestors()):
            continue
        if _tag(target) in ("a", "span", "sup"):
            target = next(target.iterancestors("li", "p", "div", "aside", "dd"), target)
        if target.getparent() is None:
            continue
        seen.add(target_id)
        for back in [e for e in target.iter("span", "div", "sup") if re.search(r"back-?link", classes(e))]:
            _detach(back)  # MediaWiki's "^ a b" and its kind: the writer makes its own links back
        for back in list(target.iter("a")):
            bhref = back.get("href") or ""
            if bhref.startswith("#") and (_BACKLINK.match(text_content(back)) or
                                          bhref[1:] in ref_anchors or
                                          "backlink" in (back.get("role") or "") or
                                          "back" in classes(back) or
                                          (next(back.iterancestors("sup"), None) is not None
                                           and re.fullmatch(r"\s*\^?[a-z]?\s*", text_content(back)))):
                _detach(back)
        container = next(target.iterancestors("ol", "ul", "section", "div", "aside", "footer"), None)
        _detach(target)
        content = blocks(target, ctx, 1) if _tag(target) != "p" else _p(target, ctx, 1)
        notes.append(Note(id=target_id, children=content, line=ctx.line(target)))
        # any() stops at the first words: the list of notes is not read whole once per note.
        if container is not None and container.getparent() is not None and \
                not any(t.strip() for t in container.itertext()):
            parent = next(container.iterancestors("section", "div", "aside", "footer"), None)
            _detach(container)
            if parent is not None and parent.getparent() is not None and re.search(
                    r"foot|note|reference", classes(parent) + (parent.get("id") or ""), re.IGNORECASE) \
                    and len(text_content(parent).strip()) < 40:
                _detach(parent)
    return notes
