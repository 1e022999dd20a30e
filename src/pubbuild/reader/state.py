"""The one object the HTML reader's stages read and fill in, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..diagnostics import Diagnostic
from ..model import ArticleMeta, Block, Note
from .context import Context
from .declared import Declaration
from .dom import HtmlElement

PageKind = Literal["web page", "export", "document", "whole page"]
"""How a page is read, decided before any extraction (see :mod:`.stages.kind`):

* ``"web page"``: it has page furniture (landmarks, furniture classes, a comment form, many
  links); its article is located and the rest dropped;
* ``"export"``: a word processor's or converter's document: already an article, read whole;
* ``"document"``: a fragment or a page with no furniture markup: read whole, unless it is a
  table-built page whose article sits in a layout table's cell (it then becomes a web page);
* ``"whole page"``: the article located came out empty although the page has text, so the
  page is read again whole, without its furniture elements.
"""

WEB_PAGE: PageKind = "web page"
EXPORT: PageKind = "export"
DOCUMENT: PageKind = "document"
WHOLE_PAGE: PageKind = "whole page"


@dataclass(slots=True)
class ReadState:
    """One HTML page on its way to an article."""

    text: str
    """The page's text (decoded)."""
    ctx: Context
    """Source, base address, line map and diagnostics, shared with the converters."""
    whole: bool = False
    """Read the page whole (its article came out empty in a first reading)."""
    doc: HtmlElement | None = None
    """The parsed page (set by ``parse``)."""
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    """What the page says about itself (set by ``page_metadata``, completed on the way)."""
    kind: PageKind = DOCUMENT
    """How the page is read (set by ``kind``; ``locate`` may find a document is a web page)."""
    declared: Declaration | None = None
    """What a web page declares as its article body (set by ``declared``)."""
    has_text: bool = False
    """Whether the page has any text once what is never content is stripped."""
    container: HtmlElement | None = None
    """The element holding the article (set by ``locate``)."""
    blocks: list[Block] = field(default_factory=list)
    """The article's body in the model (set by ``convert``)."""
    notes: list[Note] = field(default_factory=list)
    """Its footnotes (set by ``convert``)."""
    stop: bool = False
    """Set by a stage that found nothing to read on: the stages after it are skipped."""

    @property
    def diags(self) -> list[Diagnostic]:
        """The article's diagnostics (plain data, collected here and printed by the CLI)."""
        return self.ctx.diags


Stage = Callable[[ReadState], None]
"""One step of the reader: reads and fills in the state."""

__all__ = ["DOCUMENT", "EXPORT", "WEB_PAGE", "WHOLE_PAGE", "PageKind", "ReadState", "Stage"]
