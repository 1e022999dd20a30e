"""``pubbuild normalize``: formats, folders, --out-dir, and bad input that must never crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from pubbuild.cli import main

SEED = ROOT / "sources" / "artsakh-ceasefire.html"


def test_html_to_stdout_is_the_body_only(capsys):
    assert main(["-q", "normalize", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "<h2 id=\"implications-of-the-artsakh-conflict\">" in out
    assert "State Department Urges" not in out  # the title is metadata, not body
    assert "Leave a Reply" not in out and "Share this" not in out and "Recent Posts" not in out
    assert out.count("<li>") == 10


def test_json_has_metadata_model_and_diagnostics(capsys):
    assert main(["-q", "normalize", "--format", "json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meta"]["title"] == "State Department Urges Immediate Ceasefire in Artsakh Conflict"
    assert data["meta"]["authors"] == ["Anahit Sarkissova"]
    assert data["meta"]["published"].startswith("2023-09-20")
    assert {b["type"] for b in data["blocks"]} >= {"Paragraph", "Section"}
    assert "H003" in {d["code"] for d in data["diagnostics"]}


def test_text_shows_list_marks_note_references_and_notes(tmp_path, capsys):
    """The text format is what a reader reads: bullets and numbers (from a list's start),
    a note's reference set apart from its word, and the notes after the body."""
    page = tmp_path / "marks.md"
    page.write_text("# Marks\n\nThe harbour fares rose again[^1].\n\n- ferries\n- buses\n\n"
                    "3. third\n4. fourth\n\n[^1]: Twelve per cent, from April.\n")
    assert main(["-q", "normalize", "--format", "text", str(page)]) == 0
    out = capsys.readouterr().out
    assert "again[1]." in out
    assert "- ferries\n\n- buses" in out and "3. third\n\n4. fourth" in out
    assert out.rstrip().endswith("Notes\n\n[1] Twelve per cent, from April.")


def test_folder_and_out_dir_write_one_file_per_input(tmp_path, capsys):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.html").write_text("<p>First article, with enough words to be an article.</p>")
    (src / "sub" / "b.md").write_text("# B\n\nSecond article.\n")
    (src / "c.txt").write_text("C\n\nThird article.\n")
    (src / "ignored.css").write_text("p{}")
    out = tmp_path / "out"
    for fmt in ("html", "json", "text"):
        assert main(["-q", "normalize", str(src), "--out-dir", str(out), "--format", fmt]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{s}.{f}" for s in "abc" for f in ("html", "json", "text"))
    assert (out / "b.text").read_text() == "Second article.\n"
    assert json.loads((out / "a.json").read_text())["blocks"][0]["type"] == "Paragraph"
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------------ bad input


def _run(path: Path, capsys, fmt: str = "html") -> tuple[int, str, str]:
    code = main(["normalize", "--format", fmt, str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    return code, captured.out, captured.err


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    code, out, err = _run(path, capsys)
    assert code == 2 and out == ""  # bad input, as in every command
    assert "empty.html: the file holds no text" in err


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "photo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    code, out, err = _run(path, capsys)
    assert code == 2 and out == ""
    assert "photo.html" in err and "binary file" in err


def test_invalid_utf8(tmp_path, capsys):
    path = tmp_path / "broken.html"
    path.write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>caf\xe9 and \xff\xfe '
                     b"still readable text follows here.</p></body></html>")
    code, out, err = _run(path, capsys, "text")
    assert code == 0
    assert "still readable text follows here." in out and "\ufffd" in out
    assert "broken.html" in err and "S001" in err


def test_page_with_no_article(tmp_path, capsys):
    path = tmp_path / "shell.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><aside>Links</aside>"
                    "<footer>(c) 2024</footer></body></html>")
    code, out, err = _run(path, capsys)
    assert code == 0 and out == ""
    assert "shell.html" in err and "S002" in err


def test_nesting_ten_thousand_deep(tmp_path, capsys):
    path = tmp_path / "deep.html"
    path.write_text("<html><body><p>Before.</p>" + "<div>" * 10_000 + "The deep text survives."
                    + "</div>" * 10_000 + "</body></html>")
    for fmt in ("html", "json", "text"):
        code, out, err = _run(path, capsys, fmt)
        assert code == 0 and "The deep text survives." in out
        assert "deep.html" in err and "S004" in err


@pytest.mark.parametrize("tag", ["blockquote", "em", "x-custom"])
def test_deep_nesting_of_any_element(tmp_path, capsys, tag):
    path = tmp_path / f"deep-{tag}.html"
    path.write_text(f"<html><body><p>Start.</p>{f'<{tag}>' * 3000}Deep words.{f'</{tag}>' * 3000}</body></html>")
    for fmt in ("html", "json", "text"):
        code, out, _err = _run(path, capsys, fmt)
        assert code == 0 and "Deep words." in out


@pytest.mark.slow
def test_fifty_megabyte_page(tmp_path, capsys):
    """Read in bounded time and memory: the page is cut at MAX_CHARS with a diagnostic."""
    para = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "</p>\n"
    path = tmp_path / "huge.html"
    with path.open("w") as fh:
        fh.write("<html><body><article>")
        fh.write(para * (50 * 1024 * 1024 // len(para)))
        fh.write("<p>The very end.</p></article></body></html>")
    assert path.stat().st_size > 50_000_000
    code, out, err = _run(path, capsys, "text")
    assert code == 0 and out.startswith("Lorem ipsum")
    assert "The very end." not in out
    assert "huge.html" in err and "S009" in err


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("name,data,needle", [
    ("bom16.html", "\ufeff<p>Grüße aus Jerewan, und noch ein paar Wörter.</p>".encode("utf-16-le"),
     "Grüße aus Jerewan"),
    ("declared.html", '<meta charset="windows-1252"><p>Caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9.</p>'
     .encode("cp1252"), "Café crème, naïve résumé."),
    ("undeclared.html", "<p>Привет из Еревана, это короткая статья о книжном магазине и чтении.</p>"
     .encode("cp1251"), "Привет из Еревана"),
])
def test_encodings_bom_declared_detected(tmp_path, capsys, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, _err = _run(path, capsys, "text")
    assert code == 0 and needle in out and "\ufffd" not in out


def test_links_inside_the_article_survive_into_a_valid_epub(tmp_path):
    """Re-pointed #links, dropped dead ones and unresolvable relative URLs: EPUBCheck clean."""
    from conftest import assert_epubcheck_clean

    case = ROOT / "tests" / "fixtures" / "normalize" / "internal-links-and-relative-urls" / "in.html"
    out = tmp_path / "links.epub"
    assert main(["-q", "epub", str(case), "-o", str(out)]) == 0
    assert_epubcheck_clean(out)


def test_images_outside_the_source_folder_are_refused(tmp_path, capsys):
    """Without a project, the source's own folder bounds what an article may refer to."""
    from pubbuild.cli import main as cli_main

    src = tmp_path / "a.html"
    src.write_text('<html lang="en"><body><article><h1>P</h1><p>Text here.</p>'
                   '<img src="file:///etc/passwd" alt="f"><img src="../../../etc/passwd" alt="r">'
                   "</article></body></html>")
    assert cli_main(["normalize", "--format", "json", str(src)]) == 0
    out, err = capsys.readouterr()
    import json

    data = json.loads(out)
    assert '"local"' not in json.dumps(data["blocks"])  # neither image points at a file
    assert [d["code"] for d in data["diagnostics"]].count("S006") == 2
    assert "S006 x2" in err  # one line for the code in the file, with the count
