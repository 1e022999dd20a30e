"""Model nodes carry their source line, so a pass's diagnostic names ``file:line``.

The fixtures in ``tests/fixtures/lines/`` are pages written for this test; each case
names the line by a piece of its text, so the expected line is read from the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pubbuild import modeljson
from pubbuild.model import Article, Heading, Paragraph, Section, Text
from pubbuild.passes import limits
from pubbuild.reader import read_file

ROOT = Path(__file__).parent / "fixtures" / "lines"


def _line_of(name: str, marker: str) -> int:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if marker in text)


def _diags(name: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in read_file(ROOT / name, ROOT).diagnostics:
        out.setdefault(d.code, []).append(d)
    return out


@pytest.mark.parametrize("name, code, marker", [
    ("in.html", "A001", "images.example/quay.png"),                # reader: image without alt
    ("in.html", "S008", "<blockquote>"),                           # pull_quotes
    ("in.html", "H003", "1. Survey the walls"),                    # pseudo_lists
    ("in.html", "H002", "Steps to Resolve the Conflict"),          # pseudo_headings
    ("in.html", "A006", '<p lang="fr">'),                          # language, a passage
    ("in.html", "H001", "A skipped level"),                        # heading_levels
    ("in.html", "N002", "#nowhere"),                               # links
    ("in.md", "H002", "Steps to Resolve the Conflict"),            # Markdown: its own line
    ("in.txt", "H003", "1. Survey the walls"),                     # plain text
])
def test_diagnostic_names_the_source_line(name, code, marker):
    found = _diags(name)[code]
    assert found[0].file == name
    assert found[0].line == _line_of(name, marker)
    assert str(found[0]).startswith(f"{name}:{_line_of(name, marker)}: ")


def test_text_limit_names_the_line_where_it_cuts(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT", 200)
    found = _diags("in.html")
    # L004: the first block left out (the headings and paragraphs before it hold 214 characters,
    # and the cut happens inside the section the pseudo-heading opens)
    assert found["L004"][0].line == _line_of("in.html", "Both sides agreed")


def test_notes_limit_names_the_first_note_left_unlinked(monkeypatch):
    monkeypatch.setattr(limits, "MAX_NOTES", 1)
    assert _diags("in.html")["L003"][0].line == _line_of("in.html", 'id="fn2"')


def test_markdown_lines_survive_blank_lines_and_soft_breaks():
    article = read_file(ROOT / "in.md", ROOT)
    heading = next(b for b in _walk(article.blocks) if isinstance(b, Heading))
    assert heading.line == _line_of("in.md", "Steps to Resolve")
    last = [b for b in _walk(article.blocks) if isinstance(b, Paragraph)][-1]
    assert last.line == _line_of("in.md", "Both sides agreed")


def _walk(blocks):
    """Every block, sections and lists entered (inline children are not blocks)."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield block.heading
        if not isinstance(block, (Paragraph, Heading)):
            yield from _walk(getattr(block, "children", []) + getattr(block, "items", []))


def test_lines_round_trip_through_the_json_model_and_do_not_change_equality():
    article = read_file(ROOT / "in.html", ROOT)
    data = json.loads(json.dumps(modeljson.encode(article, ROOT)))
    again = modeljson.decode(data, Article, ROOT)
    lines = [b.line for b in _walk(article.blocks)]
    assert lines and all(isinstance(n, int) for n in lines)
    assert [b.line for b in _walk(again.blocks)] == lines
    assert [n.line for n in again.notes] == [n.line for n in article.notes] == [
        _line_of("in.html", 'id="fn1"'), _line_of("in.html", 'id="fn2"')]
    assert Paragraph([Text("x")], line=3) == Paragraph([Text("x")], line=9)
