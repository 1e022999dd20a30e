"""The vote on doubtful pages (reader/vote.py), with the two voters' texts fixed.

readability-lxml and trafilatura are real dependencies, but what they keep on a
page is theirs to change between releases; these tests fix their texts so that
the vote itself is what is checked: a block stays when two of the three voters
kept it, the blocks come from our tree (structure kept), S016 says so, and our
article stands when the vote would lose most of it.
"""

from __future__ import annotations

import re

import pytest

from pubbuild.normalize import render
from pubbuild.reader import vote
from pubbuild.reader.html import read_html

ARTICLE = [
    "The library on Mill Lane reopens on Monday after a year of repairs to its roof and windows.",
    "Readers will find the children's room moved to the ground floor, beside a new reading garden.",
    "What changes for members",
    "Loans run for four weeks instead of three.",
    "Late fees are gone for good.",
    "The study room can be booked online.",
]
PROMO = "Our partner bookshop offers ten per cent off every novel this month with the code MILL."
LETTERS = " ".join(f"Letter {n}: I have used the library for years and I am glad to see it open again, "
                   "though I will miss the old reading room with its long oak tables and green lamps." for n in
                   range(1, 9))

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>The Mill Lane library reopens - Town Bulletin</title></head><body>
<nav><a href="/">Town Bulletin</a> <a href="/news">News</a></nav>
<div class="wrap">
<div class="story"><h1>The Mill Lane library reopens</h1>
<p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p>
<h2>{ARTICLE[2]}</h2>
<ul><li>{ARTICLE[3]}</li><li>{ARTICLE[4]}</li><li>{ARTICLE[5]}</li></ul>
<p>{PROMO}</p></div>
<div class="letters"><h3>Your letters</h3><ul>{"".join(f"<li>{x}.</li>" for x in LETTERS.split(". "))}</ul></div>
</div>
<footer><a href="/contact">Contact</a></footer>
</body></html>"""


def _read(monkeypatch, peers: list[str]):
    monkeypatch.setattr(vote, "_peer_texts", lambda html, url: peers)
    diags: list = []
    article = read_html(PAGE, None, None, diags)
    return render(article, "html"), {d.code for d in article.diagnostics}


def test_the_page_is_doubtful_for_our_extractor():
    from pubbuild.reader import extract
    from pubbuild.reader.html import parse

    doc = parse(PAGE)
    container, _, whole = extract.extract(doc, "The Mill Lane library reopens")
    assert not whole and vote.doubtful(doc.find(".//body"), container, whole)


def test_a_block_both_peers_dropped_goes_and_the_structure_stays(monkeypatch):
    peers = [" ".join(ARTICLE)] * 2
    html, codes = _read(monkeypatch, peers)
    assert "S016" in codes
    assert PROMO not in html and "Letter 1" not in html
    assert re.search(rf"<h[2-6][^>]*>{ARTICLE[2]}</h[2-6]>", html) and html.count("<li>") == 3
    assert ARTICLE[0] in html and ARTICLE[5] in html


def test_peers_that_agree_with_us_change_nothing(monkeypatch):
    html, codes = _read(monkeypatch, [" ".join(ARTICLE + [PROMO])] * 2)
    assert "S016" not in codes
    assert PROMO in html and ARTICLE[0] in html and "Letter 1" not in html


def test_our_article_stands_when_the_vote_would_lose_most_of_it(monkeypatch):
    html, codes = _read(monkeypatch, [LETTERS, LETTERS])
    assert "S016" not in codes
    assert ARTICLE[0] in html and "Letter 1" not in html


@pytest.mark.parametrize("peers", [["", ""]])
def test_voters_that_fail_abstain(monkeypatch, peers):
    html, codes = _read(monkeypatch, peers)
    assert "S016" not in codes and ARTICLE[0] in html
