"""The EPUB backend: everything from the model to an EPUB 3 package (ebooklib).

:mod:`.backend` (the registered backend: reading order, navigation, metadata) ->
:mod:`.accessibility` (the schema.org accessibility metadata and summary, from the
model's counted facts) -> :mod:`.images` (what may be packaged, sniffed and
sanitised) -> :mod:`.page_markers` (print page markers and the page list, from the
PDF's page map) -> :mod:`.packaging` (a deterministic ZIP) -> :mod:`.validate`
(EPUBCheck, for ``pubbuild check``).

Kept free of imports so that naming the package does not load ebooklib.
"""
