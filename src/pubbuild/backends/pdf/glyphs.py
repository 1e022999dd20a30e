"""Characters no font covers, reported once per script and article (A007).

A character that none of the publication's fonts has would print from whatever
system font the machine has, or as an empty box.  One finding per character
buried the cause (a whole article in a script without a font) under hundreds of
lines, so the finding is per script and article, with the remedy: the
``fonts:`` entry to add.

The contents page, running heads and sources list repeat each article's title,
so a title's characters appear in the generated matter too; they are the
article's problem, reported with the article, not again as the front matter's.
"""

from __future__ import annotations

from ... import diagnostics
from ...diagnostics import Diagnostic
from . import fonts

#: Keys of :attr:`PrintDocument.texts` for matter pubbuild writes from the manifest and
#: from the articles' titles (everything else is an article's file name).
GENERATED = ("front matter", "back matter")


def font_gaps(texts: dict[str, str], fontset: fonts.FontSet = fonts.SHIPPED) -> list[Diagnostic]:
    """A007 for each (script, part) with characters ``fontset`` does not cover.

    ``texts`` maps each part of the document (an article's file name, or one of
    :data:`GENERATED`) to its visible text."""
    found = {part: fonts.gaps(text, fontset) for part, text in texts.items()}
    in_articles = {ch for part, scripts in found.items() if part not in GENERATED
                   for chars in scripts.values() for ch in chars}
    out = []
    for part, scripts in found.items():
        for script, chars in scripts.items():
            if part in GENERATED:
                chars = [ch for ch in chars if ch not in in_articles]
                if not chars:
                    continue
            out.append(diagnostics.make("A007", _message(script, chars, part), part))
    return out


def _message(script: str, chars: list[str], part: str) -> str:
    what = "symbol" if script in ("Common", "Inherited", "Unknown") else f"{script}-script"
    n = len(chars)
    where = (" in the publication's own text (title, introduction, part titles, notes)"
             if part in GENERATED else "")
    return (f"no font covers {n} {what} character{'s' * (n != 1)}{where} "
            f"(such as {fonts.describe(chars[0])}), which would print as empty boxes; "
            f"{fonts.remedy(script)}")
