"""Stage ``headline``: the article's title, subtitle and the tidied metadata.

The title is metadata, shown in the article's header: the first ``h1`` (or the
first heading that repeats the title) leaves the body; so does a subtitle found at
the top of the article.  An article with nothing left in it stops the reader here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlparse

from lxml import etree

from ...model import ArticleMeta
from .. import extract, metadata
from ..dom import HtmlElement, remove, text_content, word_set
from ..state import ReadState


def run(state: ReadState) -> None:
    """Tidy ``state.meta``; take the title and subtitle out of ``state.container``."""
    meta = state.meta
    metadata.tidy(meta)
    container = state.container
    if container is None or not text_content(container).strip() and container.find(".//img") is None:
        state.stop = True
        return
    title_el = state.doc.find(".//title") if state.doc is not None else None
    page_title = metadata.clean(text_content(title_el)) if title_el is not None else ""
    names_site = _names_site(page_title, meta)
    if state.doc is not None:
        meta.title = _page_headline(state.doc, container, meta, page_title, state.ctx.base_url) or meta.title
    _take_title(container, meta, names_site)
    _repair_title(state.doc, container, meta, page_title)
    sub = metadata.find_subtitle(container)
    if sub is not None:
        if not meta.subtitle:
            meta.subtitle = metadata.clean(text_content(sub))
        if metadata.clean(text_content(sub)) == meta.subtitle:
            remove(sub)


def _take_title(container: HtmlElement, meta: ArticleMeta, title_names_site: bool = False) -> None:
    """The article title is metadata: the first ``h1`` (or the first heading matching the
    title) leaves the body.  An ``h1`` unlike the page's title stays: it is then a
    heading of the body (Readability's rule too), unless the page's ``<title>`` adds the
    site's name and the ``h1`` opens the article: then the ``<title>`` is the site's label
    for the page, and the ``h1`` the article's own headline."""
    h1 = next(container.iter("h1"), None)
    if h1 is not None:
        heading = metadata.clean(text_content(h1))
        if not meta.title or _similar(heading, meta.title) or (
                title_names_site and extract.similar(heading, meta.title) >= HEADLINE_OVERLAP
                and _opens(container, h1)):
            meta.title = heading
            remove(h1)
            return
    if meta.title:
        for h in container.iter("h1", "h2", "h3"):
            if _is_title(metadata.clean(text_content(h)), meta.title):
                remove(h)  # the title again, as the first heading of the body
            break



#: What separates the parts of a page's ``<title>``: the headline, the section, the site's
#: name ("Headline - Section | Site", "Site :: Headline", "Headline « Blog").
_TITLE_PARTS = re.compile(r"\s+(?:[|\-–—·»«/\\>:]|::|--|//)\s+|(?<=\w):\s+")
#: Fewest words of a title part taken for the page's headline: a two-word part is as often a
#: section's or the site's label ("Sports Wire", "Football News") as a headline.
PART_WORDS = 3
#: Fewest words of the part of a ``<title>`` taken when its other parts are labels.
LABELLED_WORDS = 4
#: ... or this many characters ("1,400 Rectangles").
PART_CHARS = 15
#: Share of the title's words the article's opening text must hold for the title to be about
#: the article; below it the title is the site's label ("The Daily Courier").
TITLE_IN_TEXT = 0.5


def _page_headline(doc: HtmlElement, container: HtmlElement, meta: ArticleMeta, page_title: str,
                   base_url: str | None) -> str | None:
    """The article's own headline, when the page's metadata gives it less well.

    The page states its headline in a heading the reader sees; its ``<title>`` adds the site's
    name and often the section's, and ``og:title`` is often a shorter line written for social
    media.  So, in order:

    * a heading whose text is ``<title>``, or one part (or a run of parts) of it, the other
      parts being labels, is the headline ("Kerry endorses Obama" in "Eagle Online - Kerry
      endorses Obama", "Going off script" in "Blog Name: Going off script"), unless it is the
      site's name (``og:site_name``, the host, or a masthead: a
      heading that is one link up to the site's front or a section); of two such headings,
      one holding the other, the shorter (the other adds the section), else the later one
      (a banner comes before the story);
    * a page whose ``<title>`` shares little with the article's opening text (a site's label
      used as every page's title) and that has a single ``h1`` of a few words, not the
      masthead: that ``h1``;
    * a page with no title: the heading that opens the article, if it is words, not a date.
    """
    title = meta.title or ""
    site = metadata.name_key(meta.site_name or "")
    host = metadata.name_key((urlparse(base_url).hostname or "").removeprefix("www.")) if base_url else ""

    def site_name(text: str) -> bool:
        key = metadata.name_key(text)
        return key == site or bool(host) and key in host

    def is_site(el: HtmlElement, text: str) -> bool:
        return site_name(text) or _masthead(el, text, base_url)

    every = [(el, metadata.clean(text_content(el))) for el in doc.iter("h1", "h2", "h3")]
    headings = [(el, text, metadata.name_key(text)) for el, text in every
                if text and next(el.iterancestors("a"), None) is None]
    key, page_key = metadata.name_key(title), metadata.name_key(page_title)
    if title and any(k == key and not is_site(el, text) for el, text, k in headings):
        return None  # the title is a heading's text already
    runs = _title_runs(page_title)
    parts = list(dict.fromkeys(text for el, text, k in headings
                               if k in runs and _long(text) and not is_site(el, text)))
    if parts:
        inner = [p for p in parts if any(p != q and metadata.name_key(p) in metadata.name_key(q) for q in parts)]
        return min(inner, key=len) if inner else parts[-1]
    if title and key in page_key:
        labelled = _labelled_part(doc, title, site_name)
        if labelled:
            return labelled
    if title:
        wanted = word_set(title)
        h1s = [(el, text) for el, text in every if el.tag == "h1" and text]
        # only a title from ``<title>``: a title the page declares (og:title, JSON-LD) is its word
        if len(h1s) != 1 or not wanted or key not in page_key \
                or len(wanted & _opening_words(container)) > TITLE_IN_TEXT * len(wanted):
            return None
        el, text = h1s[0]
        # the h1 is a headline of its own: words, no part of the title, not the masthead
        if len(_HEADLINE_WORD.findall(text)) >= PART_WORDS and not word_set(text) <= wanted and not is_site(el, text):
            return text
        return None
    for h in container.iter("h1", "h2", "h3"):
        text = metadata.clean(text_content(h))
        if _opens(container, h) and len(_HEADLINE_WORD.findall(text)) >= PART_WORDS:
            return text
        break
    return None


#: A word of a headline: letters, not a month's or a weekday's name (a blog's date heading).
_HEADLINE_WORD = re.compile(r"\b(?!(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
                   r"[a-z]*\b)[^\W\d_]{2,}\b", re.IGNORECASE)


def _masthead(heading: HtmlElement, text: str, base_url: str | None) -> bool:
    """Whether ``heading`` is one link up to the site's front page or a section of it (the
    masthead's "Site name"), not to the story."""
    links = [a for a in heading.iter("a") if a.get("href")]
    if len(links) != 1 or metadata.clean(text_content(links[0])) != text:
        return False
    href = urljoin(base_url or "", links[0].get("href") or "")
    target, page = urlparse(href), urlparse(base_url or "")
    if target.netloc and page.netloc and target.netloc != page.netloc:
        return False
    if target.query:
        return False  # "/?p=123": a post's address
    path = target.path.rstrip("/")
    return not path or page.path.startswith(path + "/")


def _labelled_part(doc: HtmlElement, title: str, site_name: Callable[[str], bool]) -> str | None:
    """The first part of a ``<title>`` when every part after it is a label: the site's name
    or a link's whole text on the page (a section in the menu: "Toni Collette gives birth to
    baby girl - National - General").  Labels come after the headline; a short part before
    it is as often the headline's own ("Artist - Song", "Ask Slashdot: ...")."""
    parts = _TITLE_PARTS.split(title)
    if len(parts) < 2 or metadata.words(parts[0]) < LABELLED_WORDS:
        return None
    wanted = {metadata.name_key(p) for p in parts[1:] if not site_name(p)}
    for a in doc.iter("a"):
        if not wanted:
            break
        wanted.discard(metadata.name_key("".join(a.itertext())))
    return None if wanted else parts[0]


def _title_runs(page_title: str) -> set[str]:
    """The keys of every run of consecutive parts of ``page_title``, the whole included."""
    parts = _TITLE_PARTS.split(page_title)
    runs = {metadata.name_key(" ".join(parts[i:j])) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    runs.discard("")
    return runs


def _long(text: str) -> bool:
    """Long enough to be a headline rather than a section's label ("Sports Wire")."""
    return metadata.words(text) >= PART_WORDS or len(text) >= PART_CHARS


#: How much of the article's opening text a title is looked for in.
OPENING_WORDS = 300


def _opening_words(container: HtmlElement) -> set[str]:
    """The words of the article's first ``OPENING_WORDS`` words, read no further."""
    found: list[str] = []
    for text in container.itertext():
        found += re.findall(r"\w+", text.lower())
        if len(found) >= OPENING_WORDS:
            break
    return set(found[:OPENING_WORDS])


#: Share of words an ``h1`` shares with the page's title to be its headline rather than a
#: section's or the site's label (which share none: "Gear & Gadgets", "Music from this release").
HEADLINE_OVERLAP = 0.3
#: Text allowed before a headline that opens the article (a kicker, a section label).
OPENING_CHARS = 100


def _opens(container: HtmlElement, h1: HtmlElement) -> bool:
    """Whether ``h1`` comes before any of the article's text but a short label."""
    seen = len((container.text or "").strip())
    for el in container.iterdescendants():
        if el is h1:
            return True
        seen += len((el.text or "").strip()) + len((el.tail or "").strip())
        if seen > OPENING_CHARS:
            return False
    return False


def _names_site(page_title: str, meta: ArticleMeta) -> bool:
    """Whether the page's ``<title>`` is the article's title with the site's name added."""
    return bool(page_title) and metadata.without_site(page_title, meta.site_name, meta.source_url) != page_title


def _is_title(heading: str, title: str) -> bool:
    """``heading`` is the title: the same words, or the title is the heading plus a site name."""
    h, t = heading.lower().strip(), title.lower().strip()
    if not h:
        return False
    if h == t or extract.similar(h, t) > 0.75:
        return True
    return t.startswith(h) and re.match(r"\s*[|\-–—:·»/]\s", t[len(h):]) is not None


def _similar(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return bool(a) and (a == b or a in b or b in a or extract.similar(a, b) > 0.75)


#: Characters of the article's text its title is checked against.
LEAD_CHARS = 6000
#: A title of which fewer of its words than this share appear anywhere in the article's text
#: is the site's label for the page ("Winnipeg Sun", "Press TV", "Daily Times - Breaking
#: News, Pakistan, World, ..."), not the article's title.
SITE_LABEL_COVERAGE = 0.2
#: A headline replaces such a title when at least this share of its words appear in the
#: article's text (outside the headline itself), and it has at least HEADLINE_WORDS words of
#: four letters or more (a section's or a site's label, "IOL SPORT", "Sport Story", "Guardian
#: Unlimited Film", has fewer); a page without a title takes one of three.
HEADLINE_COVERAGE, HEADLINE_WORDS = 0.5, 4
#: Class or id naming a headline ("article_headline", "storyhead", "title"; Spanish "titular").
HEADLINE_NAME = re.compile(r"headline|title|titular|storyhead|story-head", re.IGNORECASE)
_WORD = re.compile(r"\w{4,}")


def _stems(text: str) -> Counter[str]:
    """The words of four letters or more, cut to five ("resigns" and "resigned" alike)."""
    return Counter(w[:5] for w in _WORD.findall(text.lower()))


def _coverage(stems: Counter[str], text: str) -> float:
    """Share of the words ``stems`` found in ``text`` (lower case)."""
    total = sum(stems.values())
    return sum(n for stem, n in stems.items() if stem in text) / total if total else 0.0


def _repair_title(doc: HtmlElement | None, container: HtmlElement, meta: ArticleMeta, page_title: str) -> None:
    """A title that is the site's label, not the article's, gives way to the article's headline.

    Old and small sites title every page with their name ("Charleston Daily Mail", "Press
    TV"), or put the headline after the site's name and description ("Site - News, Weather
    and Sports | Headline", whose last part Readability's rule cuts), and set the headline
    where the extractor does not take it: it then came out nowhere.  The general feature:
    an article's own title speaks of what its text speaks of, a site's label does not.  When
    under a fifth of the title's words appear in the article's text, the headline is, in
    this order, the heading that opens the article, a part of the page's ``<title>``, or a
    short element the page marks as a headline (``h1``, a class or id naming a headline or
    title), whichever first has half its words or more in the article's text (outside
    itself).  A headline already at the top of the body as its opening heading becomes the
    title and leaves the body, as a title ``h1`` does (the reader meets it once, in the
    header; measured by qtext6, this costs l3s-gn1's held-out text F1 about 0.001, whose
    references keep the headline in the text); a headline in the body's opening text but no
    heading of its own stays there, and the title as it was."""
    title = _stems(meta.title or "")
    if doc is None or meta.title and not title:
        return  # a title of short words only ("A new car, a new way") cannot be judged by them
    # (The pieces of the text are not set apart, so a word may run into the next block's:
    # stems and headlines are looked for as parts of it, which that does not hinder.)
    full = text_content(container)
    # (most titles are found in the first paragraphs: the rest is lowered only when they are not)
    if meta.title and _coverage(title, full[:FIRST_CHARS].lower()) >= SITE_LABEL_COVERAGE:
        return
    text = " ".join(full[:LEAD_CHARS].lower().split())
    if _coverage(title, text) >= SITE_LABEL_COVERAGE:
        return
    opening = text[:OPENING_TEXT]
    least = HEADLINE_WORDS if meta.title else HEADLINE_WORDS - 1
    for candidate in _candidates(doc, container, page_title):
        stems = _stems(candidate)
        if sum(stems.values()) < least or metadata.is_dateline(candidate):
            continue  # (a blog's date heading opens its post: no headline)
        in_body = candidate.lower() in opening
        if _coverage(stems, text.replace(candidate.lower(), " ", 1) if in_body else text) >= HEADLINE_COVERAGE:
            heading = next(container.iter("h1", "h2", "h3"), None)
            if not in_body:
                meta.title = candidate
            elif heading is not None and _opens(container, heading) \
                    and metadata.clean(text_content(heading)) == candidate:
                meta.title = candidate  # the heading opening the article is its headline:
                remove(heading)  # the header shows it, the body does not repeat it
            return


#: Characters at the top of the article's text where a headline already in the body stands.
OPENING_TEXT = 400
#: Characters of the article's text a title is looked for in first.
FIRST_CHARS = 2000


def _candidates(doc: HtmlElement, container: HtmlElement, page_title: str) -> Iterator[str]:
    """Headlines the page offers: the heading that opens the article, the parts of the page's
    ``<title>``, then the ``h1`` and the elements whose class or id names a headline, short
    and not links."""
    opening = next(container.iter("h1", "h2", "h3"), None)
    if opening is not None and _opens(container, opening):
        yield metadata.clean(text_content(opening))
    yield from metadata.title_parts(page_title)
    named = 0
    for el in doc.iter(etree.Element):
        if not (el.tag == "h1" or HEADLINE_NAME.search(f"{el.get('class') or ''} {el.get('id') or ''}")) \
                or el.tag in ("title", "a", "meta", "ul", "ol", "li", "nav", "select", "option", "form"):
            continue
        named += 1
        if named > MAX_NAMED:
            return  # (each is read whole: a page of nested "title" boxes stays linear)
        if next(el.iterancestors("a"), None) is None and next(el.iter("a"), None) is None:
            text = metadata.clean(text_content(el))
            if len(text) <= 200:
                yield text


#: Most elements named as headlines looked at (a page's headline comes before its sidebars').
MAX_NAMED = 50
