"""The HTML reader's stages, registered once, in the order they run.

Each stage is one module with a ``run(state)`` function over one
:class:`~..state.ReadState` and a docstring saying why it exists.  Decoding (bytes
to text, the same for every reader) comes before them, in :func:`..read_file`.

1. ``parse``: the text as a tree, bounded and clean;
2. ``page_metadata``: what the page says about itself, before anything is removed;
3. ``kind``: web page, export or document, decided before any extraction;
4. ``declared``: what a web page declares as its article body (schema.org), before scripts go;
5. ``strip``: what is never content (scripts, hidden elements, cruft) goes;
6. ``locate``: the element holding the article;
7. ``furniture``: the furniture left around it goes;
8. ``headline``: the title and subtitle leave the body for the metadata;
9. ``convert``: the article to the model, footnotes to notes.

A stage that finds nothing to read on sets ``state.stop``; the reader
(:func:`..html.read_html`) then reads the page again whole, once, if it has text.
"""

from __future__ import annotations

from ...passes.ruler import Ruler
from ..state import ReadState, Stage
from . import convert, declared, furniture, headline, kind, locate, page_metadata, parse, strip


def default_stages() -> Ruler[Stage]:
    """The reader's stages, in the order they run: a new chain each call."""
    return Ruler([
        ("parse", parse.run),
        ("page_metadata", page_metadata.run),
        ("kind", kind.run),
        ("declared", declared.run),
        ("strip", strip.run),
        ("locate", locate.run),
        ("furniture", furniture.run),
        ("headline", headline.run),
        ("convert", convert.run),
    ])


#: The default chain; derive a variant with ``STAGES.copy()`` rather than changing it.
STAGES: Ruler[Stage] = default_stages()


def run_stages(state: ReadState, chain: Ruler[Stage] | None = None) -> ReadState:
    """Run the stages of ``chain`` (the default one) over ``state`` until one stops it."""
    for _name, stage in (chain or STAGES).get_rules():
        stage(state)
        if state.stop:
            break
    return state
