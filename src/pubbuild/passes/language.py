"""Find the article's language, check the one the page declares, and mark passages.

Reading systems pick the voice and hyphenation from the language; a wrong
or missing one makes a screen reader mispronounce every word.  py3langid
(offline, a model shipped inside the package) identifies it from the text;
below :data:`MIN_CONFIDENCE` or :data:`MIN_CHARS` we say so (A004) rather
than guess.

A declared language is checked, not trusted: pages copy a template's
``lang="de"`` over English text.  When the text is long enough
(:data:`CHECK_CHARS`) and the identifier sure (:data:`CHECK_CONFIDENCE`) that
it is another language, the detected one is used and A006 says so.  The same
holds for a passage: a paragraph of :data:`PASSAGE_CHARS` or more
that is confidently in another language than its article gets its own
``lang`` (measured on the Readability and L3S pages: at these thresholds the
only passages found were real ones, and the only pages a declared language
mislabelled).

Identification costs a walk over every byte of the text, and a build used
to spend more time in it than in reading the pages.  So a passage is only
identified where the answer can change the output:

* it declares a language (to verify), or
* it is written in another script than its article (an Arabic quotation in an
  English article): from :data:`SCRIPT_CHARS` characters on, since the
  script alone says it is another language; its ``lang`` is set when the
  identifier is :data:`SCRIPT_CONFIDENCE` sure, and a right-to-left script
  gets its direction (``dir``) even when the language stays unknown; or
* it is long enough (:data:`PASSAGE_CHARS`) to be told apart from its
  article's language in the same script, and then only its first
  :data:`PASSAGE_SAMPLE` characters are read (a paragraph that opens in the
  article's language is not wholly another language).

An article's candidates are identified together (:func:`detect_many`: each
distinct text once), and the model is loaded once per process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from ..model import Article, Inline, Paragraph, Span, Styled
from ..textutil import block_text, plain_text, walk_blocks
from .context import PassContext

MIN_CHARS = 40
MIN_CONFIDENCE = 0.80
CHECK_CHARS = 200
CHECK_CONFIDENCE = 0.95
#: A declared language is first read in windows (:func:`_windows_agree`); only when one of
#: them reads otherwise is the whole sample read.  On the 409 articles that declare a
#: language in the shared corpus and the guard pack, the outcome is the same for all of
#: them (the one the full check replaces, an English post under Portuguese comments, has
#: its last window in Portuguese), from 47% of the characters.
CHECK_WINDOW = 200
CHECK_WINDOWS = 3
WINDOW_CONFIDENCE = 0.90
PASSAGE_CHARS = 200
PASSAGE_CONFIDENCE = 0.99
#: Characters of a same-script passage that are identified.  On the Readability, L3S
#: and Dragnet pages every passage tagged from its whole text (up to 1,500 characters)
#: is tagged from its first 400 too, at a quarter of the cost.
PASSAGE_SAMPLE = 400
#: A same-script passage is first read from this many characters (about ten words); when
#: that reads as the article's language with :data:`PROBE_CONFIDENCE`, it is not read
#: further.  Of the 7,708 such passages of the shared corpus and the guard pack, 7,333 stop
#: there and none of them is tagged when read from :data:`PASSAGE_SAMPLE` characters (120
#: stopped 7,597, with the same outcome; identifying costs a fixed part per text and the
#: rest per byte, so the shorter probe makes the pass a fifth cheaper).
PROBE_CHARS = 60
PROBE_CONFIDENCE = 0.50
#: A passage (paragraph or inline quotation) in another script than its article is
#: identified from this many characters: a short quotation is still a passage.
SCRIPT_CHARS = 12
#: Lower than :data:`MIN_CONFIDENCE`: the script already says the passage is not in the
#: article's language, and on a short text the identifier spreads its confidence over
#: the languages written in that script (a 26-letter Arabic line: ar 0.64, arz 0.20,
#: ary 0.16), any of which a screen reader voices better than the article's.
SCRIPT_CONFIDENCE = 0.60
#: Scripts written right to left (first word of their letters' Unicode names).
RTL_SCRIPTS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO", "SAMARITAN", "MANDAIC"})
#: Scripts counted as one: Japanese mixes kana with ideographs, which Chinese shares.
_SAME_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK"}
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f\u1e00-\u1eff]")


class _Identifier(Protocol):
    """What is used of py3langid's ``LanguageIdentifier`` (the package ships no types)."""

    def classify(self, text: str) -> tuple[str, float]: ...


_identifier: _Identifier | None = None


def _model() -> _Identifier:
    """py3langid's identifier, loaded on first use (0.4 s unpacked, milliseconds from the
    cached copy of :mod:`.langmodel`), then kept for the process."""
    global _identifier
    if _identifier is None:
        from . import langmodel

        try:
            _identifier = langmodel.load(norm_probs=True)
        except OSError as exc:  # py3langid unpacks its model into a temporary file
            import tempfile

            from ..errors import OutputError

            raise OutputError(f"{tempfile.gettempdir()}: cannot write the language model's temporary "
                              f"file: {exc.strerror or exc}") from None
    return _identifier


def release() -> None:
    """Drop the model (about 90 MB resident) once no more text is to be identified:
    a PDF build forks its layout processes after reading, and each would otherwise
    start with the model's pages counted in its memory."""
    global _identifier
    _identifier = None


def _squeeze(text: str, limit: int = 1500) -> str:
    """The first ``limit`` characters of ``text`` with its white space collapsed (plenty to
    tell; scoring cost grows with length).  A prefix of ``text`` squeezes to a prefix of the
    whole squeezed, so a long text (a whole article) is squeezed only as far as needed."""
    if len(text) > 4 * limit:
        head = " ".join(text[:4 * limit].split())
        if len(head) > limit:
            return head[:limit]
    return " ".join(text.split())[:limit]


def detect(text: str, limit: int = 1500) -> tuple[str | None, float]:
    """(language, confidence) of ``text``, or (None, 0) when there is too little."""
    return detect_many([text], limit)[0]


def detect_many(texts: Iterable[str], limit: int = 1500,
                min_chars: int = MIN_CHARS) -> list[tuple[str | None, float]]:
    """(language, confidence) of each text (its first ``limit`` characters), identifying
    each distinct text once; (None, 0) for a text shorter than ``min_chars``."""
    squeezed = [_squeeze(text, limit) for text in texts]
    found: dict[str, tuple[str | None, float]] = {}
    wanted: list[str] = []
    for text in squeezed:
        if text in found:
            continue
        if len(text) < min_chars:
            found[text] = (None, 0.0)
        else:
            found[text] = (None, 0.0)
            wanted.append(text)
    if wanted:
        model = _model()
        many = getattr(model, "classify_many", None)  # the mapped copy's (:mod:`.langmodel`)
        for text, (lang, prob) in zip(wanted, many(wanted) if many else map(model.classify, wanted),
                                      strict=True):
            found[text] = (lang, float(prob))
    return [found[text] for text in squeezed]


@functools.lru_cache(maxsize=8192)
def _char_script(char: str) -> str:
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return _SAME_SCRIPT.get(word, word)


def script(text: str, letters: int = 400) -> str | None:
    """The script most of the first ``letters`` letters of ``text`` are written in
    (``LATIN``, ``ARABIC``, ``CJK`` ...), or None for a text without letters."""
    sample = text[:letters * 2]
    if _NON_LATIN.search(sample) is None:  # the common case, at C speed
        return "LATIN" if _LETTER.search(sample) else None
    found = _LETTER.findall(sample)
    others = _NON_LATIN.findall(sample)
    if len(others) * 2 <= len(found):
        return "LATIN"
    return Counter(map(_char_script, others)).most_common(1)[0][0]


def primary(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


def _check_declared(article: Article, text: str, ctx: PassContext) -> None:
    declared = article.meta.language
    sample = _squeeze(text)
    if len(sample) < CHECK_CHARS or _windows_agree(sample, primary(declared)):
        return
    lang, confidence = detect(sample)
    if lang and confidence >= CHECK_CONFIDENCE and lang != primary(declared):
        article.meta.language = lang
        ctx.diag("A006", f"the page declares language {declared!r} but its text reads as {lang!r} "
                         f"({confidence:.2f}); {lang!r} is used (set `language:` in the manifest "
                         "to decide otherwise)")


def _windows_agree(sample: str, declared: str) -> bool:
    """Whether :data:`CHECK_WINDOWS` windows of :data:`CHECK_WINDOW` characters, at the start,
    middle and end of ``sample``, each read as the ``declared`` language: then the whole
    sample does not confidently read as another, and is not identified."""
    if len(sample) < CHECK_WINDOWS * CHECK_WINDOW:
        return False
    step = (len(sample) - CHECK_WINDOW) // (CHECK_WINDOWS - 1)
    for start in range(0, step * CHECK_WINDOWS, step):
        lang, confidence = detect(sample[start:start + CHECK_WINDOW], CHECK_WINDOW)
        if lang != declared or confidence < WINDOW_CONFIDENCE:
            return False
    return True


def _tag_passages(article: Article, main_script: str | None, ctx: PassContext) -> None:
    """Paragraphs: verify a declared language; identify one in another script or long
    enough to be another language in the article's script."""
    main = primary(article.meta.language)
    candidates: list[tuple[Paragraph, str, bool]] = []  # (paragraph, text, other script)
    for block in walk_blocks(article.blocks):
        if not isinstance(block, Paragraph):  # a quotation's paragraphs are met in turn
            continue
        text = plain_text(block.children)
        # ASCII is Latin: most paragraphs need no look at their script (nor their inlines).
        mixed = not (main_script == "LATIN" and text.isascii())
        # What already says its language ("Thai: <span lang=th>...</span>") is not the
        # paragraph's: only the rest tells the paragraph's script.
        own = _untagged_text(block.children) if mixed else text
        other = mixed and len(own) >= SCRIPT_CHARS and script(own) not in (main_script, None)
        if other and not block.lang:
            candidates.append((block, own, True))
        elif len(text) >= PASSAGE_CHARS:
            candidates.append((block, text, False))
        if mixed and not other:
            _tag_inlines(block, main, main_script, ctx)
    same_found = iter(_detect_same(candidates, main))
    other_found = iter(detect_many((text for _, text, other in candidates if other),
                                   min_chars=SCRIPT_CHARS))
    for block, text, other in candidates:
        lang, confidence = next(other_found) if other else next(same_found)
        if other:
            _tag_other_script(block, text, lang, confidence, main, ctx)
            continue
        if not lang or confidence < PASSAGE_CONFIDENCE or lang == primary(block.lang or main):
            continue
        if block.lang:
            ctx.diag("A006", f"a passage declared {block.lang!r} reads as {lang!r} ({confidence:.2f}); "
                             f"{lang!r} is used", node=block)
        elif lang != main:
            ctx.diag("A005", f"a passage in {lang!r} tagged ({confidence:.2f})", node=block)
        else:
            continue
        block.lang = lang if lang != main else None


def _detect_same(candidates: list[tuple[Paragraph, str, bool]], main: str
                 ) -> list[tuple[str | None, float]]:
    """Same-script passages: a declared language is verified on the whole text (as the
    article's is); an undeclared passage is read from its first characters."""
    declared = [text for block, text, other in candidates if not other and block.lang]
    undeclared = [text for block, text, other in candidates if not other and not block.lang]
    found_declared = iter(detect_many(declared))
    found_undeclared = iter(_two_stage(undeclared, main))
    return [next(found_declared) if block.lang else next(found_undeclared)
            for block, _, other in candidates if not other]


def _untagged_text(nodes: Iterable[Inline]) -> str:
    """The text of inline ``nodes`` outside the passages that carry their own ``lang``."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, (Styled, Span)):
            if not node.lang:
                out.append(_untagged_text(node.children))
        else:
            out.append(plain_text([node]))
    return "".join(out)


def _two_stage(texts: list[str], main: str) -> list[tuple[str | None, float]]:
    """Undeclared passages in the article's script: the first :data:`PROBE_CHARS` first;
    one that opens in the article's language (the answer for nearly all) is not wholly
    another language, and is not read further.  The others are read from their first
    :data:`PASSAGE_SAMPLE` characters."""
    probes = detect_many(texts, PROBE_CHARS)
    rest = [text for text, (lang, confidence) in zip(texts, probes)
            if not (lang == main and confidence >= PROBE_CONFIDENCE)]
    found = iter(detect_many(rest, PASSAGE_SAMPLE))
    return [(lang, confidence) if lang == main and confidence >= PROBE_CONFIDENCE else next(found)
            for lang, confidence in probes]


def _tag_other_script(block: Paragraph, text: str, lang: str | None, confidence: float,
                      main: str, ctx: PassContext) -> None:
    """A paragraph in another script: its language when sure, its direction anyway."""
    if lang and confidence >= SCRIPT_CONFIDENCE and lang != main:
        block.lang = lang
        ctx.diag("A005", f"a passage in {lang!r} tagged ({confidence:.2f})", node=block)
    elif script(text) in RTL_SCRIPTS:  # unknown language, known direction
        block.children = [Span(children=block.children, dir="rtl")]


def _tag_inlines(block: Paragraph, main: str, main_script: str | None, ctx: PassContext) -> None:
    """Quotations, emphasis and spans inside a paragraph written in another script than
    the article (``<q>`` around a line of Arabic) get their language and direction."""
    runs: list[Styled | Span] = []
    for node in block.children:
        if isinstance(node, (Styled, Span)) and not node.lang:
            text = plain_text(node.children)
            if len(text.strip()) >= SCRIPT_CHARS and script(text) not in (main_script, None):
                runs.append(node)
    found = detect_many((plain_text(node.children) for node in runs), min_chars=SCRIPT_CHARS)
    for node, (lang, confidence) in zip(runs, found, strict=True):
        if lang and confidence >= SCRIPT_CONFIDENCE and lang != main:
            node.lang = lang
            ctx.diag("A005", f"a passage in {lang!r} tagged ({confidence:.2f})", node=block)
        if isinstance(node, Span) and not node.lang and script(plain_text(node.children)) in RTL_SCRIPTS:
            node.dir = "rtl"


def run(article: Article, ctx: PassContext) -> None:
    text = block_text(article.blocks, " ")
    if article.meta.language:
        _check_declared(article, text, ctx)
    else:
        lang, confidence = detect(text)
        if lang and confidence >= MIN_CONFIDENCE:
            article.meta.language = lang
            ctx.diag("A005", f"language {lang!r} detected from the text ({confidence:.2f})")
        elif article.blocks:
            ctx.diag("A004", "the page declares no language and the text is too short or mixed "
                             "to tell; set `language:` in the manifest")
    if article.meta.language:
        _tag_passages(article, script(text, letters=2000), ctx)
