"""``pubbuild batch --warc``: a web archive written here with warcio (two articles, a navigation
page, an image, a 404), as WARC and as WACZ, built on a LocalCluster."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pubbuild.cli import main

SITE = "https://news.example.org"
#: A 1x1 PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'</head><body><nav><a href="/">Home</a> <a href="/world">World</a> '
            f'<a href="/sections">Sections</a></nav><main><article><h1>{title}</h1>{body}'
            f'</article></main><footer><a href="/about">About us</a></footer></body></html>').encode()


PARA = ("<p>The council met on Tuesday to discuss the harbour, the ferries that cross it and the "
        "cost of dredging the channel before the winter storms close it again for months.</p>")
PAGES = {
    # An absolute image address the archive holds, and one it does not (never fetched).
    f"{SITE}/2024/05/harbour.html": ("2024-05-01T08:00:00Z", _page(
        "Harbour plan approved", PARA + f'<figure><img src="{SITE}/img/map.png" alt="Map of the '
        f'harbour"><figcaption>The new quay.</figcaption></figure>'
        '<p><img src="https://elsewhere.example/x.png" alt="A picture kept elsewhere"></p>'
        # Untrusted: a file of this machine, by a relative path and by a file: URL.
        '<p><img src="../../../../../../../../etc/passwd" alt="A local file">'
        '<img src="file:///etc/passwd" alt="Another local file"></p>' + PARA)),
    # A site-relative image address the archive holds.
    f"{SITE}/2024/05/library.html": ("2024-05-02T09:30:00Z", _page(
        "Library reopens", PARA.replace("harbour", "library") + '<p><img src="/img/map.png" '
        'alt="The same map"></p>' + PARA.replace("harbour", "reading room"))),
    # A page of links: the reader finds no article in it.
    f"{SITE}/sections": ("2024-05-02T10:00:00Z", (
        b'<!DOCTYPE html><html lang="en"><head><title>Sections</title></head><body><h1>Sections</h1>'
        b'<ul><li><a href="/2024/05/harbour.html">Harbour plan approved</a></li>'
        b'<li><a href="/2024/05/library.html">Library reopens</a></li>'
        b'<li><a href="/world">World news from everywhere</a></li></ul></body></html>')),
}


def write_warc(path: Path) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def response(url: str, date: str, status: str, kind: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)

        for url, (date, body) in PAGES.items():
            response(url, date, "200 OK", "text/html; charset=utf-8", body)
        response(f"{SITE}/img/map.png", "2024-05-01T08:00:01Z", "200 OK", "image/png", PNG)
        response(f"{SITE}/gone.html", "2024-05-02T11:00:00Z", "404 Not Found", "text/html",
                 b"<html><body><p>Not found</p></body></html>")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "news.warc.gz"
    write_warc(path)
    return path


def _report(out: Path) -> dict:
    return json.loads((out / "batch-report.json").read_text(encoding="utf-8"))


def test_warc_by_site_builds_the_articles_with_their_archived_images(archive, tmp_path):
    out = tmp_path / "out"
    assert main(["batch", "--warc", str(archive), "--group-by", "site", "--out-dir", str(out),
                 "--format", "epub", "--format", "deposit", "--workers", "1"]) == 0
    report = _report(out)
    archives = report["archives"]
    assert archives["responses"] == 5 and archives["html_200"] == 3 and archives["images_200"] == 1
    assert archives["not_200"] == {"404": 1}
    assert archives["not_article_urls"] == [f"{SITE}/sections"] and archives["articles"] == 2
    [pub] = report["publications"]
    assert pub["status"] == "built" and pub["slug"] == "news-example-org" and pub["articles"] == 2
    folder = out / "news-example-org"
    with zipfile.ZipFile(folder / "news-example-org.epub") as epub:
        images = [n for n in epub.namelist() if n.lower().endswith(".png")]
        text = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml"))
    assert len(images) == 1 and PNG in [zipfile.ZipFile(folder / "news-example-org.epub").read(images[0])]
    assert b"Harbour plan approved" in text and b"Library reopens" in text
    assert b"Sections" not in text  # the navigation page is no article

    # Provenance: the archived URL, the capture date and the record id of each article.
    bag = folder / "news-example-org-deposit"
    meta = json.loads((bag / "data" / "metadata" / "metadata.json").read_text())
    provenance = {a["source_url"]: (a["retrieved"], a["provenance"]) for a in meta["articles"]}
    assert set(provenance) == {f"{SITE}/2024/05/harbour.html", f"{SITE}/2024/05/library.html"}
    retrieved, record = provenance[f"{SITE}/2024/05/harbour.html"]
    assert retrieved == "2024-05-01T08:00:00Z" and record["date"] == retrieved
    assert record["record_id"].startswith("<urn:uuid:") and record["images_from_archive"] == 1
    # Nothing outside the work folder was read: the one image is the archived one (above), and
    # neither edition nor the bag's sources hold the local file.
    assert b"root:x:0:0" not in text
    assert not [p for p in bag.rglob("*") if p.name == "passwd"]
    assert all(b"root:x:0:0" not in p.read_bytes() for p in (bag / "data" / "sources").rglob("*.*"))
    info = (bag / "bag-info.txt").read_text()
    assert info.count("Source-Record: <urn:uuid:") == 2 and f"{SITE}/2024/05/library.html" in info
    # The work folder of extracted records is gone; nothing half-written is left.
    assert sorted(p.name for p in out.iterdir()) == ["batch-report.json", "news-example-org"]
    assert not list(out.rglob("*.part"))

    # The same archive again: up to date.
    assert main(["batch", "--warc", str(archive), "--group-by", "site", "--out-dir", str(out),
                 "--format", "epub", "--format", "deposit", "--workers", "1"]) == 0
    again = _report(out)
    assert [p["status"] for p in again["publications"]] == ["skipped"]
    assert again["archives"]["not_article_urls"] == [f"{SITE}/sections"]
    assert again["archives"]["articles"] == 2


def test_wacz_one_publication_per_record(archive, tmp_path):
    wacz = tmp_path / "news.wacz"
    with zipfile.ZipFile(wacz, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.write(archive, "archive/data.warc.gz")
    out = tmp_path / "out"
    assert main(["batch", "--warc", str(wacz), "--out-dir", str(out), "--format", "epub",
                 "--workers", "1"]) == 0
    report = _report(out)
    assert report["archives"]["not_article_urls"] == [f"{SITE}/sections"]
    titles = sorted(p["input"] for p in report["publications"])
    assert titles == [f"{SITE}/2024/05/harbour.html", f"{SITE}/2024/05/library.html"]
    assert all(p["status"] == "built" and p["articles"] == 1 for p in report["publications"])


def test_a_file_that_is_no_archive_is_bad_input(tmp_path, capsys):
    bogus = tmp_path / "bogus.warc"
    bogus.write_bytes(b"this is not a web archive\n" * 10)
    status = main(["batch", "--warc", str(bogus), "--out-dir", str(tmp_path / "out")])
    assert status == 2
    assert "bogus.warc: not a WARC file" in capsys.readouterr().err
    assert not list((tmp_path / "out").iterdir())
