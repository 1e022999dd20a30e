"""Briefing packs: parts in the manifest, generated matter, `pubbuild build` and its cache."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from conftest import assert_epubcheck_clean
from packutil import copy_root

from pubbuild.assemble.build import build_all
from pubbuild.assemble.manifest import load
from pubbuild.assemble.publication import load_publication
from pubbuild.cli import main
from pubbuild.errors import ConfigurationError
from pubbuild.progress import for_terminal
from pubbuild.textutil import block_text

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigurationError) as info:
        load(path)
    return info.value.lines()


# ------------------------------------------------------------------ manifest


def test_parts_are_loaded_in_reading_order(tmp_path):
    manifest = load(copy_root("test-pack", tmp_path))
    assert [(p.title, p.start, p.count) for p in manifest.parts] == [("Part One", 0, 1), ("Part Two", 1, 2)]
    assert [s.source.name for s in manifest.articles] == ["harbour.html", "archive.md", "notes.txt"]
    assert manifest.parts[0].introduction == "The first part's introduction."
    assert manifest.introduction.startswith("Why these **three**")
    assert manifest.articles[0].overrides["note"] == "Read this one *first*."


@pytest.mark.parametrize("text, expected", [
    ("title: P\narticles: [sources/a.txt]\nparts:\n  - title: X\n    articles: [sources/a.txt]\n",
     ":3: parts: use either `articles` or `parts`, not both"),
    ("title: P\nparts:\n  - articles: [sources/a.txt]\n", ":3: parts[0]: missing required key 'title'"),
    ("title: P\nparts:\n  - title: X\n    articles: []\n", ":4: parts[0].articles: the part has no articles"),
    ("title: P\nparts:\n  - title: X\n    articles:\n      - source: sources/nope.txt\n",
     ":5: parts[0].articles[0].source: file not found: sources/nope.txt"),
    ("title: P\nparts:\n  - title: X\n    introdution: hi\n    articles: [sources/a.txt]\n",
     ":4: parts[0].introdution: unknown key (did you mean 'introduction'?)"),
    ("title: P\nparts: sources/a.txt\n", ":2: parts: expected a list of parts, got text"),
    ("title: P\n", "(top level): missing required key 'articles' (or 'parts')"),
])
def test_part_problems_name_file_line_and_key(tmp_path, text, expected):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.txt").write_text("A\n\nText.\n")
    path = tmp_path / "pubbuild.yaml"
    path.write_text(text)
    lines = _problems(path)
    assert any(line.startswith(str(path)) and expected in line for line in lines), lines


# ------------------------------------------------------------------ generated matter


def test_publication_has_parts_introduction_and_matter(tmp_path):
    pub = load_publication(copy_root("test-pack", tmp_path))
    assert [p.title for p in pub.parts] == ["Part One", "Part Two"]
    assert [[a.slug for a in p.articles] for p in pub.parts] == [["harbour"], ["archive", "notes"]]
    assert all(a is b for a, b in zip(pub.parts[1].articles, pub.articles[1:]))
    assert block_text(pub.introduction) == "Why these three articles belong together."
    assert [m.id for m in pub.front_matter] == ["about", "accessibility"]
    assert [m.id for m in pub.back_matter] == ["sources", "colophon"]
    about = block_text(pub.front_matter[0].blocks)
    assert "Compiled by Desk Editor." in about and "Written by Ann Author." in about
    assert "This pack holds 3 articles in 2 parts." in about
    assert "Part One: 1 article" in about and "Part Two: 2 articles" in about
    assert "2 sources: Harbour News and Archive Quarterly; 1 article without a recorded source" in about


def test_accessibility_statement_follows_the_content(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    text = block_text(load_publication(manifest).front_matter[1].blocks)
    assert "The image has a text alternative." in text
    assert "The data table has header cells" in text
    assert "2 section headings" in text
    assert "one language throughout, tagged en" in text
    # An image without a text alternative and a passage in Armenian change what it says.
    notes = manifest.parent / "sources" / "notes.txt"
    harbour = manifest.parent / "sources" / "harbour.html"
    harbour.write_text(harbour.read_text().replace(
        "<h2>What changed</h2>", '<p><img src="images/chart.svg"> <span lang="hy">Բարև</span></p><h2>What changed</h2>'))
    notes.write_text(notes.read_text())
    text = block_text(load_publication(manifest).front_matter[1].blocks)
    assert "1 of 2 images has a text alternative; 1 does not" in text
    assert "passages in other languages (hy)" in text


def test_list_of_sources_names_every_field_of_every_article(tmp_path):
    pub = load_publication(copy_root("test-pack", tmp_path))
    sources = pub.back_matter[0]
    assert (sources.epub_type, sources.role) == ("bibliography", "doc-bibliography")
    entries = sources.blocks[1].items
    assert len(entries) == len(pub.articles) == 3
    first = block_text(entries[0].children, "\n")
    for expected in ("The Harbour Reopens, by Cara Reporter.", "Publisher or site: Harbour News",
                     "URL: https://news.example/harbour", "Published: May 1, 2024",
                     "Retrieved: May 2, 2024"):
        assert expected in first
    last = block_text(entries[2].children, "\n")
    assert "Notes from the Quay" in last and "URL: not recorded" in last and "Retrieved: not recorded" in last
    colophon = block_text(pub.back_matter[1].blocks)
    assert "from 3 source files" in colophon and pub.meta.identifier in colophon


def test_one_article_build_has_no_pack_matter(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    pub = load_publication(manifest.parent / "sources" / "notes.txt")
    assert pub.front_matter == [] and pub.back_matter == [] and pub.parts == []


# ------------------------------------------------------------------ build and cache


def test_build_makes_every_format_and_the_second_build_skips_normalisation(tmp_path, caplog):
    manifest = copy_root("test-pack", tmp_path)
    assert main(["-q", "build", str(manifest), "--jobs", "2"]) == 0
    out = manifest.parent / "build"
    epub, pdf = out / "test-pack.epub", out / "test-pack.pdf"
    assert epub.is_file() and pdf.is_file()
    assert_epubcheck_clean(epub)
    assert len(list((out / ".cache" / "articles").glob("*.json"))) == 3

    caplog.set_level(logging.INFO, logger="pubbuild")  # main put the loggers back as it found them
    result = build_all(manifest)
    assert sorted(result.stats.hits) == ["sources/archive.md", "sources/harbour.html", "sources/notes.txt"]
    assert result.stats.normalised == []
    assert sum("taken from the cache" in r.getMessage() for r in caplog.records) == 3
    # The cached models give the same outputs as normalising afresh.
    assert result.outputs["epub"].read_bytes() == epub.read_bytes()
    fresh = build_all(manifest, out_dir=tmp_path / "fresh", cache=False, jobs=1)
    assert fresh.stats.normalised and not fresh.stats.hits
    for name in ("epub", "pdf"):
        assert fresh.outputs[name].read_bytes() == result.outputs[name].read_bytes(), name


def test_cache_misses_on_a_changed_source_override_or_image(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    build_all(manifest, formats=["epub"])
    notes = manifest.parent / "sources" / "notes.txt"
    notes.write_text(notes.read_text() + "\nOne more line.\n")
    assert build_all(manifest, formats=["epub"]).stats.normalised == ["sources/notes.txt"]
    manifest.write_text(manifest.read_text().replace("title: Keeping the Archive", "title: The Archive"))
    result = build_all(manifest, formats=["epub"])
    assert result.stats.normalised == ["sources/archive.md"]
    assert result.publication.articles[1].meta.title == "The Archive"
    (manifest.parent / "sources" / "images" / "chart.svg").unlink()
    assert build_all(manifest, formats=["epub"]).stats.normalised == ["sources/harbour.html"]


def test_damaged_cache_entry_is_a_miss(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    build_all(manifest, formats=["epub"])
    for entry in (manifest.parent / "build" / ".cache" / "articles").glob("*.json"):
        entry.write_bytes(b"not json")
    assert len(build_all(manifest, formats=["epub"]).stats.normalised) == 3


def test_build_reports_source_errors_from_workers(tmp_path, capsys):
    manifest = copy_root("test-pack", tmp_path)
    (manifest.parent / "sources" / "notes.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    assert main(["build", str(manifest), "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert "notes.txt: binary file" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "check", "deposit", "init"])
def test_help_on_pack_commands(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: pubbuild {command}" in out and "--quiet" in out


def test_build_rejects_bad_jobs(capsys):
    with pytest.raises(SystemExit) as info:
        main(["build", "--jobs", "0"])
    assert info.value.code == 2 and "must be at least 1" in capsys.readouterr().err


def test_build_prints_what_it_did(tmp_path, capsys):
    manifest = copy_root("test-pack", tmp_path)
    assert main(["build", str(manifest), "--format", "epub", "--out-dir", str(tmp_path / "o")]) == 0
    out = capsys.readouterr()
    assert "normalised 3 of 3 articles (0 unchanged, from the cache)" in out.out
    assert f"wrote {tmp_path / 'o' / 'test-pack.epub'}" in out.out
    assert "normalise" not in out.err  # no progress when not a terminal
    assert zipfile.is_zipfile(tmp_path / "o" / "test-pack.epub")
    assert main(["-q", "build", str(manifest), "--format", "epub"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_nothing_otherwise_or_when_quiet():
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = for_terminal(stream)("normalise", 3)
        for _ in range(3):
            bar.advance()
        bar.close()
    assert "normalise" in tty.getvalue() and "3/3" in tty.getvalue() and "\r" in tty.getvalue()
    assert pipe.getvalue() == ""
    quiet = _Tty()
    bar = for_terminal(quiet, quiet=True)("render", 2)
    bar.advance()
    bar.close()
    assert quiet.getvalue() == ""
