"""Long URLs and long titles in print: an address in the List of sources breaks instead of
running off the page, and a long title without spaces (Chinese, Japanese) is cut to one line of
the running head."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest

from pubbuild.backends.pdf.document import running_title
from pubbuild.cli import main

LONG_URL = "https://archive.example.org/" + "collection" * 16 + "?id=" + "0123456789" * 6
CJK_TITLE = "東京の港湾委員会は火曜日に北側の岸壁の修理について話し合い、昨冬の嵐による被害の修復計画に合意した"


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("title", [CJK_TITLE, "北京" * 40, "x" * 100, LONG_URL])
def test_running_titles_fit_one_line_whatever_the_script(title):
    short = running_title(title)
    assert _columns(short) <= 60 and short.endswith("…") and len(short) > 10
    assert title.startswith(short.rstrip("…"))


def test_a_short_title_is_kept_whole():
    assert running_title("短い題") == "短い題"


def test_a_long_url_stays_on_the_page(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.html").write_text(
        "<html lang='en'><head><title>Harbour</title></head><body><article><h1>Harbour</h1>"
        "<p>The harbour committee met on Tuesday to discuss the repairs to the northern quay.</p>"
        "</article></body></html>")
    (tmp_path / "pubbuild.yaml").write_text(
        f"title: Long lines\nlanguage: en\narticles:\n  - source: sources/a.html\n    url: {LONG_URL}\n")
    assert main(["-q", "pdf", str(tmp_path / "pubbuild.yaml"), "-j", "1"]) == 0
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "build" / "long-lines.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]
    assert right and max(right) <= width - 20  # inside the page, short of its edge


def test_a_long_link_address_stays_on_the_page(tmp_path):
    """The link-address list breaks an address wider than the line (print.css: break-word)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.html").write_text(
        "<html lang='en'><head><title>Harbour</title></head><body><article><h1>Harbour</h1>"
        f"<p>The harbour committee met on Tuesday, as <a href='{LONG_URL}'>its archive</a> "
        "records, to discuss the repairs to the northern quay.</p></article></body></html>")
    (tmp_path / "pubbuild.yaml").write_text("title: Long links\nlanguage: en\narticles:\n"
                                            "  - source: sources/a.html\n")
    assert main(["-q", "pdf", str(tmp_path / "pubbuild.yaml"), "-j", "1"]) == 0
    pdf = tmp_path / "build" / "long-links.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^\s*1\. https://archive\.example\.org/", text, re.MULTILINE)  # numbered
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]
    assert right and max(right) <= width - 20
