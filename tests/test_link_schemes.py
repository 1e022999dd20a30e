"""Links keep their scheme: ``mailto:`` and ``tel:`` are never resolved against the project
folder, and no output carries a local path (the bytes must not change when the project moves)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf

from pubbuild.cli import main

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Contacts</title></head><body><article>
<h1>Contacts</h1>
<p>The harbour office answers questions about the repairs to the quay every weekday morning.
Write to <a href="mailto:office@harbour.example">the harbour office</a>, call
<a href="tel:+44-20-7946-0000">the duty officer</a>, read <a href="https://harbour.example/plan">the
plan</a> or <a href="minutes.html">the minutes</a>.</p>
<p>The committee meets again in June to review the timetable for the works on the northern quay.</p>
</article></body></html>"""


def _uris(pdf_path: Path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf:
        return [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]


def test_mailto_and_tel_keep_their_scheme_and_no_local_path_leaks(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "contacts.html").write_text(PAGE)
    (tmp_path / "pubbuild.yaml").write_text("title: Links\nlanguage: en\narticles:\n  - sources/contacts.html\n")
    assert main(["-q", "build", str(tmp_path / "pubbuild.yaml"), "-j", "1"]) == 0
    pdf, epub = tmp_path / "build" / "links.pdf", tmp_path / "build" / "links.epub"
    uris = _uris(pdf)
    assert "mailto:office@harbour.example" in uris and "tel:+44-20-7946-0000" in uris
    assert "https://harbour.example/plan" in uris
    assert not [u for u in uris if u.startswith("file:") or str(tmp_path) in u]
    local = str(tmp_path).encode()
    assert local not in pdf.read_bytes()
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            data = z.read(name)
            assert local not in data and b"file:" not in data, name
        chapter = z.read("EPUB/contacts.xhtml").decode()
    assert 'href="mailto:office@harbour.example"' in chapter and 'href="tel:+44-20-7946-0000"' in chapter
