"""A page's declaration of its article body (schema.org microdata and JSON-LD) and its guards.

Direct calls on small pages written here; the page-level cases are the normalise fixtures
``qsel6_declared-article-body-beats-a-longer-column``, ``qsel6_declared-body-in-pieces-of-one-item``
and ``qsel6_json-ld-article-body-finds-the-story``."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from pubbuild.reader import declared

STORY = ("The island ferry will run four crossings a day instead of seven from November, the operator "
         "said, citing the cost of fuel and a shortage of crew. ") * 6


def _page(body: str, head: str = "") -> etree._Element:
    return etree.fromstring(f"<html><head>{head}</head><body>{body}</body></html>", etree.HTMLParser())


def _ld(*bodies: str) -> str:
    graph = [{"@type": "NewsArticle", "headline": f"Story {n}", "articleBody": b} for n, b in enumerate(bodies)]
    return f'<script type="application/ld+json">{json.dumps({"@graph": graph})}</script>'


def test_a_page_without_declarations_has_none() -> None:
    assert declared.declaration(_page(f"<div><p>{STORY}</p></div>")) is None


def test_a_long_json_ld_body_is_read_with_its_white_space_folded() -> None:
    found = declared.declaration(_page("<p>x</p>", _ld(STORY.replace(". ", ".\n\n"))))
    assert found is not None and not found.marked
    assert found.text == " ".join(STORY.split())


def test_a_json_ld_body_written_as_escaped_html_is_read_as_its_text() -> None:
    written = "<p>" + STORY.replace("island", "isl&#97;nd").replace(". ", ".</p><p>") + "</p>"
    found = declared.declaration(_page("<p>x</p>", _ld(written)))
    assert found is not None and found.text == " ".join(STORY.split())


@pytest.mark.parametrize("bodies", [
    pytest.param(("The ferry will run four crossings a day from November.",), id="teaser-length"),
    pytest.param((STORY[:700] + "...",), id="cut-with-an-ellipsis"),
    pytest.param((STORY, STORY.upper()), id="one-per-story-of-a-listing"),
])
def test_json_ld_bodies_that_are_no_article_are_ignored(bodies: tuple[str, ...]) -> None:
    assert declared.declaration(_page("<p>x</p>", _ld(*bodies))) is None


def test_broken_json_ld_is_skipped() -> None:
    head = '<script type="application/ld+json">{"articleBody": "unterminated</script>'
    assert declared.declaration(_page("<p>x</p>", head)) is None


def test_the_marked_element_is_the_body() -> None:
    page = _page(f'<div class="a"><div id="b" itemprop="articleBody"><p>{STORY}</p></div></div>')
    found = declared.declaration(page)
    assert found is not None and found.marked and found.text is None
    assert declared.body_element(page).get("id") == "b"


def test_marks_of_one_item_give_the_element_holding_them_all() -> None:
    page = _page('<article id="s" itemscope itemtype="https://schema.org/NewsArticle">'
                 '<div id="top"><h1>Ferry</h1></div><div id="text">'
                 '<div><p itemprop="articleBody">One.</p></div><aside>Ad</aside>'
                 '<div><p itemprop="articleBody">Two.</p><p itemprop="articleBody">Three.</p></div>'
                 '</div></article>')
    assert declared.body_element(page).get("id") == "text"


def test_marks_of_several_items_are_a_listing_and_declare_nothing() -> None:
    story = '<article itemscope itemtype="https://schema.org/NewsArticle"><div itemprop="articleBody">' \
            f"<p>{STORY}</p></div></article>"
    assert declared.body_element(_page(f'<main id="list">{story}{story}</main>')) is None


def test_marks_without_an_item_that_share_only_the_body_declare_nothing() -> None:
    page = _page('<div><p itemprop="articleBody">One.</p></div><p itemprop="articleBody">Two.</p>')
    assert declared.body_element(page) is None


def test_articlebody_is_matched_as_a_token_of_itemprop() -> None:
    page = _page('<div id="b" itemprop="text articleBody"><p>One.</p></div>'
                 '<div itemprop="articleBodyExtra"><p>Two.</p></div>')
    assert declared.body_element(page).get("id") == "b"


def test_article_items_are_typed_items_other_than_the_whole_page() -> None:
    page = _page('<div id="a" itemscope itemtype="https://schema.org/NewsArticle"><p>One.</p></div>'
                 '<div id="b" itemscope itemtype="http://schema.org/BlogPosting"><p>Two.</p></div>'
                 '<div itemscope itemtype="https://schema.org/Person"><p>Ana</p></div>'
                 '<div itemtype="https://schema.org/Article"><p>No itemscope: no item.</p></div>')
    page.find("body").set("itemscope", "")
    page.find("body").set("itemtype", "https://schema.org/Article")
    assert [el.get("id") for el in declared.article_items(page)] == ["a", "b"]


def test_a_listing_of_whole_stories_marked_as_articles_declares_none_of_them() -> None:
    from pubbuild.reader import extract

    def listing() -> etree._Element:
        story = '<article itemscope itemtype="https://schema.org/NewsArticle"><p>{}</p></article>'
        column = "".join(f'<div class="piece"><p>{STORY.upper()}, {n}</p></div>' for n in range(4))
        return _page(f'<nav><a href="/">Home</a></nav><main>{story.format(STORY)}{story.format(STORY.lower())}'
                     f'</main><div class="col">{column}</div>')

    def text(found: tuple | None) -> str:
        assert found is not None
        return " ".join(found[0].itertext())

    page = listing()
    assert declared.declaration(page) == declared.Declaration(items=True)
    got = text(extract.extract(page, "Today", declared=declared.declaration(page)))
    # As if nothing were declared (taking the first item would bring its sibling story in, but
    # not the column the scoring picks with them).
    assert got == text(extract.extract(listing(), "Today"))


@pytest.mark.parametrize("html", [
    f'<div itemprop="articleBody"><p>{STORY}</p></div>',
    f'<article itemscope itemtype="https://Schema.org/NewsArticle"><p>{STORY}</p></article>',
    f"<p>{STORY}</p>" + _ld(STORY),
    f"<p>{STORY}</p>",
], ids=["microdata-body", "article-item", "json-ld", "none"])
def test_the_page_text_only_spares_searching_the_tree(html: str) -> None:
    source = f"<html><head></head><body>{html}</body></html>"
    page = etree.fromstring(source, etree.HTMLParser())
    assert declared.declaration(page, source) == declared.declaration(page)
