"""More fuzz targets (issue 23): SVG images, project stylesheets and article-cache entries.

Each target writes its own inputs from a seed (never corpus files), mutates them, runs
them through the code that meets them in a build and checks what comes out, not only
that nothing raised:

- ``svg``: :func:`pubbuild.svg.sanitize_svg` (what the EPUB ships) and
  :func:`pubbuild.svg.bounded` (what the PDF draws); a shipped SVG must parse, hold no
  reference outside itself and stay under the drawing limit; every 16th is laid out in
  a PDF.
- ``css``: :func:`pubbuild.styles.confine`; every ``url()`` left must be a fragment or a
  ``data:`` picture or font, every SVG inside one self-contained.
- ``cache``: an entry written by a real build, damaged, then loaded by
  :class:`pubbuild.assemble.cache.ArticleCache`; it is a hit or a miss, never an error, and a
  hit renders to XHTML with no link outside the allow-list.

The allowed outcomes are success and the documented errors (``PubbuildError``, and
``SvgProblem`` for an SVG refused with a diagnostic); anything else, a failed check
included, is a finding.  ``bench/fuzz.py --target`` runs them for minutes.
"""

from __future__ import annotations

import base64
import json
import random
import re
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

from fuzzing import ODD, mutate

TARGETS = ("svg", "css", "cache")

# ------------------------------------------------------------------ SVG

_SVG_ELEMENTS = ["g", "defs", "symbol", "use", "rect", "circle", "path", "image", "style", "text", "a",
                 "script", "pattern", "foreignObject", "svg", "linearGradient", "clipPath", "switch"]
_LENGTHS = ["10", "0", "-5", "NaN", "inf", "-inf", "1e400", "1e-400", "50%", "3em", "", "x", "1e9",
            "99999999999999999999999"]
_VIEWBOXES = ["0 0 10 10", "0 0 0 0", "0 0 10", "0 0 NaN 5", "0,0,10,10", "-1 -1 -1 -1", "0 0 1e400 1",
              "a b c d", ""]
_REFS = ["#a", "#b", "#c", "#missing", "", "http://evil.example/x.png", "file:///etc/passwd",
         "data:image/png;base64,iVBORw0KGgo=", "data:image/svg+xml,<svg/>", "javascript:alert(1)",
         "other.svg#a", "//evil.example/x"]
_STYLES = ["fill:red", "fill:url(#b)", "fill:url(http://evil.example/)", "@import 'x.css';",
           "rect{fill:u\\72l(https://evil.example/)}", "fill:url( 'file:///etc/passwd' )", "stroke-width:NaN"]


def _svg_element(rng: random.Random, depth: int) -> str:
    if depth > 5 or rng.random() < 0.2:
        return rng.choice(ODD) if rng.random() < 0.02 else rng.choice(["", "text", "&amp;", "<!-- c -->"])
    tag = rng.choice(_SVG_ELEMENTS)
    attrs = []
    if rng.random() < 0.6:
        attrs.append(f'id="{rng.choice("abc")}"')
    for name in rng.sample(["width", "height", "x", "y", "r"], rng.randint(0, 3)):
        attrs.append(f'{name}="{rng.choice(_LENGTHS)}"')
    if rng.random() < 0.3:
        attrs.append(f'viewBox="{rng.choice(_VIEWBOXES)}"')
    if tag in ("use", "image", "a") or rng.random() < 0.1:
        attrs.append(f'{rng.choice(["href", "xlink:href"])}="{escape(rng.choice(_REFS))}"')
    if rng.random() < 0.15:
        attrs.append(f'style="{escape(rng.choice(_STYLES))}"')
    if rng.random() < 0.05:
        attrs.append('onload="alert(1)"')
    kids = "".join(_svg_element(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    if tag == "style":
        kids = escape(rng.choice(_STYLES), quote=False)
    return f"<{tag} {' '.join(attrs)}>{kids}</{tag}>"


def use_bomb(levels: int, copies: int) -> str:
    """``copies`` ** ``levels`` shapes from a few hundred bytes a level."""
    defs = ['<rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        defs.append(f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * copies + "</g>")
    return f'<defs>{"".join(defs)}</defs><use href="#l{levels}"/>'


def svg_case(seed: int) -> bytes:
    """A generated SVG (a ``<use>`` bomb one time in ten), maybe mutated."""
    rng = random.Random(seed)
    body = "".join(_svg_element(rng, 0) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.1:
        body += use_bomb(rng.randint(2, 9), rng.randint(2, 12))
    root = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{rng.choice(_LENGTHS)}" height="{rng.choice(_LENGTHS)}" viewBox="{rng.choice(_VIEWBOXES)}">')
    data = (root + body + "</svg>").encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.1:
        data = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
    return mutate(rng, data) if rng.random() < 0.25 else data


#: A reference in a shipped SVG that leaves the file (its namespace declarations aside).
_OUTSIDE = re.compile(rb"""(?:href|src)\s*=\s*["']\s*(?!#|data:image/(?:png|jpeg|gif|webp))[^"']+|url\(\s*['"]?\s*(?!#)""",
                      re.IGNORECASE)


def check_svg(data: bytes, work: Path, pdf: bool) -> str:
    from lxml import etree

    from pubbuild import svg

    try:
        svg.bounded(data)
    except svg.SvgTooLarge:
        pass
    if pdf:  # whatever the EPUB's sanitiser makes of it: the PDF draws it its own way
        _pdf_with_image(work, data)
    try:
        shipped = svg.sanitize_svg(data)
    except svg.SvgProblem as exc:
        return "documented: " + str(exc)[:60]
    root = etree.fromstring(shipped, etree.XMLParser(resolve_entities=False))
    svg.drawn_elements(root)  # what is shipped is within the limit
    found = _OUTSIDE.search(shipped)
    if found:
        raise AssertionError(f"shipped SVG refers outside itself: {found.group(0)[:80]!r}")
    return "ok"


def _pdf_with_image(work: Path, data: bytes) -> None:
    from pubbuild.assemble.build import build
    from pubbuild.backends import BuildOptions

    (work / "drawing.svg").write_bytes(data)
    page = work / "drawing.html"
    page.write_text("<html lang=en><head><title>Drawing</title></head><body><article><h1>Drawing</h1>"
                    "<p>A paragraph long enough to be the text of the article around the drawing.</p>"
                    '<figure><img src="drawing.svg" alt="the drawing"></figure></article></body></html>')
    build("pdf", page, work / "drawing.pdf", options=BuildOptions(extra={"jobs": 1}))


# ------------------------------------------------------------------ CSS

_SELECTORS = ["p", "h1", ".a", "#b", "a:hover", "p > em", "ul li", ":is(p, h1)", ":not(.x)", "*", "[lang]"]
_VALUES = ["red", "1px solid", "calc(1px + 2%)", "var(--x, 3px)", "url(x.png)", "url(data:image/png;base64,AAAA)",
           'url("http://evil.example/a.png")', "url(//evil.example/a)", "url(file:///etc/passwd)",
           'image-set("http://evil.example/a.png" 1x, "ok.png" 2x)', '-webkit-image-set("file:///x" 1x)',
           'image("https://evil.example/")', 'cross-fade(url(ok.png), url("http://evil.example/"))',
           "url(../../outside.png)", "url(ok.svg)", "url(evil.svg)", "url(pipe.png)",
           "url(data:text/html,<script>alert(1)</script>)", "url(javascript:alert(1))",
           'url("data:image/svg+xml,' + quote('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x"/></svg>') + '")',
           "url(data:image/svg+xml;base64," + base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg">'
                                                               b'<rect fill="url(#g)"/></svg>').decode() + ")"]
_PROPERTIES = ["color", "background", "background-image", "border", "content", "src", "list-style", "cursor"]


def _rule(rng: random.Random, depth: int) -> str:
    if depth < 3 and rng.random() < 0.2:
        at = rng.choice(["@media screen", "@supports (display: grid)", "@font-face", "@page", "@import"])
        if at == "@import":
            return f'@import url("{rng.choice(["x.css", "http://evil.example/x.css"])}");'
        return f"{at} {{ {''.join(_rule(rng, depth + 1) for _ in range(rng.randint(0, 3)))} }}"
    selector = ", ".join(rng.choice(_SELECTORS) for _ in range(rng.randint(1, 3)))
    decls = "; ".join(f"{rng.choice(_PROPERTIES)}: {rng.choice(_VALUES)}" for _ in range(rng.randint(1, 4)))
    return f"{selector} {{ {decls} }}"


def css_case(seed: int) -> str:
    """A generated stylesheet (deep nesting or a long selector now and then), maybe mutated."""
    rng = random.Random(seed)
    css = "\n".join(_rule(rng, 0) for _ in range(rng.randint(1, 8)))
    shape = rng.random()
    if shape < 0.05:
        css += "\n" + ":is(" * rng.choice([40, 3000]) + "p" + ")" * rng.choice([40, 3000]) + "{color:red}"
    elif shape < 0.1:
        css += "\n" + "@media screen{" * rng.choice([40, 3000]) + "p{color:red}" + "}" * 3000
    elif shape < 0.15:
        css += "\n" + " > ".join(["div"] * rng.choice([100, 5000])) + "{color:red}"
    if rng.random() < 0.5:
        css = mutate(rng, css.encode()).decode("utf-8", "replace")
    return css


def make_css_project(root: Path) -> None:
    import os

    root.mkdir(parents=True, exist_ok=True)
    (root / "ok.png").write_bytes(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8B"
                                                   "QDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    (root / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>')
    (root / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>')
    if hasattr(os, "mkfifo") and not (root / "pipe.png").exists():
        os.mkfifo(root / "pipe.png")


def check_css(css: str, work: Path) -> str:
    import tinycss2

    from pubbuild import svg
    from pubbuild.styles import DATA_TYPES, confine

    diags: list = []
    out = confine(css, work, work, "styles/epub.css", diags)
    stack = list(tinycss2.parse_stylesheet(out))
    while stack:
        node = stack.pop()
        ref = None
        if node.type == "url":
            ref = node.value
        elif node.type == "function" and node.lower_name == "url":
            ref = next((a.value for a in node.arguments if a.type == "string"), None)
        if ref is not None and not ref.startswith("#"):
            head, _, payload = ref.partition(",")
            media = head[5:].split(";")[0].lower()
            if not head.lower().startswith("data:") or not media.startswith(DATA_TYPES):
                raise AssertionError(f"url({ref[:80]}) left in a project stylesheet")
            if media == "image/svg+xml":
                data = base64.b64decode(payload) if ";base64" in head else unquote_to_bytes(payload)
                outside: list[str] = []
                svg.sanitize_svg(data, outside)
                if outside:
                    raise AssertionError(f"SVG in a stylesheet refers to {outside[0][:80]!r}")
        for attr in ("prelude", "content", "arguments"):
            value = getattr(node, attr, None)
            if isinstance(value, list):
                stack.extend(value)
    return "ok"


# ------------------------------------------------------------------ cache entries

_HOSTILE_STRINGS = ["javascript:alert(1)", " JaVa\tScript:x", "data:text/html,<script>", "vbscript:x",
                    "file:///etc/passwd", "http://[::1", "http://[not", "\x00", "\ud800", "a\x07b", "\ufffe",
                    "#", "", "../../etc/passwd", "/etc/passwd", "x" * 10000, "https://ok.example/"]
_HOSTILE_VALUES = [None, True, 0, -1, 10 ** 30, 1.5, float("nan"), [], {}, [[[[]]]], {"type": "Text"},
                   {"type": "os.system"}, {"type": "Link", "href": "javascript:alert(1)", "children": []}]


def _damage(rng: random.Random, value):
    """``value`` with one field somewhere replaced by something hostile."""
    path = []
    node = value
    while isinstance(node, (dict, list)) and node and rng.random() < 0.85:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if not path:
        return value
    parent, key = path[-1]
    choice = rng.random()
    if choice < 0.5:
        parent[key] = rng.choice(_HOSTILE_STRINGS)
    elif choice < 0.8:
        parent[key] = rng.choice(_HOSTILE_VALUES)
    elif isinstance(parent[key], (dict, list)):
        deep = parent[key]
        for _ in range(rng.choice([50, 300, 3000])):
            deep = {"type": "Styled", "kind": "em", "children": [deep]}
        parent[key] = deep
    return value


def cache_case(seed: int, entry: dict) -> str:
    """The entry's JSON text with one to four fields damaged, or its bytes mutated."""
    rng = random.Random(seed)
    data = json.loads(json.dumps(entry))
    for _ in range(rng.randint(1, 4)):
        _damage(rng, data["article"] if rng.random() < 0.9 else data)
    try:
        text = json.dumps(data)
    except (RecursionError, ValueError):
        text = json.dumps(entry)
    if rng.random() < 0.2:
        text = mutate(rng, text.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogateescape")
    return text


def cache_entry(work: Path) -> tuple[Path, dict]:
    """A real entry, from building a small project once: (its file, its data)."""
    from pubbuild.assemble.build import build_all

    project = work / "cache-project"
    if not (project / "pubbuild.yaml").exists():
        project.mkdir(parents=True, exist_ok=True)
        (project / "a.html").write_text(
            '<html lang="en"><head><title>Cached</title><link rel="canonical" href="https://news.example/a">'
            '</head><body><article><h1>Cached</h1><p>A paragraph long enough to be the text of the article, '
            'with <a href="https://example.org/">a link</a> and a note.<sup><a id="r1" href="#n1">1</a></sup></p>'
            '<table><tr><th>h</th></tr><tr><td>c</td></tr></table>'
            '<ol class="footnotes"><li id="n1">The note. <a href="#r1">\u21a9</a></li></ol></article></body></html>')
        (project / "pubbuild.yaml").write_text("title: Cached\nlanguage: en\narticles: [a.html]\n")
        build_all(project / "pubbuild.yaml", formats=["epub"], jobs=1)
    (path,) = (project / "build" / ".cache" / "articles").glob("*.json")
    return path, json.loads(path.read_text())


def check_cache(seed: int, work: Path, entry: tuple[Path, dict]) -> str:
    from lxml import etree

    from pubbuild.assemble.cache import ArticleCache
    from pubbuild.backends.epub.backend import xhtml_document
    from pubbuild.urlsafety import safe_link
    from pubbuild.writer.xhtml import XhtmlWriter

    path, data = entry
    original = path.read_bytes()
    try:
        path.write_text(cache_case(seed, data), encoding="utf-8", errors="surrogatepass")
        article = ArticleCache(path.parents[3]).get(path.stem)
    finally:
        path.write_bytes(original)
    if article is None:
        return "documented: a miss"
    writer = XhtmlWriter(article)
    body = writer.header() + writer.blocks(article.blocks) + writer.notes(article.notes)
    page = xhtml_document("t", "en", body)
    root = etree.fromstring(page.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    for el in root.iter("{*}a"):
        href = el.get("href")
        if href is not None and not safe_link(href):
            raise AssertionError(f"a cache hit linked to {href[:80]!r}")
    return "ok"


def run_one(target: str, seed: int, work: Path, state: dict) -> str:
    """The outcome for ``seed`` of ``target``: ``"ok"`` or ``"documented: …"``; anything
    else propagates (a finding)."""
    from pubbuild.errors import PubbuildError

    try:
        if target == "svg":
            return check_svg(svg_case(seed), work, pdf=seed % 16 == 0)
        if target == "css":
            make_css_project(work)
            return check_css(css_case(seed), work)
        if "entry" not in state:
            state["entry"] = cache_entry(work)
        return check_cache(seed, work, state["entry"])
    except PubbuildError as exc:
        return "documented: " + str(exc.lines()[0]).split(": ", 1)[-1][:60]


def fuzz(targets: list[str], seeds, work: Path, seconds: float, epub_every: int = 4, on_other=None):
    """Run the ``targets`` in turn (``"html"`` being :mod:`fuzzing`'s pages), one input each,
    until ``seeds`` run out or ``seconds`` pass; a :class:`fuzzing.Tally` with ``by_target``."""
    import collections
    import logging
    import time
    import traceback

    import fuzzing

    log = logging.getLogger("pubbuild")
    level = log.level
    log.setLevel(logging.CRITICAL)
    tally = fuzzing.Tally()
    tally.by_target = collections.defaultdict(collections.Counter)
    state: dict = {}
    deadline = time.monotonic() + seconds
    fuzzing.make_project(work)
    try:
        for seed in seeds:
            if time.monotonic() > deadline:
                break
            target = targets[seed % len(targets)]
            tally.inputs += 1
            try:
                if target == "html":
                    outcome = fuzzing.run_one(seed, work, epub=seed % epub_every == 0)
                else:
                    outcome = run_one(target, seed, work, state)
            except Exception:  # noqa: BLE001 - the finding itself
                trace = f"target {target}, seed {seed}\n{traceback.format_exc()}"
                tally.other.append((seed, target, trace))
                tally.by_target[target]["other"] += 1
                if on_other is not None:
                    on_other(seed, trace)
                continue
            if outcome == "ok":
                tally.successes += 1
                tally.epubs += target == "html" and seed % epub_every == 0
                tally.by_target[target]["ok"] += 1
            else:
                tally.documented += 1
                tally.by_target[target]["documented"] += 1
                tally.errors[f"{target}: {outcome.removeprefix('documented: ')}"] += 1
    finally:
        log.setLevel(level)
    return tally
