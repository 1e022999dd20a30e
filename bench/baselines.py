"""Reference extractors for the scorer (``--py bench/baselines.py:FUNC``).

Used by :mod:`normalize_bench` to measure pubbuild against the libraries it was
compared with: readability-lxml ``summary()`` and trafilatura's HTML output.
"""

from __future__ import annotations


def readability(html: str, url: str) -> str:
    from readability import Document

    return Document(html, url=url).summary(html_partial=True)


def trafilatura(html: str, url: str) -> str:
    import trafilatura as t

    return t.extract(html, url=url, output_format="html", include_links=True,
                     include_images=True, include_tables=True, include_formatting=True) or ""
