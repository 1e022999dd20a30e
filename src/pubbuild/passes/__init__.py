"""Normalisation passes over the document model, run in order after reading.

Each pass is one module with a ``run(article, ctx)`` function and a docstring
saying why it exists.  :data:`PASSES` is the order; every pass can be run and
tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import diagnostics
from ..model import Article
from . import (
    empty_blocks, heading_levels, ids, language, limits, links, notes, pseudo_headings,
    pseudo_lists, pull_quotes, sections,
)


@dataclass(slots=True)
class PassContext:
    """What a pass may need besides the article."""

    file: str
    """Source file name for diagnostics."""
    diags: list = field(default_factory=list)
    """Where diagnostics go (the article's list)."""

    def diag(self, code: str, message: str, line: int | None = None) -> None:
        """Record a diagnostic against the source file."""
        self.diags.append(diagnostics.make(code, message, self.file, line))


Pass = Callable[[Article, PassContext], None]

#: The passes, in the order they run.
PASSES: list[tuple[str, Pass]] = [
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
]


def run_passes(article: Article, file: str, only: list[str] | None = None) -> Article:
    """Run every pass (or those named in ``only``) over ``article``."""
    ctx = PassContext(file, article.diagnostics)
    for name, func in PASSES:
        if only is None or name in only:
            func(article, ctx)
    return article
