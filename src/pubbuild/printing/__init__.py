"""Everything the PDF backend adds around WeasyPrint's layout.

The package layout is the print pipeline: :mod:`geometry` (paper, margins,
bleed) -> :mod:`fonts` (shipped faces, coverage) -> :mod:`document` (the one
HTML document WeasyPrint lays out) -> :mod:`fetcher` (what WeasyPrint may
read) -> :mod:`tagging` (structure-tree repairs after layout) -> :mod:`xmp`
(metadata, PDF/UA and PDF/A identification).
"""
