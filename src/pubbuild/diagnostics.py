"""Diagnostics: findings about the input, each with a stable code and a place.

A diagnostic is not an error: the build goes on.  ``pubbuild check`` and
``--strict`` decide what fails.  Codes never change meaning once released;
new findings get new codes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

logger = logging.getLogger("pubbuild")

Level = Literal["error", "warning", "info"]

#: Every code pubbuild can raise, with its level and a one-line meaning.
CODES: dict[str, tuple[Level, str]] = {
    "A001": ("warning", "image has no text alternative"),
    "A002": ("warning", "remote image not fetched; replaced by its text alternative"),
    "A003": ("warning", "character not covered by any shipped font"),
    "A004": ("warning", "language could not be determined"),
    "S001": ("error", "source file could not be decoded cleanly; replacement characters used"),
    "S002": ("warning", "no article content found on the page"),
    "S003": ("info", "page furniture removed"),
    "S004": ("warning", "element nesting too deep; deeper content flattened"),
    "S005": ("warning", "unsafe content removed"),
    "S006": ("error", "file outside the project refused"),
    "S007": ("warning", "local image not found"),
    "H001": ("info", "heading level repaired"),
    "H002": ("info", "pseudo-heading promoted to a heading"),
    "H003": ("info", "pseudo-list turned into a list"),
    "N001": ("warning", "note reference without a note"),
    "E001": ("warning", "image could not be packaged; replaced by its text alternative"),
    "E002": ("warning", "accessibility conformance claim withheld"),
    "S008": ("info", "pull quote repeating the body text removed"),
    "S009": ("warning", "page too long; only its beginning was read"),
    "A005": ("info", "language detected from the text"),
    "N002": ("info", "link inside the article without a target; kept as text"),
    "A006": ("warning", "declared language contradicted by the text; the detected one is used"),
    "S010": ("warning", "control characters or lone surrogates removed from the text"),
    "S011": ("warning", "image too large (pixels); its text alternative stands in"),
    "L001": ("warning", "table longer than the row limit; the rows past it left out"),
    "L002": ("warning", "title or subtitle longer than the limit; shortened"),
    "L003": ("warning", "more notes than the limit; the rest kept as plain text after the article"),
    "L004": ("warning", "article text longer than the limit; the rest left out"),
    "S012": ("warning", "article extraction doubtful; the whole page was read without its furniture"),
    "S013": ("warning", "project stylesheet reference refused (outside the project, network or @import)"),
    "S014": ("warning", "file named by a project stylesheet not found or too large; left out"),
}


@dataclass(slots=True, frozen=True)
class Diagnostic:
    """One finding about an input."""

    code: str
    """Stable code from :data:`CODES`."""
    message: str
    """What was found, in words."""
    file: str | None = None
    """File at fault, relative to the project where possible."""
    line: int | None = None
    """Line in that file (1-based), when known."""

    @property
    def level(self) -> Level:
        """Severity, fixed per code."""
        return CODES[self.code][0]

    def location(self) -> str:
        """``file:line`` (or what is known of it)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "-"

    def __str__(self) -> str:
        return f"{self.location()}: {self.level}: {self.code} {self.message}"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"code": self.code, "level": self.level, "message": self.message,
                "file": self.file, "line": self.line}


def make(code: str, message: str, file: str | Path | None = None,
         line: int | None = None) -> Diagnostic:
    """Create a diagnostic and log it at its level."""
    if code not in CODES:
        raise KeyError(f"unknown diagnostic code {code}")
    diag = Diagnostic(code, message, str(file) if file is not None else None, line)
    level = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO}[diag.level]
    logger.log(level, "%s", diag)
    return diag
