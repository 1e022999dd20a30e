"""Language tags (BCP 47): whether a text is one, and the spelling pubbuild writes.

One rule for every way a language comes in: the manifest (``language``, a font's ``lang``), a
page's metadata (``<html lang>``, ``og:locale``, JSON-LD ``inLanguage``) and an element's
``lang``.  They used to be three regular expressions that disagreed (``en_US``, ``en-a-bbb``,
``i-klingon``, the case of ``EN-us``).

The test is well-formedness, RFC 5646 section 2.1 (its ABNF as a regular expression, also
valid in JSON Schema), not validity against the IANA registry, with two departures, both for
text that people write where a tag belongs:

- ``_`` separates subtags as ``-`` does (``en_US``, the POSIX locale spelling ``og:locale``
  uses); the tag written keeps ``-``.
- A primary language subtag of 4 to 8 letters, which the grammar reserves but the registry
  has never assigned, is refused: ``lang="english"`` is a word, not a tag.

Babel (a dependency) parses CLDR locale identifiers, not BCP 47: it refuses well-formed tags
(``zh-yue``, ``en-u-ca-gregory``) and reads ``x-private`` as the language ``x``.
"""

from __future__ import annotations

import functools
import re

_SEP = "[-_]"
_ALNUM = "[A-Za-z0-9]"


def _anycase(tag: str) -> str:
    """``tag`` as a pattern that matches it in any case, with either separator."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else _SEP for c in tag)


#: Irregular grandfathered tags: the only ones outside the grammar below (the regular ones,
#: ``zh-min-nan`` and the like, follow it).
_IRREGULAR = ("en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon",
              "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR",
              "sgn-BE-NL", "sgn-CH-DE")

_LANGTAG = (
    f"[A-Za-z]{{2,3}}(?:{_SEP}[A-Za-z]{{3}}){{0,3}}"  # language, extended language subtags
    f"(?:{_SEP}[A-Za-z]{{4}})?"  # script
    f"(?:{_SEP}(?:[A-Za-z]{{2}}|[0-9]{{3}}))?"  # region
    f"(?:{_SEP}(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    f"(?:{_SEP}[0-9A-WYZa-wyz](?:{_SEP}{_ALNUM}{{2,8}})+)*"  # extensions (any singleton but x)
    f"(?:{_SEP}[Xx](?:{_SEP}{_ALNUM}{{1,8}})+)?"  # private use
)
_PRIVATE_USE = f"[Xx](?:{_SEP}{_ALNUM}{{1,8}})+"

#: The whole test as one pattern (the manifest's JSON Schema uses it as is).
WELL_FORMED = f"^(?:{_LANGTAG}|{_PRIVATE_USE}|{'|'.join(map(_anycase, _IRREGULAR))})$"
_WELL_FORMED = re.compile(WELL_FORMED)


def normalise(text: str | None) -> str | None:
    """``text`` as a tag in its canonical case (RFC 5646 section 2.1.1: ``sr-Latn-RS``,
    ``en-CA-x-ca``) with ``-`` between subtags; None when it is not a tag."""
    text = (text or "").strip()
    if not _WELL_FORMED.match(text):
        return None
    out: list[str] = []
    for i, subtag in enumerate(re.split(_SEP, text.lower())):
        # Case shows a subtag's kind: regions in capitals, scripts titled; not the first
        # subtag, nor any after a singleton (an extension's or private use's own subtags).
        if i and subtag.isalpha() and not any(len(s) == 1 for s in out):
            subtag = subtag.upper() if len(subtag) == 2 else subtag.title() if len(subtag) == 4 else subtag
        out.append(subtag)
    return "-".join(out)


class UnknownLanguage(ValueError):
    """A well-formed tag that the IANA Language Subtag Registry does not know (``xx``, ``zz-ZZ``)."""


def registered(tag: str) -> tuple[str, str | None]:
    """``tag`` (well-formed, as :func:`normalise` writes it) checked against the IANA Language
    Subtag Registry, which ``langcodes`` ships: ``(tag to write, why it was replaced or None)``.

    A tag the registry deprecates or spells otherwise gets its preferred form (``en-UK`` ->
    ``en-GB``, ``iw`` -> ``he``, ``zh-yue`` -> ``yue``) and the reason, for a warning; a
    subtag the registry has never assigned raises :class:`UnknownLanguage`.  Hand-written
    tables of codes go stale; the registry changes every few months.
    """
    import langcodes

    if not langcodes.tag_is_valid(tag):
        raise UnknownLanguage(f"{tag!r} is not a registered language tag (BCP 47: no such "
                              "language, script or region subtag)")
    try:
        preferred = normalise(langcodes.standardize_tag(tag)) or tag
    except (ValueError, langcodes.LanguageTagError):  # valid but beyond its parser: keep it
        return tag, None
    if preferred.lower() == tag.lower():
        return tag, None
    return preferred, f"{tag!r} is deprecated or not the registry's preferred form; {preferred!r} is used"


@functools.lru_cache(maxsize=4096)
def from_source(text: str | None) -> str | None:
    """A language an article's own markup or metadata gives (``<html lang>``, an element's
    ``lang``, ``og:locale``, front matter) as the tag to write: well-formed and registered, in
    the registry's preferred form (``iw`` -> ``he``); None for anything else.  A page's
    ``lang="qq"`` marks nothing, so it must not reach ``xml:lang``, ``/Lang`` or hyphenation,
    nor be stated as a language the text is marked in; the reader then treats the text as
    unmarked (and says so where the publication's language is unknown: ``A004``).  The
    manifest, which a person writes, gets an error instead (:func:`registered`)."""
    tag = normalise(text)
    if tag is None:
        return None
    try:
        preferred, _ = registered(tag)
    except UnknownLanguage:
        return None
    return preferred
