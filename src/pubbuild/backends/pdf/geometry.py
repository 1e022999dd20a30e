"""Page geometry: paper sizes, margins, bleed and printer's marks, checked and
turned into the ``@page`` rules WeasyPrint lays out with.

The parsers raise :class:`ValueError` with a message fit for the user; the
manifest and the command line add the key or option to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Named paper sizes (width, height) in millimetres, portrait.
PAPERS: dict[str, tuple[float, float]] = {
    "A4": (210, 297),
    "A5": (148, 210),
    "Letter": (215.9, 279.4),
}

#: Millimetres per unit.
UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}

MARKS = ("none", "crop", "cross", "crop cross")

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt|px)\s*$")


def parse_length(text: str, what: str = "length") -> float:
    """A length such as ``3mm`` or ``0.5in`` in millimetres (zero may omit the unit)."""
    text = str(text).strip()
    if text in ("0", "0.0"):
        return 0.0
    m = _LENGTH.match(text)
    if not m:
        raise ValueError(f"{what} must be a length such as 3mm, 0.5in or 12pt, got {text!r}")
    return round(float(m.group(1)) * UNITS[m.group(2)], 3)


def parse_paper(text: str) -> tuple[float, float]:
    """``A4``, ``Letter``, ``A5`` (any case) or ``WIDTHxHEIGHT`` with units
    (``170mm x 240mm``; a bare number is millimetres) -> (width, height) in mm."""
    text = str(text).strip()
    for name, size in PAPERS.items():
        if text.lower() == name.lower():
            return size
    parts = re.split(r"\s*[x×]\s*", text, maxsplit=1)
    if len(parts) == 2:
        try:
            w, h = (parse_length(p if re.search(r"[a-z]$", p) else p + "mm", "paper size")
                    for p in parts)
        except ValueError:
            pass
        else:
            if 50 <= w <= 2000 and 50 <= h <= 2000:
                return w, h
            raise ValueError(f"paper size {text!r} must be between 50mm and 2000mm a side")
    raise ValueError(f"paper must be A4, Letter, A5 or WIDTHxHEIGHT such as 170mmx240mm, got {text!r}")


def parse_margins(text: str) -> tuple[float, float, float, float]:
    """CSS-style margins (1 to 4 lengths: top, outer/right, bottom, inner/left) in mm."""
    parts = str(text).split()
    if not 1 <= len(parts) <= 4:
        raise ValueError(f"margins must be 1 to 4 lengths such as '20mm' or '22mm 18mm 25mm', got {text!r}")
    values = [parse_length(p, "margin") for p in parts]
    top, right, bottom, left = {
        1: lambda v: (v[0], v[0], v[0], v[0]), 2: lambda v: (v[0], v[1], v[0], v[1]),
        3: lambda v: (v[0], v[1], v[2], v[1]), 4: lambda v: tuple(v)}[len(values)](values)
    for v in (top, right, bottom, left):
        if v < 5:
            raise ValueError(f"margins must be at least 5mm (running heads and page numbers sit in them), got {text!r}")
    return top, right, bottom, left


def parse_bleed(text: str) -> float:
    """Bleed in millimetres, at most 10mm (print shops ask for 3mm to 5mm)."""
    value = parse_length(text, "bleed")
    if value > 10:
        raise ValueError(f"bleed must be at most 10mm, got {text!r}")
    return value


def parse_marks(text: str) -> str:
    """``none``, ``crop``, ``cross`` or ``crop cross``."""
    words = sorted(set(str(text).replace(",", " ").split()))
    value = " ".join(words) if words else "none"
    if value not in MARKS:
        raise ValueError(f"marks must be one of {', '.join(MARKS)}, got {text!r}")
    return value


@dataclass(slots=True, frozen=True)
class PageGeometry:
    """The page of a publication, in millimetres."""

    width: float = 210
    """Trim width."""
    height: float = 297
    """Trim height."""
    margins: tuple[float, float, float, float] = (22, 20, 25, 20)
    """Top, outer, bottom, inner (right and left for one-sided printing)."""
    two_sided: bool = False
    """Mirror the margins and open each article on a right-hand page."""
    bleed: float = 0.0
    """Bleed around the trim box."""
    marks: str = "none"
    """Printer's marks drawn in the bleed area."""

    def css(self) -> str:
        """The ``@page`` rules for this geometry (the rest is in styles/print.css)."""
        top, outer, bottom, inner = self.margins
        size = f"size: {self.width:g}mm {self.height:g}mm;"
        extra = ""
        if self.bleed:
            extra += f" bleed: {self.bleed:g}mm;"
        if self.marks != "none":
            extra += f" marks: {self.marks};"
        out = [f"@page {{ {size}{extra} margin: {top:g}mm {outer:g}mm {bottom:g}mm {inner:g}mm; }}"]
        if self.two_sided:
            # Mirrored: the inner (binding) margin is on the left of right-hand pages.
            out.append(f"@page :left {{ margin-left: {outer:g}mm; margin-right: {inner:g}mm; }}")
            out.append(f"@page :right {{ margin-left: {inner:g}mm; margin-right: {outer:g}mm; }}")
        return "\n".join(out) + "\n"


def geometry(paper: str | None = None, margins: str | None = None, two_sided: bool | None = None,
             bleed: str | None = None, marks: str | None = None) -> PageGeometry:
    """A :class:`PageGeometry` from textual settings (None keeps the default)."""
    default = PageGeometry()
    w, h = parse_paper(paper) if paper else (default.width, default.height)
    m = parse_margins(margins) if margins else default.margins
    if not margins and w < 160:  # small formats (A5) get narrower default margins
        m = (16, 14, 19, 14)
    b = parse_bleed(bleed) if bleed else 0.0
    mk = parse_marks(marks) if marks else "none"
    return PageGeometry(w, h, m, bool(two_sided), b, mk)
