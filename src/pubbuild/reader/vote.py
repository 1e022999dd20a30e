"""A vote between extractors on the pages where our own extraction is doubtful.

Bevendorff et al. ("An Empirical Comparison of Web Content Extraction
Algorithms", SIGIR 2023) found that a majority vote between extractors beats
each of them.  Calling two more extractors on every page would cost more than
the whole of pubbuild's own reading, so the vote is held only where our
extraction is *doubtful*: where the article it found holds a small share of
the page's readable text (the text outside links), which is where a scoring
extractor most often picks one block of a page whose content is spread over
several, or keeps a teaser instead of the story.

The voters are readability-lxml and trafilatura (well-kept, offline, on PyPI)
beside our own article.  The ballot is the page's own blocks: the whole body,
read by our extractor with its furniture rules but without choosing a
container, split into leaf blocks (paragraphs, headings, list items, cells).
A block stays when at least two of the three voters kept its words; every
block that stays comes from our tree, so headings, lists, tables and figures
keep their structure whatever the voters' output looks like.  Their output is
only ever read as words.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from .extract import BLOCKISH, Extractor, HtmlElement, _copy, _remove, _tag, inner_text, readable_chars

log = logging.getLogger(__name__)

#: Our article is doubtful when it keeps less than this share of the page's readable text ...
DOUBT_SHARE = 0.5
#: ... on a page with at least this much readable text (on a shorter page the share says little).
DOUBT_MIN_CHARS = 600
#: Whether the whole-page fallback's reading is put to the vote.
WHOLE_PAGE_DOUBTFUL = True
#: A block counts as kept by a voter when this share of its word triples is in the voter's output.
KEPT_SHARE = 0.5
#: The vote's article must keep this share of our article's word triples, else ours stands.
KEEP_OURS = 0.5
#: Votes a block needs (of three: ours, readability-lxml, trafilatura).
MAJORITY = 2

_WORD = re.compile(r"\w+")
#: Leaf blocks: blocks that hold no other block, the ballot's unit.
_LEAF_SKIP = frozenset({"img", "picture", "video", "iframe", "hr", "br"})


def doubtful(page: HtmlElement, article: HtmlElement | None, whole_page: bool) -> bool:
    """Whether our article holds too little of the page's readable text to be trusted alone, or
    is the whole page read after the extractor found no article (furniture rules alone decide
    there, and they know nothing of the page's layout)."""
    if whole_page:
        return WHOLE_PAGE_DOUBTFUL
    page_chars = readable_chars(page)
    if page_chars < DOUBT_MIN_CHARS:
        return False
    kept = readable_chars(article) if article is not None else 0
    return kept < DOUBT_SHARE * page_chars


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _triples(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


class _Voter:
    """One extractor's output, read as words."""

    def __init__(self, text: str) -> None:
        words = _words(text)
        self.triples = _triples(words)
        self.joined = f" {' '.join(words)} "

    def kept(self, words: list[str], triples: set[tuple[str, ...]]) -> bool:
        if len(words) < 3:  # too short for triples: its words, in order, somewhere in the output
            return f" {' '.join(words)} " in self.joined
        return sum(1 for t in triples if t in self.triples) >= KEPT_SHARE * len(triples)


def _peer_texts(html: str, url: str | None) -> list[str]:
    """readability-lxml's and trafilatura's text of the page (an empty text for a voter that fails)."""
    texts = []
    try:
        from readability import Document

        summary = Document(html, url=url).summary(html_partial=True)
        texts.append(etree.tostring(etree.HTML(summary), method="text", encoding="unicode")
                     if summary.strip() else "")
    except Exception as exc:  # noqa: BLE001 - a voter that fails abstains; ours still reads the page
        log.debug("readability-lxml failed: %s", exc)
        texts.append("")
    try:
        import trafilatura

        texts.append(trafilatura.extract(html, url=url, output_format="txt", include_tables=True,
                                         include_comments=False, favor_recall=False) or "")
    except Exception as exc:  # noqa: BLE001 - as above
        log.debug("trafilatura failed: %s", exc)
        texts.append("")
    return texts


def _leaves(container: HtmlElement) -> list[HtmlElement]:
    """The blocks of ``container`` that hold no other block (source order)."""
    out = []
    for el in container.iter(etree.Element):
        tag = _tag(el)
        if el is container or tag not in BLOCKISH or tag in _LEAF_SKIP:
            continue
        if any(_tag(d) in BLOCKISH and _tag(d) not in _LEAF_SKIP for d in el.iterdescendants()):
            continue
        out.append(el)
    return out


def elect(root: HtmlElement, title: str, ours: HtmlElement | None, html: str,
          url: str | None) -> HtmlElement | None:
    """The page's blocks that a majority of the voters kept, in our tree's structure (a detached
    ``div``), or None when the vote keeps nothing or changes nothing."""
    peers = [_Voter(t) for t in _peer_texts(html, url)]
    if not any(p.joined.strip() for p in peers):
        return None  # no voter to side with or against us
    voters = [_Voter(inner_text(ours) if ours is not None else ""), *peers]
    tree = _copy(root)
    body = tree.find(".//body")
    ballot, _ = Extractor(title, False, False, True).run(body if body is not None else tree, whole=True)
    changed = False
    for leaf in _leaves(ballot):
        words = _words(inner_text(leaf))
        if not words:
            continue
        triples = _triples(words)
        votes = [v.kept(words, triples) for v in voters]
        if sum(votes) < MAJORITY:
            changed |= votes[0]
            _remove(leaf)
        else:
            changed |= not votes[0]
    _prune(ballot)
    if not changed:
        return None
    # The ballot is read with furniture rules that know nothing of the page's layout; when it
    # lost most of what we found (the article sat in a block those rules removed), the vote
    # would keep the page's leftovers: ours stands.
    mine = voters[0].triples
    kept = _triples(_words(inner_text(ballot)))
    if mine and sum(1 for t in mine if t in kept) < KEEP_OURS * len(mine):
        return None
    return ballot


def _prune(container: HtmlElement) -> None:
    """Blocks left without words once their blocks lost the vote (an empty list, a bare wrapper)."""
    for el in reversed(list(container.iter(etree.Element))):
        if el is container or el.getparent() is None or _tag(el) not in BLOCKISH or _tag(el) in _LEAF_SKIP:
            continue
        if not inner_text(el) and el.find(".//img") is None and _tag(el) != "hr":
            _remove(el)
