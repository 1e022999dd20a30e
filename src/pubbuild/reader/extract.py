"""Find the article on a full web page and drop the page furniture.

The algorithm is Mozilla Readability's (score paragraphs, propagate the
scores to their ancestors, pick the best container, add related siblings,
then clean conditionally), re-implemented over an lxml tree.  We measured
the Python libraries first (``bench/normalize_bench.py --baselines``, on the
44-page Readability corpus): readability-lxml 0.9 scores text F1 0.975 with
heading / list-item / paragraph agreement 0.83 / 0.86 / 0.89, trafilatura
2.3 0.922 with 0.73 / 0.90 / 0.81; both drop list items and headings the
reference keeps, and readability-lxml runs at about 30 pages/s here because
it re-parses, re-serialises and re-measures text for every decision.  This
module parses once, and follows Readability.js where readability-lxml
departs from it (its conditional cleaning ignores candidate scores, for
one); it scores 0.995 / 0.91 / 0.98 / 0.92 at about 2.4 times
readability-lxml's speed in the same runs.

Two kinds of evidence the scores lack weigh over them: what the page declares as its
article in schema.org's vocabulary (:mod:`.declared`, see ``Extractor._declared``), and
its only ``article`` element, which bounds a pick that climbed past it
(:func:`_within_the_article`).

A page that carries no furniture markup at all (a fragment, a CMS export, a
Word or Google Docs file, but also a table-built page of the 2000s) is kept
whole unless extraction drops a part of its readable text that only page
furniture explains (see :data:`UNFURNISHED_MIN_SHARE`); a word processor's
export is never extracted.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

from . import furniture
from .declared import Declaration, article_items, body_element
from .dom import HtmlElement, has_words, inner_text, link_density, readable_chars, word_set
from .dom import remove as _remove
from .dom import tag as _tag

# --- the signals (Readability's, plus WordPress and newsletter furniture) ----------

UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|"
    r"gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|newsletter|"
    r"subscribe|cookie|consent|sharedaddy|jp-relatedposts|post-navigation|respond|widget",
    re.IGNORECASE)
MAYBE = re.compile(r"and|article|body|column|content|main|mathjax|shadow", re.IGNORECASE)
POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story", re.IGNORECASE)
NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|"
    r"media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|"
    r"shopping|tags|widget|newsletter|subscribe|cookie", re.IGNORECASE)
SHARE = re.compile(r"(\b|_)(share|sharedaddy|social|likes?)(\b|_)", re.IGNORECASE)
BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)
UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert",
                            "alertdialog", "dialog", "banner", "contentinfo", "search"})
VIDEO = re.compile(r"//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq)\.com|"
                   r"(archive|upload\.wikimedia)\.org|player\.twitch\.tv)", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
AD_TEXT = re.compile(r"^(ad(vertising|vertisement)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio)$",
                     re.IGNORECASE)

#: Elements that are furniture wherever they are, on a full page.
FURNITURE_TAGS = ("nav", "aside", "footer", "form", "dialog", "menu")
BLOCKISH = frozenset({"blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul",
                      "section", "article", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
                      "header", "footer", "aside", "nav", "main", "hr", "address", "details",
                      "fieldset", "form", "center", "li", "picture", "video", "iframe"})
PHRASING = frozenset({"a", "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data",
                      "datalist", "dfn", "em", "embed", "i", "img", "input", "kbd", "label",
                      "mark", "math", "meter", "noscript", "object", "output", "progress", "q",
                      "ruby", "samp", "script", "select", "small", "span", "strong", "sub",
                      "sup", "textarea", "time", "var", "wbr", "s", "u", "font", "del", "ins",
                      "tt", "big", "strike", "acronym"})
SCORE_TAGS = frozenset({"section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"})
TAG_SCORE = {"div": 5, "pre": 3, "td": 3, "blockquote": 3, "address": -3, "ol": -3, "ul": -3,
             "dl": -3, "dd": -3, "dt": -3, "li": -3, "form": -3, "h1": -5, "h2": -5, "h3": -5,
             "h4": -5, "h5": -5, "h6": -5, "th": -5}
CHAR_THRESHOLD = 500
_WS = re.compile(r"\s+")








def _signature(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


# The class and id signals are tested on every element of the page, once per extraction
# attempt, and pages repeat the same few classes on thousands of elements: each pattern is
# searched once per distinct value (the searches were a fifth of the extractor's time).

@lru_cache(maxsize=8192)
def _unlikely(sig: str) -> bool:
    """A signature naming furniture (:data:`UNLIKELY`) and nothing that may hold content."""
    return len(sig) > 2 and UNLIKELY.search(sig) is not None and MAYBE.search(sig) is None


@lru_cache(maxsize=8192)
def _names_byline(sig: str) -> bool:
    return BYLINE.search(sig) is not None


@lru_cache(maxsize=8192)
def _weight(value: str) -> int:
    """Readability's class weight of one class or id value."""
    return (-25 if NEGATIVE.search(value) else 0) + (25 if POSITIVE.search(value) else 0)


def has_furniture(root: HtmlElement) -> bool:
    """True for a full web page: landmarks, furniture classes, or a comment form.

    A fragment, an export or a document saved from a word processor has none
    of these; extracting from it could only lose text, so it is kept whole."""
    body = root.find(".//body")
    scope = body if body is not None else root
    for el in scope.iter(etree.Element):
        tag = _tag(el)
        if tag in FURNITURE_TAGS and tag != "footer":
            return True
        if tag == "iframe" and not VIDEO.search(el.get("src") or ""):
            return True  # ads and widgets; an embedded video is content
        if tag in ("header", "footer") and not any(
                _tag(a) in ("article", "blockquote", "figure", "section") for a in el.iterancestors()):
            return True  # the page's own header or footer, not an article's or a quotation's
        if el.get("role") in UNLIKELY_ROLES:
            return True
        if _unlikely(_signature(el)):
            return True
    return _link_heavy(scope)


#: A page with at least this many links making up at least this share of its text has navigation,
#: whatever its markup: table-built pages of the 2000s name none of their parts.
NAV_LINKS, NAV_DENSITY = 30, 0.3


def _link_heavy(scope: HtmlElement) -> bool:
    links = [a for a in scope.iter("a") if a.get("href")]
    if len(links) < NAV_LINKS:
        return False
    total = len(inner_text(scope)) - sum(len(inner_text(s)) for s in scope.iter("script", "style"))
    return total > 0 and sum(len(inner_text(a)) for a in links) / total >= NAV_DENSITY


#: Readability climbs from the best-scored candidate to an ancestor that scores higher, to
#: take in an article split over sibling blocks; but an ancestor also scores from the teasers of
#: a sidebar or a "most read" box beside the article.  When what the climb would add is links
#: for more than this share of its text, it is navigation, not the rest of the article, and the
#: candidate stays (measured on the tuning part of the corpus: 0.35 loses headings and list items
#: the article's own link-rich sections hold; 0.45 to 0.5 pay the most).
CLIMB_LINKS = 0.45


def _mostly_links_beside(outer: HtmlElement, inner: HtmlElement) -> bool:
    """Whether what ``outer`` holds besides ``inner`` (a descendant) is mostly link text: the
    feature of page navigation and teaser lists, which an article's own text is not."""
    def measure(el: HtmlElement) -> tuple[int, int]:
        return len(inner_text(el)), sum(len(inner_text(a)) for a in el.iter("a") if a.get("href"))
    (chars, links), (inner_chars, inner_links) = measure(outer), measure(inner)
    rest = chars - inner_chars
    return rest > 0 and (links - inner_links) / rest > CLIMB_LINKS


#: A container the page declares as its article body is taken with this much readable text: a
#: template that marks one paragraph of the story declares less (Readability's threshold).
DECLARED_MIN_CHARS = CHAR_THRESHOLD
#: The container picked holds the article declared in JSON-LD when it holds this share of the
#: declared text's words (a caption or a pull quote in one and not the other costs a few).
DECLARED_COVERAGE = 0.8


def _only_article(body: HtmlElement) -> HtmlElement | None:
    """The page's ``article`` element, when it has exactly one."""
    articles = list(itertools.islice(body.iter("article"), 2))
    return articles[0] if len(articles) == 1 else None


def _holds(outer: HtmlElement, inner: HtmlElement) -> bool:
    """Whether ``inner`` is a descendant of ``outer``."""
    return any(a is outer for a in inner.iterancestors(outer.tag))


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    """Whether one of ``a`` and ``b`` holds the other (or they are one element)."""
    return a is b or _holds(a, b) or _holds(b, a)


def _within_the_article(body: HtmlElement, best: HtmlElement, top5: list[tuple[float, HtmlElement]],
                        best_score: float) -> HtmlElement:
    """``best``, or the page's only ``article`` element inside it: HTML's element for a
    self-contained composition, which a template puts around the story, while a side column
    beside it (whose class may name content as well as a sidebar, and so is not dropped as
    unlikely) lifts their common ancestor's score above the article's own candidates.  Taken
    when the best-scored candidate inside ``best`` lies in the article and is the page's top
    candidate or scores at least :data:`COLUMN_SCORE` of ``best``'s score, and the article
    holds a story's length of readable text (:data:`CHAR_THRESHOLD`)."""
    article = _only_article(body)
    if article is None or article is best or not _holds(best, article):
        return best
    for value, el in top5:
        if el is best or not _holds(best, el):
            continue
        if el is not top5[0][1] and value < COLUMN_SCORE * best_score:
            return best
        inside = el is article or _holds(article, el)
        return article if inside and readable_chars(article) >= CHAR_THRESHOLD else best
    return best


#: A candidate inside the container picked, scoring at least this share of the container's score,
#: may be the article in one column of a page's content wrapper (see ``Extractor._column``).
COLUMN_SCORE = 0.5


class _Scores:
    """Content scores of candidate containers, keyed by element."""

    def __init__(self, weigh_classes: bool) -> None:
        self.score: dict[HtmlElement, float] = {}
        self.weigh_classes = weigh_classes

    def class_weight(self, el: HtmlElement) -> int:
        if not self.weigh_classes:
            return 0
        weight = 0
        for value in (el.get("class"), el.get("id")):
            if value:
                weight += _weight(value)
        return weight

    def init(self, el: HtmlElement) -> None:
        if el not in self.score:
            self.score[el] = TAG_SCORE.get(_tag(el), 0) + self.class_weight(el)






#: A block one of a series of at least this many siblings of its class (the posts of a blog's
#: page, the entries of a news digest) ...
SERIES_MIN = 3
#: ... with at least this much text outside its links, and links for at most this share of its
#: text, is kept when Readability's conditional cleaning would drop it alone for its links: a
#: post with a list of further reading is as much the page's content as the posts beside it.
#: A teaser of a "related stories" series has a linked headline and a line or two of summary:
#: less text of its own, or more of it in links.
SERIES_OWN_CHARS, SERIES_LINKS = 250, 0.5


def _one_of_a_series(el: HtmlElement) -> bool:
    """Whether ``el`` is one of a series of blocks of the same class with text of their own."""
    cls = el.get("class")
    parent = el.getparent()
    if not cls or parent is None or _tag(el) not in ("div", "section", "article", "li"):
        return False
    if sum(1 for sib in parent if sib.get("class") == cls) < SERIES_MIN:
        return False
    length = len(inner_text(el))
    own = readable_chars(el, length)
    return own >= SERIES_OWN_CHARS and length - own <= SERIES_LINKS * length


def similar(a: str, b: str) -> float:
    """Share of ``b``'s words found in ``a`` (Readability's textSimilarity)."""
    wa, wb = word_set(a), word_set(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wb | wa) if len(wb) > 3 else float(wa == wb)


class Extractor:
    """One extraction attempt with Readability's flags."""

    def __init__(self, title: str, strip_unlikely: bool = True, weigh_classes: bool = True,
                 clean_conditionally: bool = True, declared: Declaration | None = None) -> None:
        self.title = title
        #: What the page declares as its article body (see :meth:`_declared`).
        self.declared = declared
        #: Whether the container picked is the one the page declares (:meth:`_declared`).
        self.took_declared = False
        #: Whether the climb was brought back to the page's only ``article`` (see
        #: :func:`_within_the_article`): its siblings, which the climb would have taken in, are
        #: not gathered either.
        self.in_article = False
        self.strip_unlikely = strip_unlikely
        self.clean_conditionally = clean_conditionally
        self.scores = _Scores(weigh_classes)
        self.byline: str | None = None
        self.in_layout_cell = False
        self.chose_unlikely = False
        self.data_tables: set[HtmlElement] = set()
        #: Set when the whole body is read: then no container of most of its text may be removed.
        self.whole_chars = 0
        #: Whether an unlikely element was dropped (without one, the attempt without
        #: ``strip_unlikely`` would be this one again).
        self.stripped = False
        #: The texts read in one conditional cleaning, by element (see :meth:`_text_of`).
        self._texts: dict[HtmlElement, str] = {}

    # ------------------------------------------------------------ preparing

    def _prepare(self, body: HtmlElement) -> list[HtmlElement]:
        """Drop what can never be content; return the elements to score."""
        to_score: list[HtmlElement] = []
        title_dropped = False
        node = body
        while node is not None:
            tag = node.tag.lower()  # (the walk meets elements only)
            for nxt in node:  # the next element: its first element child (_next inlined) ...
                if isinstance(nxt.tag, str):
                    break
            else:  # ... or the next one after it
                nxt = self._next(node, skip_children=True)
            if node is body:
                node = nxt
                continue
            # Most elements have no attribute at all, and so no class or id signature, role or
            # byline mark: the tests of those are skipped for them.
            attributed = bool(node.keys())
            sig = _signature(node) if attributed else ""
            if attributed and node.get("aria-modal") == "true" and node.get("role") == "dialog":
                node = self._drop(node)
                continue
            if attributed and self.byline is None and self._is_byline(node, sig):
                self.byline = inner_text(node)
                node = self._drop(node)
                continue
            if not title_dropped and tag in ("h1", "h2") and self.title and \
                    similar(inner_text(node), self.title) > 0.75:
                title_dropped = True
                node = self._drop(node)
                continue
            if attributed and self.strip_unlikely and (_unlikely(sig) or node.get("role") in UNLIKELY_ROLES) \
                    and self._unlikely_block(node, tag, sig):  # (the cached tests first: every element)
                self.stripped = True
                node = self._drop(node)
                continue
            if tag in ("div", "section", "header", "h1", "h2", "h3", "h4", "h5", "h6") and \
                    self._empty(node):
                node = self._drop(node)
                continue
            if tag in SCORE_TAGS:
                to_score.append(node)
            if tag == "div":
                block_child = self._wrap_phrasing(node)
                children = list(node)
                if len(children) == 1 and _tag(children[0]) == "p" and not (node.text or "").strip() \
                        and not (children[0].tail or "").strip() and link_density(node) < 0.25:
                    p = children[0]
                    node.addprevious(p)
                    p.tail = node.tail
                    node.getparent().remove(node)
                    to_score.append(p)
                    node = p
                    nxt = self._next(p)
                elif not block_child and not self._has_block_child(node):
                    node.tag = "p"
                    to_score.append(node)
            node = nxt
        return to_score

    @staticmethod
    def _next(node: HtmlElement, skip_children: bool = False) -> HtmlElement | None:
        if not skip_children:
            for child in node:
                if isinstance(child.tag, str):
                    return child
        while node is not None:
            sib = node.getnext()
            while sib is not None and not isinstance(sib.tag, str):
                sib = sib.getnext()
            if sib is not None:
                return sib
            node = node.getparent()
        return None

    def _drop(self, node: HtmlElement) -> HtmlElement | None:
        nxt = self._next(node, skip_children=True)
        _remove(node)
        return nxt

    # The tag filters below run in lxml, not in Python: the HTML parser and every rename in the
    # reader write tags in lower case, so they match what _tag() would compare.

    @staticmethod
    def _inside(node: HtmlElement, tags: tuple[str, ...]) -> bool:
        return next(node.iterancestors(*tags), None) is not None

    def _unlikely_block(self, node: HtmlElement, tag: str, sig: str) -> bool:
        """Whether the first attempt drops ``node`` (its class or id ``sig``) as unlikely to be
        content: its signature or role names furniture, and it holds no article or main."""
        if node.get("role") in UNLIKELY_ROLES:
            return True
        return (_unlikely(sig) and tag not in ("body", "a", "html") and not self._inside(node, ("table", "code"))
                and node.find(".//article") is None and node.find(".//main") is None)

    @staticmethod
    def _empty(node: HtmlElement) -> bool:
        # The elements first: a wrapper's first one (a block) settles it at once, where its first
        # text may lie deep down a chain of wrappers (each read down to it: quadratic in depth).
        if not all(_tag(c) in ("br", "hr") for c in node.iter(etree.Element) if c is not node):
            return False
        for text in node.itertext():  # stops at the first text: cheap on big containers
            if not text.isspace():
                return False
        return True

    @staticmethod
    def _has_block_child(node: HtmlElement) -> bool:
        return next(node.iterdescendants(*BLOCKISH), None) is not None

    def _is_byline(self, node: HtmlElement, sig: str) -> bool:
        rel, itemprop = node.get("rel") or "", node.get("itemprop") or ""
        if rel != "author" and "author" not in itemprop and not _names_byline(sig):
            return False
        text = inner_text(node)
        return 0 < len(text) < 100 and _tag(node) not in ("body", "article", "main")

    @staticmethod
    def _wrap_phrasing(div: HtmlElement) -> bool:
        """Runs of text and phrasing elements directly in a block ``div`` become ``p``.
        Returns whether the ``div`` has a block child (it keeps it: only phrasing moves)."""
        if not any(_tag(c) in BLOCKISH for c in div):
            return False
        run: list[HtmlElement] = []
        lead = div.text if div.text and div.text.strip() else None

        def flush(before: HtmlElement | None) -> None:
            nonlocal run, lead
            if not run and lead is None:
                return
            p = div.makeelement("p", {})
            if lead is not None:
                p.text = lead
            if before is not None:
                before.addprevious(p)
            else:
                div.append(p)
            for el in run:
                p.append(el)
            if run and run[-1].tail and not run[-1].tail.strip():
                run[-1].tail = None
            run, lead = [], None

        if lead is not None:
            div.text = None
        for child in list(div):
            tag = _tag(child)
            if tag in BLOCKISH or not tag:
                flush(child)
                if child.tail and child.tail.strip():
                    lead, child.tail = child.tail, None
                continue
            if tag == "br" and not run and lead is None:
                continue
            run.append(child)
        flush(None)
        return True

    # ------------------------------------------------------------ scoring

    def _score(self, to_score: list[HtmlElement]) -> None:
        scores = self.scores
        for el in to_score:
            parent = el.getparent()
            if parent is None:  # (getroottree() is never None: it was no test)
                continue
            text = inner_text(el)
            if len(text) < 25:
                continue
            ancestors: list[HtmlElement] = []
            node = parent
            while node is not None and len(ancestors) < 5:
                ancestors.append(node)
                node = node.getparent()
            # (1 + the pieces the commas cut the text into: re.split's count, without its list)
            content = 2 + text.count(",") + text.count("，") + text.count("、") + min(len(text) // 100, 3)
            for level, ancestor in enumerate(ancestors):
                if not isinstance(ancestor.tag, str) or ancestor.getparent() is None:
                    continue
                scores.init(ancestor)
                divider = 1 if level == 0 else 2 if level == 1 else level * 3
                scores.score[ancestor] += content / divider

    def _top(self, body: HtmlElement) -> tuple[HtmlElement, bool]:
        scores = self.scores.score
        # Each link's weighted text length is measured once, not once per candidate holding it
        # (the candidates nest: a link inside five of them was read five times).
        links: dict[HtmlElement, float] = {}

        def measured(el: HtmlElement) -> float:
            total = 0.0
            for a in el.iter("a"):
                if a not in links:
                    href = a.get("href") or ""
                    links[a] = len(inner_text(a)) * (0.3 if href.startswith("#") and len(href) > 1 else 1.0)
                total += links[a]
            if not total:
                return 0.0  # (no link text: the candidate's own text need not be read)
            length = len(inner_text(el))
            return total / length if length else 0.0

        # Candidates nest, and modern pages wrap their content in chains of one-child elements: a
        # wrapper (not a link itself) with no text of its own around its child holds the same text
        # and links as the child, so it has the child's density, measured once for the chain.
        densities: dict[HtmlElement, float] = {}

        def density(el: HtmlElement) -> float:
            chain = []
            while el not in densities and len(el) == 1 and isinstance(el[0].tag, str) and _tag(el) != "a" \
                    and (not el.text or el.text.isspace()) and (not el[0].tail or el[0].tail.isspace()):
                chain.append(el)
                el = el[0]
            value = densities.get(el)
            if value is None:
                value = densities[el] = measured(el)
            for wrapper in chain:
                densities[wrapper] = value
            return value

        ranked = sorted(((s * (1 - density(el)), el) for el, s in scores.items()
                         if el.getparent() is not None),
                        key=lambda pair: pair[0], reverse=True)
        for value, el in ranked:
            scores[el] = value
        top5 = ranked[:5]
        if not top5 or _tag(top5[0][1]) in ("body", "html"):
            return body, True
        best_score, best = top5[0]
        alternatives = [set(el.iterancestors()) for s, el in top5[1:] if best_score and s / best_score >= 0.75]
        if len(alternatives) >= 3:
            parent = best.getparent()
            while parent is not None and _tag(parent) not in ("body", "html"):
                if sum(1 for a in alternatives if parent in a) >= 3:
                    best = parent
                    break
                parent = parent.getparent()
        self.scores.init(best)
        parent = best.getparent()
        last = scores[best]
        threshold = last / 3
        boxed: HtmlElement | None = None  # an ancestor named as furniture, passed on the climb
        while parent is not None and _tag(parent) not in ("body", "html"):
            if parent not in scores:
                parent = parent.getparent()
                continue
            if self.scores.class_weight(parent) < 0:
                # A box whose class or id names furniture (a promo, media or related box) scores
                # low for its name, not its text: the climb passes it, the candidate inside it
                # being then that furniture's best text (a slideshow's captions).
                boxed = parent
                parent = parent.getparent()
                continue
            if scores[parent] < threshold:
                break
            if scores[parent] > last or boxed is not None and \
                    readable_chars(parent) - readable_chars(boxed) >= CHAR_THRESHOLD:
                # ... and an ancestor beyond it that holds an article's length of text of its
                # own, outside the box, is the article (the cleaning then drops the box by its
                # name); one that holds little else (a box named "media" around the article
                # itself) is not taken for it.
                best = parent
                break
            last = scores[parent]
            parent = parent.getparent()
        first = top5[0][1]
        if best is not first and _mostly_links_beside(best, first):
            best = first
        held = _within_the_article(body, best, top5, scores.get(best, 0))
        if held is not best:
            best, self.in_article = held, True
        parent = best.getparent()
        while parent is not None and _tag(parent) not in ("body", "html") and \
                len([c for c in parent if isinstance(c.tag, str)]) == 1:
            best = parent
            parent = best.getparent()
        self.scores.init(best)
        return self._column(best, top5), False

    def _column(self, best: HtmlElement, top5: list[tuple[float, HtmlElement]]) -> HtmlElement:
        """The column of ``best`` that holds its best-scored candidate inside it, when what the
        other columns hold is mostly links (:func:`_mostly_links_beside`): a page's content
        wrapper scores from the article and from the side column of teasers and link lists
        beside it, and wins over the article by their sum."""
        floor = self.scores.score.get(best, 0) * COLUMN_SCORE
        for value, el in top5:
            if el is best or value < floor or not value:
                continue
            child = el
            for anc in el.iterancestors():
                if anc is best:
                    break
                child = anc
            else:
                continue  # not inside ``best``
            if sum(1 for c in best if isinstance(c.tag, str)) < 2:
                return best  # a wrapper of one block has no other column
            if readable_chars(child) >= FALLBACK_MIN_KEPT and _mostly_links_beside(best, child):
                self.scores.init(child)
                return child
            return best  # (only the best-scored candidate inside is looked at)
        return best

    def _declared(self, body: HtmlElement, best: HtmlElement, created: bool) -> tuple[HtmlElement, bool]:
        """The container the page declares as its article body (:mod:`.declared`), in place of
        the one the scoring picked, when it holds at least :data:`DECLARED_MIN_CHARS` of
        readable text and the scoring's pick lies outside it (a side column of longer
        paragraphs) or inside it (one piece of a story broken by an inline box), unless what
        it adds to that piece is mostly links.  A pick that holds the declared body keeps it
        and stays.  Without a marked element, a JSON-LD body's words check the pick: when it
        covers less than :data:`DECLARED_COVERAGE` of them, the candidate whose words match
        them best (F1 of the two sets of words) is taken, if it covers that much."""
        declared = self.declared
        assert declared is not None
        element = body_element(body) if declared.marked else None
        if element is not None and readable_chars(element) >= DECLARED_MIN_CHARS:
            if created or element is best:
                return self._take_declared(element)
            if _holds(element, best):  # the pick is a piece of it
                if _mostly_links_beside(element, best):
                    return best, created
                return self._take_declared(element)
            if not _holds(best, element):  # the pick is elsewhere
                return self._take_declared(element)
            return best, created
        item = self._article_item(body) if declared.items and element is None else None
        if item is not None and (created or not _related(item, best)):
            # The item holds the headline, byline and tools as well as the body, the cleaning's
            # business; it is taken only over a pick that is no part of it (a side column).
            return self._take_declared(item)
        if not declared.text:
            return best, created
        want = word_set(declared.text)

        def fit(el: HtmlElement) -> tuple[float, float]:
            got = word_set(inner_text(el))
            common = len(got & want)
            return 2 * common / (len(got) + len(want)), common / len(want)

        if not created and fit(best)[1] >= DECLARED_COVERAGE:
            return best, created  # (the body, taken when nothing scored, holds every text)
        fits = [(fit(el), el) for el in self.scores.score
                if el.getparent() is not None and _tag(el) not in ("body", "html")]
        (_, recall), found = max(fits, key=lambda pair: pair[0][0], default=((0.0, 0.0), best))
        if recall >= DECLARED_COVERAGE and found is not best:
            return self._take_declared(found)
        return best, created

    @staticmethod
    def _article_item(body: HtmlElement) -> HtmlElement | None:
        """The one microdata item of an article type with :data:`DECLARED_MIN_CHARS` of readable
        text, the outermost when they nest (teasers marked as articles are shorter; a listing of
        whole stories has several)."""
        items = [el for el in article_items(body) if readable_chars(el) >= DECLARED_MIN_CHARS]
        found = set(items)
        outer = [el for el in items if not any(a in found for a in el.iterancestors())]
        return outer[0] if len(outer) == 1 else None

    def _take_declared(self, element: HtmlElement) -> tuple[HtmlElement, bool]:
        self.took_declared, self.in_article = True, False  # (gathered as any pick)
        self.scores.init(element)
        return element, False

    def _gather(self, best: HtmlElement, body: HtmlElement, created: bool) -> HtmlElement:
        article = body.makeelement("div", {})
        if created:
            for child in list(body):
                article.append(child)
            return article
        parent = best.getparent()
        scores = self.scores.score
        threshold = max(10.0, scores.get(best, 0) * 0.2)
        best_class = best.get("class") or ""
        for sib in [best] if self.in_article else list(parent):
            if not isinstance(sib.tag, str):
                continue
            append = sib is best
            if not append:
                bonus = scores.get(best, 0) * 0.2 if best_class and sib.get("class") == best_class else 0
                if sib in scores and scores[sib] + bonus >= threshold:
                    append = True
                elif _tag(sib) == "p":
                    text = inner_text(sib)
                    density = link_density(sib, len(text))
                    if len(text) > 80 and density < 0.25 or 0 < len(text) < 80 and density == 0 and re.search(r"\.( |$)", text):
                        append = True
            if append:
                tail = sib.tail
                sib.tail = None
                article.append(sib)
                if tail and tail.strip():
                    sib.tail = tail
        return article

    # ------------------------------------------------------------ cleaning

    def _clean(self, article: HtmlElement) -> None:
        for table in article.iter("table"):
            if self._is_data_table(table):
                self.data_tables.add(table)
        self._clean_conditionally(article, ("form", "fieldset"))
        for el in list(article.iter("object", "embed", "footer", "link", "aside", "nav")):
            if _tag(el) in ("object", "embed") and VIDEO.search(etree.tostring(el, encoding="unicode")):
                continue
            if _tag(el) == "footer" and any(_tag(a) in ("blockquote", "figure") for a in el.iterancestors()):
                continue  # a quotation's attribution
            _remove(el)
        for child in list(article.iter(etree.Element)):
            cls, ident = child.get("class"), child.get("id")
            if not cls and not ident or child is article or child.getparent() is None:
                continue  # (no class or id: no signature to test)
            sig = f"{cls or ''} {ident or ''}"
            if len(sig) > 2 and SHARE.search(sig) and len(inner_text(child)) < 500:
                _remove(child)
        for el in list(article.iter("iframe", "input", "textarea", "select", "button")):
            _remove(el)
        for h in list(article.iter("h1", "h2")):
            if self.scores.class_weight(h) < 0:
                _remove(h)
        # Layout-table cells too (data tables are exempt in _should_remove): on table-built pages the
        # article's row also holds the navigation and "latest news" cells, dense with links.
        self._clean_conditionally(article, ("table", "ul", "div", "td"))
        furniture.clean(article)
        for p in list(article.iter("p")):
            if not has_words(p) and p.find(".//img") is None and p.find(".//embed") is None \
                    and p.find(".//object") is None and p.find(".//iframe") is None:
                _remove(p)

    def _is_data_table(self, table: HtmlElement) -> bool:
        if table.get("role") == "presentation" or table.get("datatable") == "0":
            return False
        if table.get("summary") or table.find(".//caption") is not None:
            return True
        if any(table.find(f".//{t}") is not None for t in ("col", "colgroup", "tfoot", "thead", "th")):
            return True
        if table.find(".//table") is not None:
            return False
        if link_density(table) > 0.5:
            return False  # headlines laid out in rows: a list of links, not data
        rows = table.findall(".//tr")
        columns = max((len(r.findall("td")) + len(r.findall("th")) for r in rows), default=0)
        if len(rows) == 1 or columns == 1:
            return False
        return len(rows) >= 10 or columns > 4 or len(rows) * columns > 10

    def _clean_conditionally(self, article: HtmlElement, tags: Iterable[str]) -> None:
        if not self.clean_conditionally:
            return
        self._texts = {}
        try:
            for el in reversed(list(article.iter(*tags))):
                if el.getparent() is None or el is article:
                    continue
                if self.whole_chars and readable_chars(el) > self.whole_chars / 2:
                    continue  # a wrapper of the page's content, not a block of furniture inside it
                if (self._should_remove(el) and not _one_of_a_series(el)) or self.whole_chars and self._link_list(el):
                    _remove(el)
        finally:
            self._texts = {}  # valid only during this cleaning

    @staticmethod
    def _link_list(el: HtmlElement) -> bool:
        """A list or block of three or more links and little else: a menu, a tag cloud, "related"
        headlines.  Only removed when the whole page is read; an article's own lists of links
        (sources, further reading) sit inside the container the scoring picks."""
        links = sum(1 for a in el.iter("a") if a.get("href"))
        return links >= 3 and link_density(el) > 0.6

    def _text_of(self, el: HtmlElement) -> str:
        """``inner_text(el)``; a wrapper of one element with no text of its own around it
        reads as that element, when its text was read in this cleaning: the elements are
        cleaned innermost first, and nothing inside that element has changed since."""
        kid = el[0] if len(el) == 1 else None
        if kid is not None and kid in self._texts and (not el.text or el.text.isspace()) \
                and (not kid.tail or kid.tail.isspace()):
            text = self._texts[kid]
        else:
            text = inner_text(el)
        self._texts[el] = text
        return text

    def _should_remove(self, el: HtmlElement) -> bool:
        tag = _tag(el)
        if el in self.data_tables or any(a in self.data_tables for a in el.iterancestors("table")):
            return False
        if any(True for _ in el.iterancestors("code", "pre")):
            return False
        text = self._text_of(el)
        length = len(text)
        is_list = tag in ("ul", "ol")
        if not is_list and length:
            list_length = sum(len(inner_text(li)) for li in el.iter("ul", "ol"))
            is_list = list_length / length > 0.9
        weight = self.scores.class_weight(el)
        if weight < 0:  # (Readability adds a content score that is always 0 here)
            return True
        if text.count(",") + text.count("，") >= 10:
            return False
        p = sum(1 for _ in el.iter("p"))
        img = sum(1 for _ in el.iter("img"))
        li = sum(1 for _ in el.iter("li")) - 100
        inputs = sum(1 for i in el.iter("input") if (i.get("type") or "") != "hidden")
        heading_chars = sum(len(inner_text(h)) for h in el.iter("h1", "h2", "h3", "h4", "h5", "h6"))
        heading_density = heading_chars / length if length else 0
        embeds = sum(1 for e in el.iter("object", "embed", "iframe")
                     if not VIDEO.search(" ".join(str(v) for v in e.attrib.values())))
        if AD_TEXT.match(text):
            return True
        density = link_density(el, length)
        in_figure = any(True for _ in el.iterancestors("figure"))
        remove = (
            (not in_figure and img > 1 and p / img < 0.5)
            or (not is_list and li > p)
            or (inputs > p // 3)
            or (not is_list and not in_figure and heading_density < 0.9 and length < 25
                and (img == 0 or img > 2) and density > 0)
            or (not is_list and weight < 25 and density > 0.2)
            or (weight >= 25 and density > 0.5)
            or (embeds == 1 and length < 75) or embeds > 1
            or (img == 0 and length == 0)
        )
        if is_list and remove:
            for child in el:
                if len(child) > 1:
                    return remove
            if img == sum(1 for _ in el.iter("li")):
                return False
        return remove

    # ------------------------------------------------------------ driving

    def run(self, body: HtmlElement, whole: bool = False) -> tuple[HtmlElement, str | None]:
        """The article container; with ``whole``, the whole body, cleaned the same way."""
        to_score = self._prepare(body)
        self._score(to_score)
        best, created = (body, True) if whole else self._top(body)
        if self.declared is not None and not whole:
            best, created = self._declared(body, best, created)
        cell = best if _tag(best) == "td" else next(best.iterancestors("td"), None)
        #: Whether the container picked sits in a cell of a layout table (a table-built page).
        self.in_layout_cell = not created and cell is not None and not self._is_data_table(
            next(cell.iterancestors("table"), cell))
        #: Whether an attempt that keeps unlikely blocks picked one, or a block inside one.
        self.chose_unlikely = not created and not self.strip_unlikely and any(
            self._unlikely_block(el, _tag(el), sig) for el in (best, *best.iterancestors())
            if el.keys() and el is not body and (_unlikely(sig := _signature(el)) or el.get("role") in UNLIKELY_ROLES))
        article = self._gather(best, body, created)
        if whole:
            self.whole_chars = readable_chars(article)
        self._clean(article)
        return article, self.byline


#: When the article keeps less than this share of the page's readable text (its text outside
#: links), the scoring has most likely picked one block of a page whose content is spread over
#: several (a thread of posts, a page of short items): the whole body is read instead.
FALLBACK_SHARE = 0.1
#: ... but only on a page with this much readable text: a short page's article is often its
#: only paragraph.
FALLBACK_MIN_CHARS = 1000
#: ... and only when the article keeps less readable text than this (three times Readability's
#: :data:`CHAR_THRESHOLD`, some 250 words): one post of a thread or one item of a page of short
#: items is shorter, while an article this long is a story on its own, however much other text
#: the page carries beside it (a slideshow of another story's slides, a long comment thread, a
#: digest of teasers with summaries), which the whole page would bring in with it.
FALLBACK_MAX_KEPT = 3 * CHAR_THRESHOLD


#: An article with less readable text than this is no article (a date line, a caption): the
#: whole body is read, on any page with more.
FALLBACK_MIN_KEPT = 100


#: A page with none of the furniture signals (no landmarks, no furniture classes, few links) is
#: a fragment, an export or a word processor's file, or a table-built page of the 2000s that
#: names none of its parts.  Extraction is tried on it too, and its article kept only when it
#: drops a part of the page's readable text (its text outside links) that an export would not
#: have, between these two shares: an export loses nothing to extraction, so from
#: ``UNFURNISHED_KEEP_ALL`` of the page's whole text (links included: a table-built page's
#: navigation cells are links) up the page is read whole, structure and notes intact; a table-built
#: page's navigation, headline and "latest news" cells are mostly links, so its article cell
#: holds most of the text outside links, and an article keeping less than
#: ``UNFURNISHED_MIN_SHARE`` is more likely one block of a page of several.  Only an article
#: found in a cell of a layout table is taken: that is what such a page looks like, and an
#: author's own draft (a main ``div`` and a ``div`` of notes, say) must lose nothing.  A page
#: with less than :data:`FALLBACK_MIN_CHARS` of readable text, or a word processor's export
#: (whose notes and title extraction would drop), is never extracted.
UNFURNISHED_MIN_SHARE, UNFURNISHED_KEEP_ALL = 0.6, 0.95


def extract(root: HtmlElement, title: str, *, furnished: bool = True, declared: Declaration | None = None
            ) -> tuple[HtmlElement | None, str | None, bool] | None:
    """The article container of a full page (a detached ``div``), the byline text found on
    the way, and whether the whole-body fallback was used.  On a page with no furniture
    signals (``furnished`` false), None unless the article found sits in a layout table's
    cell and keeps at least :data:`UNFURNISHED_MIN_SHARE` of the page's readable text and less
    than :data:`UNFURNISHED_KEEP_ALL` of its whole text: the caller then keeps the page whole.

    Like Readability, retries with fewer heuristics when the first attempt keeps less than
    :data:`CHAR_THRESHOLD` characters, then keeps the longest attempt.  When that keeps less
    than :data:`FALLBACK_SHARE` of the page's readable text (and less than
    :data:`FALLBACK_MAX_KEPT`), or nothing, the whole body is read
    without its furniture.  Returns None only when the page has no text."""
    body = root.find(".//body")
    if body is None:
        body = root
    if not furnished:
        page = readable_chars(body)
        if page < FALLBACK_MIN_CHARS:
            return None  # decided before extracting: a short page is kept whole whatever it holds
    article, byline, in_cell, length, declared_taken = _extract(root, title, declared)
    # (_extract works on copies: ``root`` is left as it was)
    # (with the length of the article's text _extract measured)
    kept = readable_chars(article, length) if article is not None else 0
    if not furnished:
        # The lower bound on the readable text, the upper on the whole text, links included: a
        # table-built page's navigation cells are links, which the readable share does not see.
        taken = in_cell and kept >= UNFURNISHED_MIN_SHARE * page \
            and length < UNFURNISHED_KEEP_ALL * len(inner_text(body))
        return (article, byline, False) if taken else None
    # The page's readable text is at most its whole text: when the article keeps enough of that
    # (or is a story on its own), it keeps enough of the readable text, and the page's links
    # need not be read.
    total = len(inner_text(body))
    # A body the page declares (see Extractor._declared) is its article, however much else it holds.
    if declared_taken or kept >= FALLBACK_MAX_KEPT or kept >= FALLBACK_MIN_KEPT and kept >= FALLBACK_SHARE * total:
        return article, byline, False
    page = readable_chars(body, total)
    if kept < FALLBACK_MIN_KEPT < page or page >= FALLBACK_MIN_CHARS and kept < FALLBACK_SHARE * page:
        spare = _copy(root)
        article, found = Extractor(title).run(body, whole=True)
        if readable_chars(article) < min(FALLBACK_MIN_KEPT, page):
            # every block looked like furniture (a page of links): the page's text, uncleaned,
            # beats an empty or near-empty article
            body = spare.find(".//body")
            article, found = Extractor(title, False, False, False).run(
                body if body is not None else spare, whole=True)
        return article, byline or found, True
    return article, byline, False


#: The attempts without class weights (Readability's last two) are made only when the attempts
#: with them kept less than this many characters.  On a page whose article is short (a news
#: brief, a photo post) the weighted attempts find it, and the unweighted ones then pick the
#: page's whole frame, menus, footer and all, only because it is longer; readability-lxml makes
#: no unweighted attempt at all.  Below this, what the weighted attempts found is no article.
LAX_MIN = 300


def _extract(root: HtmlElement, title: str, declared: Declaration | None = None
             ) -> tuple[HtmlElement | None, str | None, bool, int, bool]:
    """The article container of a full page (a detached ``div``), the byline text found
    on the way, whether the container sat in a layout table's cell, and the length of its
    :func:`~.dom.inner_text`.  Like Readability,
    retries with fewer heuristics when the first attempt keeps less than
    :data:`CHAR_THRESHOLD` characters (without class weights only below :data:`LAX_MIN`),
    then keeps the longest attempt.  Returns None when nothing with text was found."""
    attempts: list[tuple[int, HtmlElement, str | None, bool, bool]] = []
    flags = [(True, True, True), (False, True, True), (False, False, True), (False, False, False)]
    stripped = True
    found_article = False  # whether an attempt found an article outside the blocks dropped as unlikely
    for strip, weigh, clean in flags:
        if not weigh and max(a[0] for a in attempts) >= LAX_MIN:
            break
        if not strip and weigh and not stripped:
            continue  # the first attempt dropped nothing as unlikely: this one would be the same
        tree = _copy(root)
        body = tree.find(".//body")
        if body is None:
            body = tree
        extractor = Extractor(title, strip, weigh, clean, declared)
        article, byline = extractor.run(body)
        stripped = extractor.stripped
        length = len(inner_text(article))
        if extractor.chose_unlikely and found_article:
            # An attempt before found an article outside the blocks the first dropped as unlikely,
            # and this one picked such a block: a comment thread or a sidebar's profile box under
            # a short post is longer than the post, and never the article.
            continue
        if length >= CHAR_THRESHOLD:
            return article, byline, extractor.in_layout_cell, length, extractor.took_declared
        found_article = found_article or not extractor.chose_unlikely and length >= FALLBACK_MIN_KEPT \
            and readable_chars(article, length) >= FALLBACK_MIN_KEPT
        attempts.append((length, article, byline, extractor.in_layout_cell, extractor.took_declared))
    length, article, byline, in_cell, taken = max(attempts, key=lambda a: a[0])
    return (article, byline, in_cell, length, taken) if length else (None, byline, False, 0, False)


def _copy(root: HtmlElement) -> HtmlElement:
    import copy

    return copy.deepcopy(root)
