"""Small inputs that asked the PDF for unbounded time (issue 23): tables by their cells,
editor's notes and introductions by their length.  Each bound is shown on the model (what
the layout would be given), never by timing a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubbuild.cli import main
from pubbuild.model import Table
from pubbuild.passes import limits
from pubbuild.reader import read_file
from pubbuild.textutil import walk_blocks


def _table_article(tmp_path: Path, rows: int, cells: int, colspan: int = 1) -> Path:
    cell = f'<td colspan="{colspan}">x</td>' if colspan > 1 else "<td>x</td>"
    body = "".join(f"<tr>{cell * cells}</tr>" for _ in range(rows))
    page = tmp_path / "table.html"
    page.write_text("<html lang=en><head><title>T</title></head><body><article><h1>T</h1>"
                    "<p>A paragraph long enough to be the text of an article before the table.</p>"
                    f"<table><thead><tr><th>h</th><th>i</th></tr></thead><tbody>{body}</tbody></table>"
                    "</article></body></html>")
    return page


def _tables(tmp_path: Path, page: Path) -> tuple[list[Table], list[str]]:
    article = read_file(page, tmp_path)
    return [b for b in walk_blocks(article.blocks) if isinstance(b, Table)], [d.code for d in article.diagnostics]


def _width(row) -> int:
    return sum(c.colspan for c in row.cells)


@pytest.mark.parametrize("rows,cells,colspan", [(1, 3 * limits.MAX_COLUMNS, 1), (2, 20, 1000)],
                         ids=["one-wide-row", "wide-spans"])
def test_a_row_is_cut_to_the_column_limit(tmp_path, rows, cells, colspan):
    (table,), codes = _tables(tmp_path, _table_article(tmp_path, rows, cells, colspan))
    assert all(_width(row) <= limits.MAX_COLUMNS for row in table.head + table.body)
    assert _width(table.body[0]) == limits.MAX_COLUMNS
    assert codes.count("L006") == 1


def test_a_table_is_cut_to_the_cell_limit_keeping_its_head(tmp_path):
    rows = 2 * limits.MAX_CELLS // 50
    (table,), codes = _tables(tmp_path, _table_article(tmp_path, rows, 50))
    cells = sum(len(r.cells) for r in table.head + table.body + table.foot)
    assert limits.MAX_CELLS - 50 < cells <= limits.MAX_CELLS
    assert len(table.head) == 1 and codes.count("L006") == 1


def test_a_table_within_the_limits_is_untouched(tmp_path):
    (table,), codes = _tables(tmp_path, _table_article(tmp_path, 100, limits.MAX_COLUMNS))
    assert len(table.body) == 100 and _width(table.body[-1]) == limits.MAX_COLUMNS
    assert "L006" not in codes


@pytest.mark.parametrize("where", ["note", "part-introduction", "introduction"])
def test_an_editors_text_past_the_limit_is_a_manifest_error(tmp_path, where, capsys):
    (tmp_path / "a.html").write_text("<html lang=en><head><title>A</title></head><body><article><h1>A</h1>"
                                     "<p>A paragraph long enough to be the text of an article.</p>"
                                     "</article></body></html>")
    long = "Word " * (limits.MAX_PROSE // 5 + 10)
    if where == "note":
        body = f"articles:\n  - source: a.html\n    note: {long}\n"
    elif where == "part-introduction":
        body = f"parts:\n  - title: P\n    introduction: {long}\n    articles: [a.html]\n"
    else:
        body = f"introduction: {long}\narticles: [a.html]\n"
    (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: en\n" + body)
    assert main(["-q", "epub", str(tmp_path / "pubbuild.yaml"), "-o", str(tmp_path / "o.epub")]) == 2
    err = capsys.readouterr().err
    assert "introduction" in err or "note" in err
    assert f"{limits.MAX_PROSE:,}" in err
    assert not (tmp_path / "o.epub").exists()


def notes_page(n: int, note: str) -> str:
    refs = "".join(f'<p>Paragraph {i}.<sup><a id="r{i}" href="#fn{i}">{i}</a></sup></p>' for i in range(1, n + 1))
    notes = "".join(f'<li id="fn{i}">Note {i}: {note} <a href="#r{i}">\u21a9</a></li>' for i in range(1, n + 1))
    return (f'<html lang="en"><head><title>Notes</title></head><body><article><h1>Notes</h1>{refs}'
            f'<ol class="footnotes">{notes}</ol></article></body></html>')


def test_notes_kept_as_text_count_toward_the_text_limit(tmp_path, monkeypatch):
    """Before, notes past the limit were appended after the text was cut: any number of
    them added any amount of text past the limit."""
    from pubbuild.textutil import block_text

    monkeypatch.setattr(limits, "MAX_NOTES", 20)
    monkeypatch.setattr(limits, "MAX_TEXT", 2000)
    (tmp_path / "a.html").write_text(notes_page(400, "a long note, " * 20))
    article = read_file(tmp_path / "a.html")
    assert len(article.notes) <= 20
    assert len(block_text(article.blocks).replace("\n\n", "")) <= 2000
    assert {d.code for d in article.diagnostics} >= {"L003", "L004"}
