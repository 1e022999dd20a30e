"""textutil's walks over inline nodes: has_text hears what plain_text hears."""

from __future__ import annotations

import pytest

from pubbuild.model import Image, InlineImage, LineBreak, Link, NoteRef, Span, Styled, Text
from pubbuild.textutil import has_text, plain_text

RUNS = {
    "nothing": [],
    "spaces": [Text("  \t")],
    "a word": [Text("word")],
    "a line break alone": [Text(" "), LineBreak(), Text("\u00a0")],
    "a word inside emphasis": [Text(" "), Styled("em", [Span([Text(" x ")])])],
    "empty emphasis in a link": [Link("https://example.org/", [Styled("strong", [Text(" ")])])],
    "a note marker": [Text(" "), NoteRef("n1", "1")],
    "a note marker not yet numbered": [NoteRef("n1", "")],
    "an image's text alternative": [InlineImage(Image("a.png", alt="A map"))],
    "an image without one": [InlineImage(Image("a.png", alt=None)), InlineImage(Image("b.png", alt=" "))],
}


@pytest.mark.parametrize("name", RUNS)
def test_has_text_agrees_with_plain_text(name):
    nodes = RUNS[name]
    assert has_text(nodes) is bool(plain_text(nodes).strip())
