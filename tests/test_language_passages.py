"""Passages in another language: which are identified, and what they get (passes/language.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubbuild.model import Paragraph, Quote, Span, Styled
from pubbuild.passes import language
from pubbuild.reader import read_file

ENGLISH = ("The library opened its new reading room in the spring, and the first visitors were "
           "students who came to read the old newspapers kept in the basement archive.")


def _read(tmp_path: Path, body: str, lang: str = "en"):
    page = tmp_path / "page.html"
    page.write_text(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                    f"<title>T</title></head><body><article><h1>T</h1><p>{ENGLISH}</p>{body}"
                    f"<p>{ENGLISH}</p></article></body></html>", encoding="utf-8")
    return read_file(page)


def test_a_short_quotation_in_another_script_gets_its_language_and_direction(tmp_path):
    article = _read(tmp_path, "<blockquote><p>המכתב נכתב בירושלים בשנת אלף תשע מאות</p></blockquote>")
    (quote,) = [b for b in article.blocks if isinstance(b, Quote)]
    assert quote.children[0].lang == "he"
    assert any(d.code == "A005" for d in article.diagnostics)


def test_an_inline_quotation_in_another_script_gets_its_language(tmp_path):
    article = _read(tmp_path, "<p>She quoted a line: <q>Η γνώση είναι δύναμη για όλους</q>, "
                              "which the students read aloud.</p>")
    quotes = [n for b in article.blocks if isinstance(b, Paragraph) for n in b.children
              if isinstance(n, Styled)]
    assert [q.lang for q in quotes] == ["el"]


def test_right_to_left_text_of_unsure_language_still_gets_its_direction(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "detect_many",
                        lambda texts, limit=1500, min_chars=0: [(None, 0.0) for _ in texts])
    article = _read(tmp_path, "<p>المكتبة بيت العلم والمعرفة</p>")
    (arabic,) = [b for b in article.blocks if isinstance(b, Paragraph)
                 and isinstance(b.children[0], Span)]
    assert arabic.lang is None and arabic.children[0].dir == "rtl"


def test_same_script_paragraphs_are_identified_only_when_long(tmp_path, monkeypatch):
    seen: list[str] = []
    real = language.detect_many

    def spy(texts, limit=1500, min_chars=language.MIN_CHARS):
        texts = list(texts)
        seen.extend(texts)
        return real(texts, limit, min_chars)
    monkeypatch.setattr(language, "detect_many", spy)
    _read(tmp_path, "<p>A short English line.</p><p>Une courte phrase en français.</p>")
    # (the article's whole text is identified once, with them in it)
    assert "A short English line." not in seen and "Une courte phrase en français." not in seen
    # the long ones are read from their first PASSAGE_SAMPLE characters
    assert any(t.startswith("The library") for t in seen)


def test_a_long_passage_in_another_language_of_the_same_script_is_tagged(tmp_path):
    french = ("La bibliothèque a ouvert sa nouvelle salle de lecture au printemps, et les premiers "
              "visiteurs étaient des étudiants venus lire les vieux journaux conservés depuis des "
              "décennies dans les archives du sous-sol de la maison.")
    article = _read(tmp_path, f"<p>{french}</p>")
    assert [b.lang for b in article.blocks if isinstance(b, Paragraph)] == [None, "fr", None]


@pytest.mark.parametrize("text,expected", [("Hello world", "LATIN"), ("Ελληνικά", "GREEK"),
                                           ("שלום עולם", "HEBREW"), ("日本語のひらがな", "CJK"),
                                           ("12 345", None)])
def test_script(text, expected):
    assert language.script(text) == expected


def test_a_passage_already_tagged_does_not_make_its_paragraph_another_language(tmp_path):
    article = _read(tmp_path, '<ul><li>Thai: <span lang="th">ห้องสมุดเปิดทุกวันตลอดทั้งปี</span></li></ul>'
                              '<p>Korean: <span lang="ko">도서관은 매일 문을 엽니다 모두에게</span></p>')
    paragraphs = [b for b in article.blocks if isinstance(b, Paragraph)]
    assert all(p.lang is None for p in paragraphs)


# Written for these tests: an English text and a Portuguese one, each a few hundred characters.
_EN = ("The archive keeps every issue of the town's newspaper since the first one was printed in "
       "a back room of the post office. Volunteers come on Tuesdays to mend the bindings, and "
       "students from the school write down what the old advertisements cost, which tells the "
       "story of the town better than the headlines do. ")
_PT = ("O arquivo guarda todos os números do jornal da cidade desde o primeiro, impresso numa sala "
       "dos fundos dos correios. Os voluntários vêm às terças-feiras para consertar as "
       "encadernações, e os alunos da escola anotam quanto custavam os anúncios antigos, o que "
       "conta a história da cidade melhor do que as manchetes. ")


def test_a_declared_language_read_alike_in_its_windows_is_not_read_whole(monkeypatch):
    seen: list[str] = []
    real = language.detect

    def spy(text, limit=1500):
        seen.append(text)
        return real(text, limit)
    monkeypatch.setattr(language, "detect", spy)
    sample = language._squeeze(_EN * 5)
    assert language._windows_agree(sample, "en")
    assert len(seen) == language.CHECK_WINDOWS and sample not in seen
    assert all(len(t) == language.CHECK_WINDOW for t in seen)


@pytest.mark.parametrize(("text", "agree"), [
    (_EN + _PT * 4, False),  # English opening, then another language: read whole
    (_PT * 4 + _EN, False),
    (_EN * 2, True),
])
def test_a_window_in_another_language_sends_the_sample_to_the_full_check(text, agree):
    assert language._windows_agree(language._squeeze(text), "en") is agree


def test_a_page_mislabelled_over_a_mixed_text_is_still_caught(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>'
                    f"</head><body><article><h1>T</h1><p>{_EN}</p><p>{_PT * 2}</p><p>{_PT * 2}</p>"
                    "</article></body></html>", encoding="utf-8")
    article = read_file(page)
    assert article.meta.language == "pt"
    assert any(d.code == "A006" for d in article.diagnostics)


@pytest.mark.parametrize("text", [
    ENGLISH * 60,  # long: squeezed only as far as needed
    "  word\u00a0\u00a0" * 3000,  # white space everywhere, of several kinds
    " " * 7000 + ENGLISH * 60,  # the words start past the first stretch read
    "x" * 7000,  # one long word
    "a " * 3001 + "\n" * 5000 + "b",
])
def test_squeeze_of_a_long_text_is_its_collapsed_start(text: str) -> None:
    for limit in (60, 200, 1500):
        assert language._squeeze(text, limit) == " ".join(text.split())[:limit]
