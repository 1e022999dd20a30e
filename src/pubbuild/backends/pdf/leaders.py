"""Contained workaround: WeasyPrint draws a leader as one text box per repetition.

``leader(dotted)`` fills the space before a contents entry's page number with
copies of "." laid side by side from the right edge, each its own text box
(``weasyprint/layout/leader.py``, WeasyPrint 70).  Every box is drawn as its own
text object in its own marked-content sequence, so a 6-page contents of 100
entries holds about 13,500 of them: measured on the 100-article bench pack,
1.3 s to lay out and draw the contents against 0.4 s for the same page without
the dots, and 228 KB of content stream on its first page.

:func:`install` wraps WeasyPrint's ``handle_leader``: after it placed the
copies, the run of copies becomes one text box holding the repeated string at
the leftmost copy's position.  Only when the repeated string shaped as one run
is exactly as wide as the copies side by side (no kerning or ligature between
repetitions) is the run replaced, so every dot stays where WeasyPrint put it;
otherwise the copies are left alone.

``tests/test_leaders.py`` fails as soon as WeasyPrint lays a leader out as one
box itself: then this module and its call sites should go.
"""

from __future__ import annotations

import math

from weasyprint.layout import inline as _inline
from weasyprint.layout import leader as _leader
from weasyprint.text.line_break import split_first_line

_ORIGINAL = _leader.handle_leader
#: Widths are in CSS px; a thousandth of a px is far below what any output resolves.
_TOLERANCE = 1e-3


def _one_run(context, line, containing_block) -> None:
    _ORIGINAL(context, line, containing_block)
    _, leader_box = _leader.leader_index(line)
    if leader_box is None or len(leader_box.children) < 2:
        return
    copies = leader_box.children
    first = min(copies, key=lambda box: box.position_x)
    text = first.text * len(copies)
    layout, length, _, width, _, _ = split_first_line(
        text, first.style, context, math.inf, first.justification_spacing)
    if length != len(text.encode()) or abs(width - sum(box.width for box in copies)) > _TOLERANCE:
        return  # shaped as one run it would not match the copies: keep them
    run = first.copy_with_text(text)
    run.pango_layout = layout
    run.width = width
    leader_box.children = (run,)


def installed() -> bool:
    """Whether WeasyPrint's inline layout calls the one-run version."""
    return _inline.handle_leader is _one_run


def install() -> None:
    """Make WeasyPrint draw each leader as one text run (idempotent)."""
    _inline.handle_leader = _one_run


def original(context, line, containing_block) -> None:
    """WeasyPrint's own ``handle_leader`` (what :func:`install` wrapped)."""
    _ORIGINAL(context, line, containing_block)
