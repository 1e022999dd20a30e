"""Text direction from the language tag: right-to-left scripts get ``dir``.

A passage's ``lang`` says how to read it aloud; ``dir`` says which way its lines
run (the base direction of the Unicode bidirectional algorithm: where a sentence
starts, which side lists and punctuation sit on).  Readers and WeasyPrint use the
base direction from ``dir`` only, never from ``lang``, so every element whose
language runs the other way from its context says so.
"""

from __future__ import annotations

#: Primary language subtags written right to left.
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur",
                 "yi"}


def direction(lang: str | None) -> str:
    """``rtl`` for languages written right to left, else ``ltr``."""
    return "rtl" if (lang or "").split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def dir_attr(lang: str | None, context: str | None = None) -> str:
    """`` dir="..."`` when ``lang`` runs the other way from ``context`` (no context: a
    left-to-right one), else nothing."""
    if not lang or direction(lang) == direction(context):
        return ""
    return f' dir="{direction(lang)}"'
