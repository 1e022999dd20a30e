"""The PDF backend: everything from the model to a tagged PDF (WeasyPrint).

The package layout is the print pipeline: :mod:`.backend` (the registered
backend and its recipe) -> :mod:`.geometry` (paper, margins, bleed) ->
:mod:`.fonts` (shipped faces, coverage) -> :mod:`.document` and
:mod:`.pack_pages` (the one HTML document WeasyPrint lays out, with the pack's
own pages) -> :mod:`.fetcher` (what WeasyPrint may read) -> layout, in one run
or in parts (:mod:`.parallel_layout`: :mod:`.blocks` cuts the document,
:mod:`.workers` runs the parts in processes, :mod:`.merge` joins the PDFs,
:mod:`.page_numbers` stamps the folios) -> :mod:`.tagging` (structure-tree
repairs after layout) -> :mod:`.xmp` and :mod:`.attachments` (metadata,
PDF/UA and PDF/A identification, embedded sources).  Workarounds for
WeasyPrint and pydyf defects live in :mod:`.workarounds`, each with its
tripwire test; :mod:`.collector` pauses Python's garbage collector during layout.

Kept free of imports so that reading :mod:`.geometry` does not load WeasyPrint.
"""
