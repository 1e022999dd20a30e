"""The reader's tree helpers (pubbuild.reader.dom)."""

from __future__ import annotations

import pytest
from lxml import etree

from pubbuild.reader.dom import inner_text, longer_than

PAGES = [
    "<div>  a  <b> b </b>\n tail <i>x</i>  </div>",
    "<div><p>one two</p><p>three</p>" + "<span> word </span>" * 50 + "</div>",
    "<div>\u00a0\u2003spaced\u3000out\u00a0</div>",
    "<div><script>var x = 1;</script>text</div>",
    "<div></div>",
]


@pytest.mark.parametrize("markup", PAGES)
def test_longer_than_never_claims_more_than_the_inner_text_holds(markup: str) -> None:
    el = etree.fromstring(f"<html><body>{markup}tail after</body></html>", etree.HTMLParser()).find(".//div")
    el.append(etree.Comment("a comment's words are no text"))
    el[-1].tail = " its tail is "
    length = len(inner_text(el))
    for limit in range(length + 2):
        # True only when the inner text is longer; False at and past its length.
        assert not longer_than(el, limit) or length > limit
    assert not longer_than(el, length)
    if length > 30:
        assert longer_than(el, 10)  # and it does say so, well before the end
