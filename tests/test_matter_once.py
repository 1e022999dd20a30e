"""The editor's Markdown (introductions, notes) is read once, when the publication is
assembled; backends get blocks and never run the reader or the passes again."""

from __future__ import annotations

from pathlib import Path

from pubbuild.assemble.publication import load_publication
from pubbuild.backends.epub.backend import EpubBackend
from pubbuild.backends.pdf.pack_pages import editor_note_html
from pubbuild.reader import text as text_reader
from pubbuild.textutil import block_text

ROOT = Path(__file__).parent / "roots" / "test-pack"


def test_markdown_is_parsed_once_at_assembly_and_not_at_render(monkeypatch, tmp_path):
    calls: list[str] = []
    real = text_reader.read_markdown

    def counting(text, source, *args, **kwargs):
        if source is None:  # the editor's pieces have no file; a Markdown article has its own
            calls.append(text)
        return real(text, source, *args, **kwargs)

    monkeypatch.setattr(text_reader, "read_markdown", counting)
    pub = load_publication(ROOT / "pubbuild.yaml")
    # the pack's introduction, Part One's introduction, the note on the first article
    assert sorted(c.strip() for c in calls) == sorted([
        "Why these **three** articles belong together.", "The first part's introduction.",
        "Read this one *first*."])
    noted = pub.articles[0]
    assert block_text(noted.editor_note_blocks) == "Read this one first."
    assert all(not a.editor_note_blocks for a in pub.articles[1:])

    calls.clear()
    EpubBackend().write(pub, tmp_path / "pack.epub")
    html = editor_note_html(noted, pub, 2, lambda image: None)
    assert "<em>first</em>" in html
    assert calls == []
