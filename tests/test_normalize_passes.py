"""The normalisation passes, each run alone over a hand-built model."""

from __future__ import annotations

from pubbuild.model import Article, ArticleMeta, Heading, List, Paragraph, Quote, Styled, Text
from pubbuild.passes import run_passes
from pubbuild.textutil import plain_text


def _article(*blocks) -> Article:
    return Article(meta=ArticleMeta(), blocks=list(blocks))


def _p(text: str) -> Paragraph:
    return Paragraph([Text(text)])


def test_empty_blocks_drops_blank_paragraphs_and_lists():
    art = _article(_p("\u00a0 "), _p("Kept."), List([]), Quote([_p(" ")]))
    run_passes(art, "x", only=["empty_blocks"])
    assert [plain_text(b.children) for b in art.blocks] == ["Kept."]


def test_pull_quote_repeating_the_body_goes_but_a_real_quote_stays():
    body = "The council agreed to rebuild every wall before the autumn rains arrived."
    art = _article(_p(body), Quote([_p("rebuild every wall before the autumn rains")]),
                   Quote([_p("A quotation that appears nowhere else in the text.")]))
    run_passes(art, "x", only=["pull_quotes"])
    assert len(art.blocks) == 2 and isinstance(art.blocks[1], Quote)
    assert "S008" in {d.code for d in art.diagnostics}


def test_pseudo_lists_numbers_bullets_and_terms():
    art = _article(_p("1. one"), _p("2. two"), _p("• a"), _p("• b"),
                   _p("Alpha: first of three terms here."), _p("Beta: second of three terms here."),
                   _p("Gamma: third of three terms here."))
    run_passes(art, "x", only=["pseudo_lists"])
    kinds = [(type(b).__name__, getattr(b, "ordered", None), len(getattr(b, "items", []))) for b in art.blocks]
    assert kinds == [("List", True, 2), ("List", False, 2), ("List", False, 3)]
    term = art.blocks[2].items[0].children[0].children[0]
    assert isinstance(term, Styled) and plain_text(term.children) == "Alpha:"


def test_two_term_paragraphs_are_not_a_list():
    art = _article(_p("Note: this is a remark."), _p("Source: the parish records, 1850."))
    run_passes(art, "x", only=["pseudo_lists"])
    assert all(isinstance(b, Paragraph) for b in art.blocks)


def test_pseudo_heading_level_follows_the_last_real_heading():
    art = _article(Heading(2, [Text("Real")]), _p("Intro."), _p("What Follows Next:"), _p("Prose."))
    run_passes(art, "x", only=["pseudo_headings"])
    assert [(type(b).__name__, getattr(b, "level", None)) for b in art.blocks] == [
        ("Heading", 2), ("Paragraph", None), ("Heading", 3), ("Paragraph", None)]
    assert plain_text(art.blocks[2].children) == "What Follows Next"


def test_language_detected_only_when_undeclared():
    text = "Die Terrassen wurden im zwölften Jahrhundert gebaut und sind bis heute gut erhalten."
    art = _article(_p(text))
    run_passes(art, "x", only=["language"])
    assert art.meta.language == "de"
    declared = _article(_p(text))
    declared.meta.language = "en"
    run_passes(declared, "x", only=["language"])
    assert declared.meta.language == "en"


def test_too_little_text_to_tell_is_a_diagnostic():
    art = _article(_p("Ok."))
    run_passes(art, "x", only=["language"])
    assert art.meta.language is None and "A004" in {d.code for d in art.diagnostics}
