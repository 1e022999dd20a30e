"""Reference extractors for the scorer (``--py bench/baselines.py:FUNC``).

Used by :mod:`normalize_bench` and :mod:`extraction_families` to measure pubbuild
against the libraries it is compared with: readability-lxml ``summary()``,
trafilatura's HTML output and resiliparse's main-content text.
"""

from __future__ import annotations


def readability(html: str, url: str) -> str:
    from readability import Document

    return Document(html, url=url).summary(html_partial=True)


def trafilatura(html: str, url: str) -> str:
    import trafilatura as t

    return t.extract(html, url=url, output_format="html", include_links=True,
                     include_images=True, include_tables=True, include_formatting=True) or ""


def resiliparse(html: str, url: str) -> str:
    """resiliparse's main content as HTML: it gives plain text, one block a line and list
    items with a bullet, which become paragraphs and list items (it marks no headings)."""
    from html import escape

    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    text = extract_plain_text(HTMLTree.parse(html), main_content=True, list_bullets=True, alt_texts=False)
    out: list[str] = []
    in_list = False
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        item = line.startswith("• ")
        if item != in_list:
            out.append("<ul>" if item else "</ul>")
            in_list = item
        out.append(f"<li>{escape(line[2:])}</li>" if item else f"<p>{escape(line)}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)
