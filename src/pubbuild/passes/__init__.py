"""Normalisation passes over the document model, run in order after reading.

Each pass is one module with a ``run(article, ctx)`` function and a docstring
saying why it exists.  :func:`default_chain` registers them, in the order they
run, in one place; :data:`PASSES` is that chain (a :class:`~.ruler.Ruler`), from
which callers derive variants by name.  Every pass can be run and tested alone.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Article
from . import (
    empty_blocks,
    heading_levels,
    ids,
    language,
    limits,
    links,
    notes,
    pseudo_headings,
    pseudo_lists,
    pull_quotes,
    sections,
    table_headers,
)
from .context import PassContext as PassContext  # re-exported: callers build one
from .ruler import Ruler

Pass = Callable[[Article, PassContext], None]


def default_chain() -> Ruler[Pass]:
    """The normalisation passes, in the order they run: a new chain each call."""
    return Ruler([
        ("table_headers", table_headers.run),
        ("empty_blocks", empty_blocks.run),
        ("pull_quotes", pull_quotes.run),
        ("pseudo_lists", pseudo_lists.run),
        ("pseudo_headings", pseudo_headings.run),
        ("language", language.run),
        ("heading_levels", heading_levels.run),
        ("sections", sections.run),
        ("ids", ids.run),
        ("links", links.run),
        ("notes", notes.run),
        ("limits", limits.run),
    ])


#: The default chain; derive a variant with ``PASSES.copy()`` rather than changing it.
PASSES: Ruler[Pass] = default_chain()


def run_passes(article: Article, file: str, only: list[str] | None = None,
               chain: Ruler[Pass] | None = None) -> Article:
    """Run the enabled passes of ``chain`` (the default one) over ``article``; ``only``
    names the passes to run alone (an unknown name is an error)."""
    chain = chain or PASSES
    if only is not None:
        chain = chain.copy()
        chain.enable_only(only)
    ctx = PassContext(file, article.diagnostics)
    for _name, func in chain.get_rules():
        func(article, ctx)
    return article
