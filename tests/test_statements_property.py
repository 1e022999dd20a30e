"""Every statement a publication makes about itself is true of the outputs (issue 22).

Hypothesis builds small random packs (images described, undescribed, decorative, remote and
missing; tables with and without header cells; passages in other languages, some with tags
no registry knows); ``pubbuild build`` writes the EPUB and the PDF, and every statement (the
OPF's schema.org properties and summary, the in-book Accessibility page, the PDF's XMP) is
checked against counts made from the outputs' bytes (tests/statements.py), never from the
model.  The PDF must show as many figures as the EPUB shows non-decorative images.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import langcodes
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from statements import check, count_epub, read_pdf

from pubbuild.cli import main

SENTENCE = ("The harbour committee met on Tuesday to discuss the repairs to the northern quay, "
            "which storms damaged last winter, and agreed a timetable for the work.")

IMAGES = {
    "described": '<img src="images/p.png" alt="A chart of tonnage by month"/>',
    "undescribed": '<img src="images/q.png"/>',
    "decorative": '<img src="images/r.png" alt=""/>',
    "remote": '<img src="https://images.example.org/harbour.jpg" alt="The harbour at dawn"/>',
    "remote-undescribed": '<img src="https://images.example.org/quay.jpg"/>',
    "missing": '<img src="images/gone.png" alt="A map of the quay"/>',
}
TABLES = {
    True: "<table><thead><tr><th>Month</th><th>Ships</th></tr></thead><tbody><tr><td>May</td>"
          "<td>12</td></tr></tbody></table>",
    False: "<table><tbody><tr><td>May</td><td>12</td></tr><tr><td>June</td><td>15</td></tr></tbody></table>",
}
PASSAGES = {  # tag -> a passage in that language (qq: well formed, never registered)
    "fr": "Le port rouvre ses portes aux navires de commerce.",
    "de": "Der Hafen öffnet wieder für die Handelsschiffe.",
    "hy": "Նավահանգիստը կրկին բացվում է առևտրական նավերի համար։",
    "qq": "Words in a language no registry knows.",
}

block = st.one_of(
    st.tuples(st.just("image"), st.sampled_from(sorted(IMAGES))),
    st.tuples(st.just("table"), st.booleans()),
    st.tuples(st.just("passage"), st.sampled_from(sorted(PASSAGES))),
    st.tuples(st.just("heading"), st.just(None)),
    st.tuples(st.just("note"), st.just(None)),
)
#: Each article: its format (an HTML page or a Markdown file) and its blocks.
articles = st.lists(st.tuples(st.sampled_from(["html", "md"]), st.lists(block, max_size=5)),
                    min_size=1, max_size=3)


def article_markdown(n: int, blocks: list) -> str:
    """The same content as Markdown: front matter, footnotes, raw HTML for what Markdown
    cannot say (an image with no alt attribute, a passage's language)."""
    body = [f"---\ntitle: Article {n}\nlanguage: en\n---\n", SENTENCE]
    notes = []
    for k, (kind, value) in enumerate(blocks):
        if kind == "image":
            body.append(IMAGES[value])
        elif kind == "table":
            body.append("| Month | Ships |\n|:--|--:|\n| May | 12 |" if value else TABLES[False])
        elif kind == "passage":
            body.append(f'{SENTENCE} <span lang="{value}">{PASSAGES[value]}</span>')
        elif kind == "heading":
            body.append(f"## Section {k}")
        else:
            body.append(f"{SENTENCE}[^n{k}]")
            notes.append(f"[^n{k}]: A note on the minutes, number {k}.")
        body.append(SENTENCE)
    return "\n\n".join(body + notes) + "\n"


def article_html(n: int, blocks: list) -> str:
    body = [f"<h1>Article {n}</h1>", f"<p>{SENTENCE}</p>"]
    for k, (kind, value) in enumerate(blocks):
        if kind == "image":
            body.append(f"<figure>{IMAGES[value]}</figure>")
        elif kind == "table":
            body.append(TABLES[value])
        elif kind == "passage":
            body.append(f'<p>{SENTENCE} <span lang="{value}">{PASSAGES[value]}</span></p>')
        elif kind == "heading":
            body.append(f"<h2>Section {k}</h2>")
        else:
            body.append(f"<p>{SENTENCE}</p>")
        body.append(f"<p>{SENTENCE}</p>")
    return (f"<!DOCTYPE html><html lang='en'><head><title>Article {n}</title></head><body><article>"
            + "".join(body) + "</article></body></html>")


def make_pack(root: Path, spec: list) -> Path:
    (root / "sources" / "images").mkdir(parents=True)
    for name, colour in (("p", "red"), ("q", "green"), ("r", "blue")):
        PILImage.new("RGB", (40, 30), colour).save(root / "sources" / "images" / f"{name}.png")
    entries = []
    for n, (fmt, blocks) in enumerate(spec, 1):
        text = article_html(n, blocks) if fmt == "html" else article_markdown(n, blocks)
        (root / "sources" / f"a{n}.{fmt}").write_text(text, encoding="utf-8")
        entries.append(f"  - sources/a{n}.{fmt}")
    manifest = root / "pubbuild.yaml"
    manifest.write_text("title: Random pack\nlanguage: en\ndate: 2024-01-01\narticles:\n"
                        + "\n".join(entries) + "\n")
    return manifest


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=articles)
def test_every_statement_is_true_of_the_outputs(spec):
    root = Path(tempfile.mkdtemp(prefix="pubbuild-statements-"))
    try:
        manifest = make_pack(root, spec)
        assert main(["-q", "build", str(manifest), "-j", "1"]) == 0
        counted = count_epub(root / "build" / "random-pack.epub", "en")
        read_pdf(root / "build" / "random-pack.pdf", counted)
        assert check(counted, "en", langcodes.tag_is_valid) == []
        # the print edition shows the same pictures: a figure per non-decorative image shown
        # (and the cover's)
        assert counted.pdf_figures == counted.images + 1
        # the counts are the generated content's, as a reader would count it
        kinds = [v for _, blocks in spec for k, v in blocks if k == "image"]
        assert counted.images_described == kinds.count("described")
        assert counted.images_without_alt == kinds.count("undescribed")
        assert counted.decorative_images == kinds.count("decorative")
        assert counted.images_left_out == sum(kinds.count(k) for k in ("remote", "remote-undescribed", "missing"))
        assert counted.notes == sum(1 for fmt, blocks in spec for k, _ in blocks if k == "note" and fmt == "md")
        assert counted.headings == sum(1 for _, blocks in spec for k, _ in blocks if k == "heading")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("fmt", ["epub", "pdf", "build"])
def test_strict_means_the_same_for_every_format(tmp_path, fmt):
    """A remote image left out is a warning (A002) whichever edition is built."""
    manifest = make_pack(tmp_path, [("html", [("image", "remote")])])
    argv = ["-q", fmt, str(manifest), "--strict"] + (["-j", "1"] if fmt != "epub" else [])
    assert main(argv) == 1
