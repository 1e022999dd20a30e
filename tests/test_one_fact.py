"""Each fact has one implementation: the accessibility counts, slugs, the URL scheme
allow-list and the drop list.  Before, the pack's accessibility statement and the EPUB's
summary counted separately and disagreed (a list item in another language, a table whose
only header cells are in its foot); these tests state what both must say."""

from __future__ import annotations

import pytest

from pubbuild import facts, textutil
from pubbuild.assemble.manifest import slugify
from pubbuild.assemble.matter import accessibility_page
from pubbuild.backends.epub.accessibility import accessibility_summary
from pubbuild.model import (
    Article,
    ArticleMeta,
    Cell,
    Figure,
    Image,
    List,
    ListItem,
    Paragraph,
    Publication,
    PublicationMeta,
    Row,
    Table,
    Text,
)
from pubbuild.passes.ids import slug_id
from pubbuild.reader.html import Context, read_html
from pubbuild.reader.sanitize import DROP, URL_SCHEMES, sanitize
from pubbuild.textutil import block_text


def _p(text: str, **kw) -> Paragraph:
    return Paragraph([Text(text)], **kw)


def _pub(*blocks) -> Publication:
    article = Article(meta=ArticleMeta(title="A", language="en"), blocks=list(blocks))
    return Publication(meta=PublicationMeta(title="P", language="en"), articles=[article])


def _statement(pub: Publication) -> str:
    return block_text(accessibility_page(pub).blocks, " ")


def test_a_list_item_in_another_language_is_counted_by_both():
    pub = _pub(_p("Intro."), List([ListItem([_p("Bonjour à tous.")], lang="fr")]))
    assert "fr" in facts.count_content(pub).languages
    assert "(fr)" in _statement(pub)
    assert "(fr)" in accessibility_summary(pub, facts.count_content(pub))


def test_header_cells_in_the_foot_count_as_header_cells_for_both():
    table = Table(body=[Row([Cell([_p("1")]), Cell([_p("2")])])],
                  foot=[Row([Cell([_p("Total")], header=True, scope="row"), Cell([_p("3")])])])
    pub = _pub(table)
    counted = facts.count_content(pub)
    assert (counted.tables, counted.tables_without_headers) == (1, 0)
    assert "The data table has header cells" in _statement(pub)
    assert "The data table has header cells" in accessibility_summary(pub, counted)


def test_images_counted_once_for_both():
    pub = _pub(Figure([Image("https://x.example/a.png", alt="A map")]),
               Figure([Image("https://x.example/b.png")]),
               Figure([Image("https://x.example/c.png", decorative=True)]))
    counted = facts.count_content(pub)
    assert (counted.images_described, counted.images_without_alt, counted.decorative_images) \
        == (1, 1, 1)
    assert "1 of 2 images has a text alternative; 1 does not" in _statement(pub)


@pytest.mark.parametrize("title", ["Über die Brücke", "  Café -- Society!  ", "Ελληνικά only",
                                   "x" * 80, "2024: the year", "---"])
def test_file_stems_and_anchors_fold_text_alike(title):
    stem, anchor = slugify(title, "fallback"), slug_id(title, "h")
    core = textutil.slug(title, 60)
    assert stem == (core or "fallback")
    # the same words; an anchor is shorter, and starts with a letter (else the fallback leads)
    assert anchor.removeprefix("h-") == core[:40].strip("-") or (not core and anchor == "h")


def test_slugifiers_share_one_implementation(monkeypatch):
    monkeypatch.setattr(textutil, "slug", lambda text, limit: f"s{limit}")
    assert slugify("Anything") == "s60"
    assert slug_id("Anything", "h") == "s40"


@pytest.mark.parametrize("scheme", ["http", "https", "mailto", "ftp", "tel", "javascript", "vbscript",
                                    "file", "ms-settings", "jar"])
def test_sanitiser_and_link_resolver_allow_the_same_schemes(scheme):
    href = f"{scheme}://example.org/x" if scheme in ("http", "https", "ftp", "file") else f"{scheme}:x"
    kept_by_sanitiser = "href" in sanitize(f'<a href="{href}">t</a>')
    kept_by_resolver = Context(None, None, None, []).url(href) is not None
    assert kept_by_sanitiser == kept_by_resolver == (scheme in URL_SCHEMES)


#: Void elements hold no content (text written "inside" one follows it); head and title are
#: not in a body, and HTML parsers ignore a frame or frameset tag inside one.
_NOT_CONTAINERS = {"area", "base", "embed", "input", "link", "meta", "source", "track", "head", "title",
                   "frame", "frameset"}


@pytest.mark.parametrize("tag", sorted(DROP - _NOT_CONTAINERS))
def test_dropped_elements_lose_their_content_in_sanitiser_and_reader(tag):
    html = f"<p>Kept words here.</p><{tag}>secret words</{tag}><p>More kept words.</p>"
    assert "secret" not in sanitize(html)
    article = read_html(f"<html><body><article>{html}</article></body></html>", None, None, [])
    if tag != "math":  # the reader turns a formula into its text first, on purpose (cleanup.py)
        assert "secret" not in block_text(article.blocks)
    assert "Kept words" in block_text(article.blocks)
