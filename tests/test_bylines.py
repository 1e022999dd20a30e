"""Bylines reduced to the people they credit (``reader.metadata.people``), case by case."""

from __future__ import annotations

import pytest

from pubbuild.reader.metadata import people

CASES = [
    # (byline parts as found, the people expected)
    (["By Ben Brook"], ["Ben Brook"]),
    (["View Profile"], []),  # an author link labelled as a control
    (["Google profile"], []),
    (["View Comments"], []),
    (["More posts"], []),
    (["Max Read"], ["Max Read"]),  # a surname that is also a verb, at the end: a person
    # a teaser's headline before its byline: the byline is what follows "By"
    (["China and Japan look to the islands By Max Fisher October 31, 2012"], ["Max Fisher"]),
    (["16th Jan 2008, 09:28am by Damien McFerran"], ["Damien McFerran"]),
    (["Posted by Ann Lee"], ["Ann Lee"]),  # "by" after a word or two: the lead-in, as before
]


@pytest.mark.parametrize(("names", "want"), CASES, ids=[c[0][0] for c in CASES])
def test_people(names: list[str], want: list[str]) -> None:
    assert people(names) == want
