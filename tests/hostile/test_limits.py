"""Limits that keep plausible large inputs from running the PDF layout for minutes:
table rows, title length, notes, source size.  Each gives a diagnostic and a repaired
build (or exit 2 for the source size).

The limits are tested on the reader and the model with the limit lowered, so the inputs
stay small; one PDF build checks that the output really is bounded.
"""

from __future__ import annotations

import pikepdf

from pubbuild import diagnostics
from pubbuild.cli import main
from pubbuild.model import Article, ArticleMeta, Paragraph, Table, Text
from pubbuild.passes import PassContext, limits
from pubbuild.passes.notes import _refs
from pubbuild.reader import convert as html_reader
from pubbuild.reader import read_file


def codes(article) -> list[str]:
    return [d.code for d in article.diagnostics]


def test_limit_codes_are_registered():
    for code in ("L001", "L002", "L003", "L004"):
        assert diagnostics.CODES[code][0] == "warning"


def table_page(rows: int) -> str:
    body = "".join(f"<tr><td>{i}</td><td>value {i}</td></tr>" for i in range(rows))
    return (f'<html lang="en"><head><title>Ledger</title></head><body><article><h1>Ledger</h1>'
            f"<p>The accounts.</p><table><tr><th>n</th><th>value</th></tr>{body}</table>"
            "<p>After the table.</p></article></body></html>")


def test_long_table_keeps_its_first_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(html_reader, "MAX_TABLE_ROWS", 50)
    (tmp_path / "a.html").write_text(table_page(300))
    article = read_file(tmp_path / "a.html")
    table = next(b for b in article.blocks if isinstance(b, Table))
    assert len(table.head) == 1 and len(table.body) == 50
    assert codes(article).count("L001") == 1
    message = next(d.message for d in article.diagnostics if d.code == "L001")
    assert "301 rows" in message and "250 left out" in message
    assert "After the table." in str(article.blocks[-1])  # the text after the table is kept


def test_table_at_the_limit_is_untouched(tmp_path, monkeypatch):
    monkeypatch.setattr(html_reader, "MAX_TABLE_ROWS", 50)
    (tmp_path / "a.html").write_text(table_page(50))
    article = read_file(tmp_path / "a.html")
    assert len(next(b for b in article.blocks if isinstance(b, Table)).body) == 50
    assert "L001" not in codes(article)


def test_pdf_of_a_long_table_is_bounded(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(html_reader, "MAX_TABLE_ROWS", 40)
    (tmp_path / "a.html").write_text(table_page(3000))
    monkeypatch.chdir(tmp_path)
    assert main(["pdf", "a.html", "-o", "a.pdf", "-j", "1"]) == 0
    assert "L001" in capsys.readouterr().err
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert len(pdf.pages) <= 6  # cover, title page, contents, the article: not 60 pages of rows


def test_ten_megabyte_title_is_shortened():
    article = Article(meta=ArticleMeta(title="Budget " * 1_500_000, subtitle="Sub " * 100),
                      blocks=[Paragraph([Text("Body.")])])
    limits.run(article, PassContext("a.html", article.diagnostics))
    assert len(article.meta.title) <= limits.MAX_TITLE and article.meta.title.endswith("\u2026")
    assert article.meta.title.startswith("Budget Budget")
    assert len(article.meta.subtitle) <= limits.MAX_TITLE
    assert codes(article) == ["L002", "L002"]


def test_long_title_in_a_page_is_shortened(tmp_path):
    (tmp_path / "a.html").write_text(f'<html lang="en"><head><title>{"Report " * 50_000}</title></head>'
                                     "<body><article><p>The committee met.</p></article></body></html>")
    article = read_file(tmp_path / "a.html")
    assert 0 < len(article.meta.title) <= limits.MAX_TITLE and "L002" in codes(article)


def test_long_title_in_the_manifest_is_an_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.html").write_text("<h1>T</h1><p>x</p>")
    (tmp_path / "pubbuild.yaml").write_text(f"title: {'Long ' * 200}\narticles: [a.html]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["epub"]) == 2
    assert "pubbuild.yaml:1: title:" in capsys.readouterr().err


def notes_page(n: int) -> str:
    refs = "".join(f'<p>Paragraph {i}.<sup><a id="r{i}" href="#fn{i}">{i}</a></sup></p>' for i in range(1, n + 1))
    notes = "".join(f'<li id="fn{i}">Note number {i}. <a href="#r{i}">\u21a9</a></li>' for i in range(1, n + 1))
    return (f'<html lang="en"><head><title>Notes</title></head><body><article><h1>Notes</h1>{refs}'
            f'<ol class="footnotes">{notes}</ol></article></body></html>')


def test_notes_past_the_limit_are_kept_as_text(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_NOTES", 20)
    (tmp_path / "a.html").write_text(notes_page(60))
    article = read_file(tmp_path / "a.html")
    assert len(article.notes) == 20 and codes(article).count("L003") == 1
    from pubbuild.textutil import block_text

    text = block_text(article.blocks)
    assert "[21] Note number 21." in text and "[60] Note number 60." in text
    assert "Note number 20" not in text  # the first 20 are still notes


def test_text_past_the_limit_is_cut_with_the_notes_it_refers_to(tmp_path, monkeypatch):
    from pubbuild.textutil import block_text

    monkeypatch.setattr(limits, "MAX_TEXT", 500)
    (tmp_path / "a.html").write_text(notes_page(200))
    article = read_file(tmp_path / "a.html")
    text = block_text(article.blocks)
    assert 0 < len(text.replace("\n\n", "")) <= 500 and text.startswith("Paragraph 1.")
    assert "Paragraph 200." not in text
    assert codes(article).count("L004") == 1
    referenced = {ref.note_id for _, _, ref, _ in _refs(article)}
    assert referenced and {n.id for n in article.notes} == referenced


def test_epub_of_a_cut_article_has_no_dangling_links(tmp_path, monkeypatch, capsys):
    from conftest import assert_epubcheck_clean

    monkeypatch.setattr(limits, "MAX_TEXT", 500)
    (tmp_path / "a.html").write_text(notes_page(200))
    monkeypatch.chdir(tmp_path)
    assert main(["epub", "a.html", "-o", "a.epub"]) == 0
    assert "L004" in capsys.readouterr().err
    assert_epubcheck_clean(tmp_path / "a.epub")


def test_source_over_the_size_limit_is_refused(tmp_path, monkeypatch, capsys):
    from pubbuild import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 10_000)
    (tmp_path / "a.html").write_text("<p>" + "word " * 5000 + "</p>")
    monkeypatch.chdir(tmp_path)
    assert main(["epub", "a.html", "-o", "a.epub"]) == 2
    err = capsys.readouterr().err
    assert "a.html" in err and "limit" in err and not (tmp_path / "a.epub").exists()
