"""HTML to the document model.

The reader maps source elements onto the model's closed vocabulary through
the tables :data:`BLOCK_CONVERTERS` and :data:`INLINE_CONVERTERS`.  Elements
not in either table are unwrapped (their content kept) or, for furniture and
executable content (:data:`DROP`), removed.  Page-level cleaning (finding the
article on a full page, dropping furniture) happens before, in
:mod:`pubbuild.reader.extract`; structural repairs happen after, in the model
passes of :mod:`pubbuild.passes`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .. import diagnostics
from ..model import (
    Article, ArticleMeta, Block, Cell, DefinitionItem, DefinitionList, Figure, Heading, Image,
    Inline, InlineImage, LineBreak, Link, List, ListItem, Note, NoteRef, Paragraph, Preformatted,
    Quote, Row, Rule, Span, Styled, Table, Text,
)

#: Elements removed with their content wherever they appear.
DROP = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "form",
    "input", "button", "select", "textarea", "option", "label", "fieldset", "canvas", "audio",
    "video", "source", "track", "map", "area", "frame", "frameset", "dialog", "menu", "svg",
    "math", "link", "meta", "base", "head", "title", "nav",
})

#: Inline elements kept with their meaning (tag -> model kind).
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

MAX_DEPTH = 400
_WS = re.compile(r"[ \t\n\r\f\u200b]+")
_SAFE_SCHEMES = ("http", "https", "mailto", "ftp", "tel", "data")


class Context:
    """State shared by the converters while one article is read."""

    def __init__(self, base_url: str | None, source: Path | None, root: Path | None,
                 diags: list) -> None:
        self.base_url = base_url
        self.source = source
        self.root = root
        self.diags = diags
        self.notes: dict[str, Note] = {}
        self.deep_warned = False

    def where(self, el: Tag) -> tuple[str | None, int | None]:
        name = None
        if self.source is not None:
            try:
                name = str(self.source.relative_to(self.root)) if self.root else str(self.source)
            except ValueError:
                name = str(self.source)
        return name, getattr(el, "sourceline", None)

    def diag(self, code: str, message: str, el: Tag | None = None) -> None:
        name, line = self.where(el) if el is not None else (self.where(Tag(name="x"))[0], None)
        self.diags.append(diagnostics.make(code, message, name, line))

    def url(self, href: str | None) -> str | None:
        """Resolve a link against the page's base; None for unsafe or empty URLs."""
        if not href:
            return None
        href = href.strip()
        if href.startswith("#"):
            return href
        if self.base_url:
            href = urljoin(self.base_url, href)
        scheme = urlparse(href).scheme.lower()
        if scheme and scheme not in _SAFE_SCHEMES:
            return None
        if scheme == "data":
            return None  # data: links are not useful targets
        return href


# ------------------------------------------------------------------ inline


def inlines(el: Tag, ctx: Context, depth: int = 0) -> list[Inline]:
    """Convert the children of ``el`` to inline nodes."""
    out: list[Inline] = []
    for child in el.children:
        out.extend(inline(child, ctx, depth + 1))
    return out


def inline(node, ctx: Context, depth: int = 0) -> list[Inline]:
    """Convert one node to inline nodes."""
    if isinstance(node, Comment):
        return []
    if isinstance(node, NavigableString):
        text = _WS.sub(" ", str(node))
        return [Text(text)] if text else []
    if not isinstance(node, Tag):
        return []
    name = node.name.lower() if node.name else ""
    if name in DROP:
        return []
    if depth > MAX_DEPTH:
        _warn_deep(node, ctx)
        text = _WS.sub(" ", node.get_text(" "))
        return [Text(text)] if text.strip() else []
    conv = INLINE_CONVERTERS.get(name)
    if conv is not None:
        return conv(node, ctx, depth)
    lang = _lang(node)
    kids = inlines(node, ctx, depth)
    if name in STYLED and STYLED[name]:
        return [Styled(STYLED[name], kids, title=node.get("title") if name in ("abbr", "acronym", "dfn") else None,
                       lang=lang, datetime=node.get("datetime") if name == "time" else None)]
    if lang or node.get("dir") in ("rtl", "ltr") and name == "bdo":
        return [Span(kids, lang=lang, dir=node.get("dir"))]
    if name in BLOCK_TAGS:  # a block inside inline context: keep its words apart
        return [Text(" "), *kids, Text(" ")]
    return kids


def _warn_deep(node: Tag, ctx: Context) -> None:
    if not ctx.deep_warned:
        ctx.deep_warned = True
        ctx.diag("S004", f"nesting deeper than {MAX_DEPTH} elements flattened", node)


def _link(el: Tag, ctx: Context, depth: int) -> list[Inline]:
    kids = inlines(el, ctx, depth)
    href = ctx.url(el.get("href"))
    ref = _note_ref(el, href, kids)
    if ref is not None:
        return [ref]
    if not href or not _has_text(kids) and not any(isinstance(k, InlineImage) for k in kids):
        return kids
    return [Link(href, kids, title=el.get("title"))]


def _note_ref(el: Tag, href: str | None, kids: list[Inline]) -> NoteRef | None:
    """A link like ``<sup><a href="#fn1">1</a></sup>`` pointing to a footnote."""
    if not href or not href.startswith("#"):
        return None
    label = _plain(kids).strip().strip("[]()")
    target = href[1:]
    if not label or len(label) > 4 or not re.fullmatch(r"[0-9a-zA-Z*†‡§]+", label):
        return None
    if not (re.search(r"(fn|foot|note|endnote|cite_note|ftn|edn)", target, re.I)
            or "footnote" in " ".join(el.get("class", [])) or el.get("role") == "doc-noteref"
            or "noteref" in (el.get("epub:type") or "")):
        return None
    ref_id = el.get("id") or (el.parent.get("id") if isinstance(el.parent, Tag) else None) or ""
    return NoteRef(note_id=target, label=label, id=ref_id)


def _sup(el: Tag, ctx: Context, depth: int) -> list[Inline]:
    kids = inlines(el, ctx, depth)
    if len(kids) == 1 and isinstance(kids[0], NoteRef):
        if not kids[0].id and el.get("id"):
            kids[0].id = el["id"]
        return kids
    return [Styled("sup", kids, lang=_lang(el))]


def _br(el: Tag, ctx: Context, depth: int) -> list[Inline]:
    return [LineBreak()]


def _img_inline(el: Tag, ctx: Context, depth: int) -> list[Inline]:
    image = make_image(el, ctx)
    return [InlineImage(image)] if image else []


INLINE_CONVERTERS: dict[str, Callable[[Tag, Context, int], list[Inline]]] = {
    "a": _link,
    "sup": _sup,
    "br": _br,
    "img": _img_inline,
}


def make_image(el: Tag, ctx: Context) -> Image | None:
    """An :class:`Image` from ``<img>``; lazy-loading attributes are honoured."""
    src = None
    for attr in ("src", "data-src", "data-lazy-src", "data-original"):
        value = (el.get(attr) or "").strip()
        if value and not value.startswith("data:image/gif"):
            src = value
            break
    if not src:
        return None
    alt = el.get("alt")
    decorative = alt is not None and not alt.strip() or el.get("role") in ("presentation", "none")
    if alt is not None:
        alt = _WS.sub(" ", alt).strip() or None
    parsed = urlparse(src)
    image = Image(src=src, alt=alt, decorative=bool(decorative) and alt is None,
                  width=_dim(el.get("width")), height=_dim(el.get("height")))
    if parsed.scheme in ("http", "https") or (ctx.base_url and not parsed.scheme and not ctx.source):
        image.src = urljoin(ctx.base_url or "", src)
    elif parsed.scheme == "data":
        image.src = src
    elif parsed.scheme in ("", "file") and ctx.source is not None:
        local = Path(parsed.path) if parsed.scheme == "file" else (ctx.source.parent / parsed.path)
        from ..manifest import inside

        if ctx.root is not None and not inside(ctx.root, local):
            ctx.diag("S006", f"image {src!r} lies outside the project; refused", el)
            image.src = ""
        elif not local.is_file():
            if ctx.base_url:
                image.src = urljoin(ctx.base_url, src)
            else:
                ctx.diag("S007", f"image {src!r} not found", el)
                image.src = ""
        else:
            image.local = local.resolve()
            image.src = str(image.local.relative_to(ctx.root.resolve())) if ctx.root else src
    else:
        return None
    if image.alt is None and not image.decorative:
        ctx.diag("A001", f"image {src!r} has no text alternative", el)
    return image


def _dim(value: str | None) -> str | None:
    if value and re.fullmatch(r"\s*\d+(\.\d+)?(px)?\s*", value):
        return value.strip().removesuffix("px")
    return None


# ------------------------------------------------------------------ blocks


def blocks(el: Tag, ctx: Context, depth: int = 0) -> list[Block]:
    """Convert the children of ``el`` to blocks; loose inline runs become paragraphs."""
    out: list[Block] = []
    run: list[Inline] = []
    lang = None

    def flush() -> None:
        nonlocal run
        _paragraphs_from_run(run, out, lang)
        run = []

    for child in el.children:
        if isinstance(child, Tag) and child.name:
            name = child.name.lower()
            if name in DROP:
                continue
            if depth > MAX_DEPTH:
                _warn_deep(child, ctx)
                run.extend(inline(child, ctx, depth + MAX_DEPTH))
                continue
            if name in BLOCK_CONVERTERS:
                flush()
                out.extend(BLOCK_CONVERTERS[name](child, ctx, depth + 1))
                continue
            if name in BLOCK_TAGS:
                flush()
                inner = blocks(child, ctx, depth + 1)
                clang = _lang(child)
                if clang:
                    _set_lang(inner, clang)
                out.extend(inner)
                continue
        run.extend(inline(child, ctx, depth + 1))
    flush()
    return out


def _paragraphs_from_run(run: list[Inline], out: list[Block], lang: str | None) -> None:
    """Loose inline content; ``<br><br>`` splits it into paragraphs."""
    if not _has_text(run) and not any(isinstance(n, InlineImage) for n in run):
        return
    parts: list[list[Inline]] = [[]]
    pending_br = 0
    for node in run:
        if isinstance(node, LineBreak):
            pending_br += 1
            continue
        if pending_br >= 2:
            parts.append([])
        elif pending_br == 1:
            parts[-1].append(LineBreak())
        pending_br = 0
        parts[-1].append(node)
    for part in parts:
        if _has_text(part) or any(isinstance(n, InlineImage) for n in part):
            out.append(Paragraph(trim(part), lang=lang))


def _p(el: Tag, ctx: Context, depth: int) -> list[Block]:
    if el.find(BLOCK_CONVERTERS_BLOCKISH) is not None:
        return blocks(el, ctx, depth)
    out: list[Block] = []
    _paragraphs_from_run(inlines(el, ctx, depth), out, _lang(el))
    return out


def _heading(el: Tag, ctx: Context, depth: int) -> list[Block]:
    kids = trim(inlines(el, ctx, depth))
    if not _has_text(kids):
        return []
    return [Heading(level=int(el.name[1]), children=kids, id=el.get("id") or "", lang=_lang(el))]


def _list(el: Tag, ctx: Context, depth: int) -> list[Block]:
    items = []
    for li in el.find_all("li", recursive=False):
        content = blocks(li, ctx, depth + 1)
        if content:
            items.append(ListItem(content, lang=_lang(li)))
    if not items:
        return []
    start = el.get("start")
    return [List(items, ordered=el.name == "ol",
                 start=int(start) if start and start.strip().lstrip("-").isdigit() and int(start) != 1 else None)]


def _dl(el: Tag, ctx: Context, depth: int) -> list[Block]:
    items: list[DefinitionItem] = []
    for child in el.find_all(["dt", "dd"]):
        if child.find_parent("dl") is not el:
            continue
        if child.name == "dt":
            if not items or items[-1].descriptions:
                items.append(DefinitionItem())
            items[-1].terms.append(trim(inlines(child, ctx, depth)))
        else:
            if not items:
                items.append(DefinitionItem())
            items[-1].descriptions.append(blocks(child, ctx, depth + 1))
    return [DefinitionList(items)] if items else []


def _blockquote(el: Tag, ctx: Context, depth: int) -> list[Block]:
    attribution = None
    footer = el.find(["footer", "figcaption"], recursive=False)
    if footer is not None:
        attribution = trim(inlines(footer, ctx, depth))
        footer.extract()
    content = blocks(el, ctx, depth)
    if not content:
        return []
    cite = ctx.url(el.get("cite"))
    return [Quote(content, attribution=attribution, cite=cite if cite and not cite.startswith("#") else None,
                  lang=_lang(el))]


def _figure(el: Tag, ctx: Context, depth: int) -> list[Block]:
    caption_el = el.find("figcaption")
    caption = trim(inlines(caption_el, ctx, depth)) if caption_el is not None else None
    if caption_el is not None:
        caption_el.extract()
    images = [img for img in (make_image(i, ctx) for i in el.find_all("img")) if img]
    if not images:
        # a figure holding a quote, a table or code: keep that content
        content = blocks(el, ctx, depth)
        if caption and _has_text(caption):
            content.append(Paragraph(caption))
        return content
    return [Figure(images, caption=caption if caption and _has_text(caption) else None,
                   id=el.get("id") or "")]


def _img_block(el: Tag, ctx: Context, depth: int) -> list[Block]:
    image = make_image(el, ctx)
    return [Figure([image])] if image else []


def _pre(el: Tag, ctx: Context, depth: int) -> list[Block]:
    text = el.get_text()
    if text.startswith("\n"):
        text = text[1:]
    if not text.strip():
        return []
    code = el.find("code")
    language = None
    if code is not None:
        for cls in code.get("class", []):
            if cls.startswith("language-"):
                language = cls[9:]
    return [Preformatted(text.rstrip("\n"), code=code is not None, language=language)]


def _hr(el: Tag, ctx: Context, depth: int) -> list[Block]:
    return [Rule()]


def _table(el: Tag, ctx: Context, depth: int) -> list[Block]:
    rows = [tr for tr in el.find_all("tr") if tr.find_parent("table") is el]
    if is_layout_table(el, rows):
        out: list[Block] = []
        for tr in rows:
            for td in tr.find_all(["td", "th"], recursive=False):
                out.extend(blocks(td, ctx, depth + 1))
        return out
    table = Table(id=el.get("id") or "")
    cap = el.find("caption")
    if cap is not None and cap.find_parent("table") is el:
        table.caption = trim(inlines(cap, ctx, depth)) or None
    for tr in rows:
        row = Row()
        for td in tr.find_all(["td", "th"], recursive=False):
            content = blocks(td, ctx, depth + 1)
            scope = td.get("scope") if td.get("scope") in ("col", "row", "colgroup", "rowgroup") else None
            row.cells.append(Cell(content, header=td.name == "th", scope=scope,
                                  colspan=_span(td.get("colspan")), rowspan=_span(td.get("rowspan"))))
        if not row.cells:
            continue
        section = tr.parent.name if isinstance(tr.parent, Tag) else "tbody"
        if section == "thead":
            table.head.append(row)
        elif section == "tfoot":
            table.foot.append(row)
        else:
            table.body.append(row)
    if not table.head and table.body and all(c.header for c in table.body[0].cells):
        table.head.append(table.body.pop(0))
    if not table.head and not table.body:
        return []
    return [table]


def is_layout_table(el: Tag, rows: list[Tag]) -> bool:
    """A table used for layout: presentation role, or one cell per row holding blocks."""
    if el.get("role") in ("presentation", "none"):
        return True
    if el.find("th") is not None or el.find("caption") is not None or el.find("thead") is not None:
        return False
    cells = [td for tr in rows for td in tr.find_all(["td", "th"], recursive=False)]
    if not cells:
        return True
    if len(rows) == 1 or max(len(tr.find_all(["td", "th"], recursive=False)) for tr in rows) == 1:
        return True
    if el.find("table") is not None:
        return True
    return any(td.find(["p", "div", "h1", "h2", "h3", "ul", "ol", "img"]) is not None for td in cells[:20]) \
        and len(el.get_text(" ", strip=True)) > 400


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


BLOCK_CONVERTERS: dict[str, Callable[[Tag, Context, int], list[Block]]] = {
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
BLOCK_CONVERTERS_BLOCKISH = ["p", "div", "ul", "ol", "table", "blockquote", "figure", "h1", "h2",
                             "h3", "h4", "h5", "h6", "pre", "dl", "section"]


# ------------------------------------------------------------------ helpers


def _lang(el: Tag) -> str | None:
    value = el.get("lang") or el.get("xml:lang")
    if value and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value.strip()):
        return value.strip()
    return None


def _set_lang(nodes: list[Block], lang: str) -> None:
    for node in nodes:
        if hasattr(node, "lang") and getattr(node, "lang") is None:
            node.lang = lang


def _has_text(nodes: list[Inline]) -> bool:
    return bool(_plain(nodes).strip())


def _plain(nodes: list[Inline]) -> str:
    from ..textutil import plain_text

    return plain_text(nodes)


def trim(nodes: list[Inline]) -> list[Inline]:
    """Strip white space at both ends of an inline run and merge adjacent texts."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(_WS.sub(" ", merged[-1].text + node.text))
        else:
            merged.append(node)
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


# ------------------------------------------------------------------ metadata


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag is not None and tag.get("content", "").strip():
            return _WS.sub(" ", tag["content"]).strip()
    return None


def page_metadata(soup: BeautifulSoup) -> ArticleMeta:
    """Metadata from the page's head (meta, Open Graph, canonical link, lang)."""
    meta = ArticleMeta()
    meta.title = _meta(soup, "og:title", "twitter:title", "dc.title", "DC.title") or ""
    if not meta.title and soup.title and soup.title.string:
        meta.title = _WS.sub(" ", soup.title.string).strip()
    author = _meta(soup, "author", "article:author", "dc.creator", "DC.creator")
    if author and not author.startswith("http"):
        meta.authors = [author]
    meta.published = _meta(soup, "article:published_time", "dcterms.date", "DC.date",
                           "dc.date", "date", "datePublished")
    meta.modified = _meta(soup, "article:modified_time", "dcterms.modified")
    meta.description = _meta(soup, "description", "og:description")
    meta.site_name = _meta(soup, "og:site_name", "application-name")
    canon = soup.find("link", rel="canonical")
    meta.source_url = (canon.get("href") if canon is not None else None) or _meta(soup, "og:url")
    html = soup.find("html")
    if html is not None:
        meta.language = _lang(html)
    if not meta.language:
        meta.language = _meta(soup, "language", "content-language", "dc.language")
    return meta


def main_element(soup: BeautifulSoup) -> Tag:
    """The element holding the article: a single ``article``, else ``main``, else the body."""
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        return main
    return soup.body or soup


def read_html(text: str, source: Path | None, root: Path | None, diags: list,
              base_url: str | None = None) -> Article:
    """Read clean article HTML (a fragment, an export, or a simple page)."""
    soup = BeautifulSoup(text, "lxml")
    meta = page_metadata(soup)
    base = soup.find("base", href=True)
    ctx = Context(base_url or (base["href"] if base is not None else None) or meta.source_url,
                  source, root, diags)
    main = main_element(soup)
    h1 = main.find("h1")
    if h1 is not None:
        heading_text = _WS.sub(" ", h1.get_text(" ")).strip()
        if not meta.title or _similar(heading_text, meta.title):
            meta.title = heading_text
            h1.extract()
    notes = extract_notes(main, soup, ctx)
    body = blocks(main, ctx)
    return Article(meta=meta, blocks=body, notes=notes, source=source, diagnostics=diags)


_BACKLINK = re.compile(r"^\s*[↩↑^⤴]\ufe0e?\s*$")


def extract_notes(main: Tag, soup: BeautifulSoup, ctx: Context) -> list[Note]:
    """Move the targets of footnote references out of the body into notes.

    A footnote is the element whose id a note reference (``_note_ref``) points
    at; its links back to the reference are dropped (the writer makes its own)."""
    notes: list[Note] = []
    seen: set[str] = set()
    containers: set[int] = set()
    for a in main.find_all("a", href=True):
        if a.decomposed or a.attrs is None:
            continue
        href = a["href"].strip()
        if not href.startswith("#") or _note_ref(a, href, inlines_text(a)) is None:
            continue
        target_id = href[1:]
        if target_id in seen:
            continue
        target = soup.find(id=target_id)
        if target is None or target is a or a in target.parents if target is not None else False:
            continue
        if target.name in ("a", "span", "sup") and target.parent is not None:
            target = target.find_parent(["li", "p", "div", "aside", "dd"]) or target
        seen.add(target_id)
        for back in target.find_all("a", href=True):
            if back["href"].startswith("#") and (_BACKLINK.match(back.get_text()) or
                                                 "backlink" in (back.get("role") or "") or
                                                 "back" in " ".join(back.get("class", []))):
                back.decompose()
        container = target.find_parent(["ol", "ul", "section", "div", "aside", "footer"])
        target.extract()
        content = blocks(target, ctx, 1) if target.name not in ("p",) else _p(target, ctx, 1)
        notes.append(Note(id=target_id, children=content))
        if container is not None:
            containers.add(id(container))
            if not container.get_text(strip=True):
                parent = container.find_parent(["section", "div", "aside", "footer"])
                container.decompose()
                if parent is not None and re.search(r"foot|note", " ".join(parent.get("class", [])) + (parent.get("id") or ""), re.I) \
                        and len(parent.get_text(strip=True)) < 40:
                    parent.decompose()
    return notes


def inlines_text(el: Tag) -> list[Inline]:
    return [Text(el.get_text())]


def _similar(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return bool(a) and (a == b or a in b or b in a)
