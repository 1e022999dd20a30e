"""The words pubbuild itself prints, in the publication's language.

Labels ("Contents", "Notes", "Source:", "Editor's note", ...) live in one data file
shipped in the wheel (``data/labels.toml``, read through :mod:`importlib.resources`);
dates and lists of names are formatted for the language by Babel (CLDR data), so
"2024-05-10" reads "10 May 2024", "10. Mai 2024" or "10 мая 2024 г.".

A language without a table falls back to English; :func:`label_language` says which
language a label really is in, so the writer can tag an English fallback inside a
book in another language (speech then uses the right voice).
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

#: The language whose labels every other table must match key for key.
BASE = "en"


@functools.cache
def tables() -> dict[str, dict[str, str]]:
    """Every language's labels, from the shipped data file."""
    text = (resources.files("pubbuild") / "data" / "labels.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def label_language(lang: str | None) -> str:
    """The table used for ``lang``: the full tag, else its primary subtag, else English."""
    tag = (lang or BASE).replace("_", "-")
    known = tables()
    for candidate in (tag, tag.split("-")[0].lower()):
        if candidate in known:
            return candidate
    return BASE


def label(key: str, lang: str | None, **values: str) -> str:
    """The label ``key`` in ``lang`` with its ``{placeholders}`` filled in."""
    table = tables()[label_language(lang)]
    text = table.get(key, tables()[BASE][key])
    return text.format(**values) if values else text


def _locale(lang: str | None):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse((lang or BASE).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse((lang or BASE).split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(BASE)


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date(value: str, lang: str | None) -> str:
    """An ISO 8601 date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a time after it
    ignored) written out for ``lang``; anything else as it is."""
    import datetime as _dt

    from babel.dates import format_date, format_skeleton

    m = _ISO.match(value or "")
    if not m:
        return value
    year, month, day = m.groups()
    try:
        if day:
            return format_date(_dt.date(int(year), int(month), int(day)), "long", locale=_locale(lang))
        if month:
            return format_skeleton("yMMMM", _dt.date(int(year), int(month), 1), locale=_locale(lang))
    except ValueError:  # a month 13 or a day 32: keep what the source said
        return value
    return year


def names(items: list[str], lang: str | None) -> str:
    """``A``, ``A and B``, ``A, B and C`` for ``lang`` (Babel's list patterns)."""
    from babel.lists import format_list

    return format_list(list(items), locale=_locale(lang)) if items else ""


__all__ = ["BASE", "date", "label", "label_language", "names", "tables"]
