"""The fonts shipped in ``pubbuild/data/fonts/``: their ``@font-face`` rules and what they cover.

The PDF uses these faces only, so it looks the same on every machine.  A
character none of them covers would otherwise be drawn from whatever system
font happens to have it (or as an empty box), so :func:`uncovered` finds
such characters before layout and the backend reports each one (A003).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from ...resources import fonts_dir

#: The fonts folder shipped as package data (``pubbuild/data/fonts``).
FONTS = fonts_dir()


@dataclass(slots=True, frozen=True)
class Face:
    """One ``@font-face`` rule."""

    family: str
    """CSS family name (ours, so no system font of the same name interferes)."""
    file: str
    """Path under ``fonts/``."""
    weight: str = "normal"
    """``normal`` or ``bold``."""
    style: str = "normal"
    """``normal`` or ``italic``."""
    unicode_range: str | None = None
    """Restricts the face to some characters (the symbols fallback)."""


#: Every face, in fallback order within each family list of styles/print.css.
FACES: tuple[Face, ...] = (
    Face("PB Serif", "noto/NotoSerif-Regular.ttf"),
    Face("PB Serif", "noto/NotoSerif-Italic.ttf", style="italic"),
    Face("PB Serif", "noto/NotoSerif-Bold.ttf", weight="bold"),
    Face("PB Serif", "noto/NotoSerif-BoldItalic.ttf", weight="bold", style="italic"),
    # Noto Serif Armenian has no italic: the upright face stands in, declared as the
    # italic so that no renderer synthesises a slant (which would vary by machine).
    Face("PB Armenian", "noto/NotoSerifArmenian-Regular.ttf"),
    Face("PB Armenian", "noto/NotoSerifArmenian-Regular.ttf", style="italic"),
    Face("PB Armenian", "noto/NotoSerifArmenian-Bold.ttf", weight="bold"),
    Face("PB Armenian", "noto/NotoSerifArmenian-Bold.ttf", weight="bold", style="italic"),
    Face("PB Mono", "dejavu/DejaVuSansMono.ttf"),
    Face("PB Mono", "dejavu/DejaVuSansMono-Oblique.ttf", style="italic"),
    Face("PB Mono", "dejavu/DejaVuSansMono-Bold.ttf", weight="bold"),
    Face("PB Mono", "dejavu/DejaVuSansMono-BoldOblique.ttf", weight="bold", style="italic"),
    # Last resort for arrows, symbols and rarer letters the serif lacks.
    Face("PB Symbols", "dejavu/DejaVuSans.ttf"),
    Face("PB Symbols", "dejavu/DejaVuSans.ttf", style="italic"),
    Face("PB Symbols", "dejavu/DejaVuSans-Bold.ttf", weight="bold"),
    Face("PB Symbols", "dejavu/DejaVuSans-Bold.ttf", weight="bold", style="italic"),
)

#: Generic family names (as SVG images use them) -> the shipped family standing in, so
#: that text inside images also uses shipped fonts, not whatever the machine has.
GENERIC = {"serif": "PB Serif", "sans-serif": "PB Symbols", "monospace": "PB Mono"}

#: The font-family lists styles/print.css refers to as var()-free names.
TEXT_STACK = '"PB Serif", "PB Armenian", "PB Symbols"'
MONO_STACK = '"PB Mono", "PB Serif", "PB Armenian", "PB Symbols"'


def font_face_css() -> str:
    """``@font-face`` rules for :data:`FACES` (URLs relative to the fonts folder)."""
    out = []
    for face in FACES:
        src = (FONTS / face.file).as_uri()
        for family in [face.family] + [g for g, f in GENERIC.items() if f == face.family]:
            out.append(f'@font-face {{ font-family: "{family}"; src: url("{src}"); '
                       f"font-weight: {face.weight}; font-style: {face.style}; }}")
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points some regular shipped face has a glyph for."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for file in sorted({f.file for f in FACES if f.weight == "normal" and f.style == "normal"}):
        with TTFont(FONTS / file, lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def _ignorable(ch: str) -> bool:
    # Controls, format characters (soft hyphen, joiners, marks of direction) and
    # variation selectors draw nothing, so no font needs them.
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Cf", "Zl", "Zp") or 0xFE00 <= ord(ch) <= 0xFE0F or ch in " \u00a0"


def uncovered(text: str) -> list[str]:
    """Characters of ``text`` no shipped face covers, in code point order."""
    have = covered()
    return sorted((ch for ch in set(text) if ord(ch) not in have and not _ignorable(ch)), key=ord)


def describe(ch: str) -> str:
    """``U+1F600 GRINNING FACE`` for a character."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
