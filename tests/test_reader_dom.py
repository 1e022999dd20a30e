"""The reader's tree helpers (pubbuild.reader.dom)."""

from __future__ import annotations

import pytest
from lxml import etree

from pubbuild.reader.dom import has_words, href_links, inner_text, short_text

PAGES = [
    "<div>  a  <b> b </b>\n tail <i>x</i>  </div>",
    "<div><p>one two</p><p>three</p>" + "<span> word </span>" * 50 + "</div>",
    "<div>\u00a0\u2003spaced\u3000out\u00a0</div>",
    "<div><script>var x = 1;</script>text</div>",
    "<div></div>",
    "<div> <b>\u00a0</b>\n<i> </i>\u3000</div>",
    "<div><img src=a.png><br></div>",
]


@pytest.mark.parametrize("markup", PAGES)
def test_short_text_is_the_inner_text_or_none_only_when_longer(markup: str) -> None:
    el = etree.fromstring(f"<html><body>{markup}tail after</body></html>", etree.HTMLParser()).find(".//div")
    el.append(etree.Comment("a comment's words are no text"))
    el[-1].tail = " its tail is "
    full = inner_text(el)
    for limit in range(len(full) + 2):
        # None only when the inner text is longer; the inner text itself otherwise.
        got = short_text(el, limit)
        assert got == full or got is None and len(full) > limit
    assert short_text(el, len(full)) == full
    if len(full) > 30:
        assert short_text(el, 10) is None  # and it does stop, well before the end


@pytest.mark.parametrize("markup", PAGES)
def test_has_words_is_whether_the_inner_text_is_empty(markup: str) -> None:
    el = etree.fromstring(f"<html><body>{markup}</body></html>", etree.HTMLParser()).find(".//div")
    assert has_words(el) == bool(inner_text(el))
    el.append(etree.Comment("a comment's words are no text"))
    assert has_words(el) == bool(inner_text(el))


@pytest.mark.parametrize("markup", PAGES)
def test_wrappers_length_counts_the_characters_other_than_white_space(markup: str) -> None:
    from pubbuild.reader.wrappers import _length

    # (with ASCII white space str.split knows beyond the usual, which only the parser lets in)
    html = f"<html><body>{markup[:-6]}<span>x\x1cy\x1f z\x0b</span></div></body></html>"
    el = etree.fromstring(html, etree.HTMLParser()).find(".//div")
    assert _length(el) == len("".join(inner_text(el).split()))


def test_href_links_are_the_links_that_lead_somewhere() -> None:
    el = etree.fromstring('<div><a name="top">Top</a><p><a href="/quay">Quay</a> and <a href="">none</a></p>'
                          '<a href="#notes">Notes</a></div>', etree.HTMLParser()).find(".//div")
    assert [inner_text(a) for a in href_links(el)] == ["Quay", "Notes"]
    assert list(href_links(el.find(".//a[@href='/quay']"))) == [el.find(".//a[@href='/quay']")]  # itself too
