"""pubbuild's own words in the publication's language (and an article's own language
inside it): the shipped label table is complete, dates are written for the locale, and
both editions of a German pack with a French article say so."""

from __future__ import annotations

import re
import string
import zipfile

import pytest
from conftest import assert_epubcheck_clean

from pubbuild.assemble.build import build
from pubbuild.labels import BASE, date, label, label_language, names, tables

REQUIRED = ["en", "de", "fr", "es", "it", "pt", "ru", "uk", "hy", "ar", "he"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_required_language_has_a_table():
    assert set(REQUIRED) <= set(tables())


@pytest.mark.parametrize("lang", sorted(tables()))
def test_every_language_has_every_label_with_the_same_placeholders(lang):
    base, table = tables()[BASE], tables()[lang]
    assert sorted(table) == sorted(base)
    for key, text in table.items():
        assert text.strip(), (lang, key)
        assert _fields(text) == _fields(base[key]), (lang, key)


@pytest.mark.parametrize("lang", [lang for lang in REQUIRED if lang != BASE])
def test_labels_are_translated(lang):
    """A copy of the English table would pass the completeness test: most labels differ."""
    same = [k for k, v in tables()[lang].items() if v == tables()[BASE][k]]
    # "URL", ", ", "Notes", "Introduction" may rightly coincide; a fifth at most
    assert len(same) <= len(tables()[BASE]) // 5, (lang, same)


def test_region_and_unknown_languages_fall_back():
    assert label_language("pt-BR") == "pt" and label_language("de_AT") == "de"
    assert label_language("tlh") == "en" and label_language(None) == "en"
    assert label("contents", "tlh") == "Contents"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "May 10, 2024"), ("de", "10. Mai 2024"), ("fr", "10 mai 2024"),
    ("es", "10 de mayo de 2024"), ("ru", "10 мая 2024 г."), ("uk", "10 травня 2024 р.")])
def test_dates_are_written_for_the_locale(lang, expected):
    def plain(text: str) -> str:  # CLDR versions differ in their (narrow) no-break spaces
        return re.sub(r"[\u00a0\u202f]", " ", text)
    assert plain(date("2024-05-10", lang)) == expected
    assert plain(date("2024-05-10T09:00:00Z", lang)) == expected


def test_partial_and_odd_dates():
    assert date("2024", "de") == "2024"
    assert date("2024-05", "de") == "Mai 2024"
    assert date("2024-13-40", "de") == "2024-13-40"  # kept as the source wrote it
    assert date("spring 2024", "fr") == "spring 2024"


def test_names_use_the_languages_list_pattern():
    assert names(["A", "B", "C"], "de") == "A, B und C"
    assert names(["A"], "fr") == "A"


# ------------------------------------------------------------------ a German pack


ARTICLE_FR = """<!DOCTYPE html><html lang="fr"><head><title>Les archives</title>
<meta name="author" content="Claire Dubois"/></head><body><article><h1>Les archives</h1>
<p>Les archives de la ville gardent la mémoire des quartiers, des rues et des familles qui y
ont vécu pendant des siècles, et chacun peut les consulter.<sup><a href="#fn1" id="ref1">1</a></sup></p>
<p>La salle de lecture ouvre le matin; les lecteurs y trouvent les registres anciens.</p>
<section class="footnotes"><ol><li id="fn1">Voir le registre de 1890. <a href="#ref1">↩</a></li></ol></section>
</article></body></html>"""

ARTICLE_DE = """<!DOCTYPE html><html lang="de"><head><title>Die Bibliothek</title></head><body>
<article><h1>Die Bibliothek</h1><p>Die Bibliothek der Stadt ist seit dem Jahr 1900 geöffnet und
bewahrt Bücher, Zeitschriften und Karten aus der ganzen Region für alle Leser auf.</p>
<p>Sie hat einen großen Lesesaal, der jeden Tag bis zum Abend geöffnet ist.</p></article></body></html>"""

MANIFEST = """title: Archive und Bibliotheken
language: de
date: 2024-06-01
introduction: Warum diese Artikel zusammengehören.
parts:
  - title: Erster Teil
    articles:
      - source: sources/archives.html
        language: fr
        url: https://archives.example/fr/salle
        published: 2024-03-14
        retrieved: 2024-05-10
        note: Unverändert übernommen.
      - source: sources/bibliothek.html
        site: Stadtblatt
        retrieved: 2024-05-11
"""


@pytest.fixture(scope="module")
def german_pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("labels")
    (root / "sources").mkdir()
    (root / "sources" / "archives.html").write_text(ARTICLE_FR, encoding="utf-8")
    (root / "sources" / "bibliothek.html").write_text(ARTICLE_DE, encoding="utf-8")
    (root / "pubbuild.yaml").write_text(MANIFEST, encoding="utf-8")
    epub, _, _ = build("epub", root / "pubbuild.yaml", root / "out" / "pack.epub")
    from pubbuild.backends import BuildOptions

    html = root / "out" / "pack.html"
    pdf, _, _ = build("pdf", root / "pubbuild.yaml", root / "out" / "pack.pdf",
                      BuildOptions(extra={"emit_html": html, "jobs": 1}))
    return epub, pdf, html.read_text(encoding="utf-8")


def _docs(epub) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n.split("/")[-1]: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_navigation_and_landmarks_are_in_the_publications_language(german_pack):
    nav = _docs(german_pack[0])["nav.xhtml"]
    assert '<h1 id="toc-title">Inhalt</h1>' in nav
    assert '<h2 id="landmarks-title">Orientierungspunkte</h2>' in nav
    for text in ("Umschlag", "Titelseite", "Einleitung", "Beginn des Inhalts", "Quellenverzeichnis",
                 "Impressum", "Über diese Sammlung", "Barrierefreiheit"):
        assert f">{text}</a>" in nav, text
    assert 'lang="en"' not in nav  # nothing falls back to English


def test_article_labels_follow_the_articles_own_language(german_pack):
    docs = _docs(german_pack[0])
    french, german = docs["archives.xhtml"], docs["bibliothek.xhtml"]
    assert "Source\u00a0: archives.example" in french
    assert ">14 mars 2024</time>, consulté le <time" in french and ">10 mai 2024</time>" in french
    assert re.search(r'<h2 id="notes-heading">Notes</h2>', french)
    assert 'aria-label="Retour à l’appel de note 1"' in french
    # the editor's note is the editor's, in the publication's language, tagged as such
    assert re.search(r'<aside class="editor-note"[^>]*lang="de"', french)
    assert ">Anmerkung der Redaktion</p>" in french
    assert "Quelle: Stadtblatt, abgerufen am <time" in german and ">11. Mai 2024</time>" in german


def test_list_of_sources_fields_are_translated(german_pack):
    sources = _docs(german_pack[0])["sources.xhtml"]
    for text in ("Verlag oder Website: ", "Veröffentlicht: ", "Abgerufen: ", "nicht angegeben",
                 "14. März 2024"):
        assert text in sources, text


def test_generated_english_prose_is_tagged_english(german_pack):
    about = _docs(german_pack[0])["about.xhtml"]
    assert '<p lang="en" xml:lang="en">This pack holds 2 articles' in about


def test_german_pack_epub_passes_epubcheck(german_pack):
    assert_epubcheck_clean(german_pack[0])


def test_pdf_prints_the_same_labels(german_pack):
    _, pdf, html = german_pack
    assert '<h1 id="toc-title">Inhalt</h1>' in html
    assert "Source\u00a0: archives.example" in html and "Quelle: Stadtblatt" in html
    assert 'aria-label="Titelseite"' in html
    import pikepdf

    with pikepdf.open(pdf) as doc:
        titles = [str(item.title) for item in doc.open_outline().root]
    assert "Inhalt" in titles and "Quellenverzeichnis" in titles
