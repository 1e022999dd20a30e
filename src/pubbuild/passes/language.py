"""Find the article's language, and check the one the page declares.

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
"""

from __future__ import annotations

from ..model import Article, Paragraph
from ..textutil import block_text, plain_text, walk_blocks

MIN_CHARS = 40
MIN_CONFIDENCE = 0.80
CHECK_CHARS = 200
CHECK_CONFIDENCE = 0.95
PASSAGE_CHARS = 200
PASSAGE_CONFIDENCE = 0.99
_identifier = None


def detect(text: str) -> tuple[str | None, float]:
    """(language, confidence) of ``text``, or (None, 0) when there is too little."""
    global _identifier
    text = " ".join(text.split())[:1500]  # plenty to tell; scoring cost grows with length
    if len(text) < MIN_CHARS:
        return None, 0.0
    if _identifier is None:
        from py3langid.langid import _load_identifier

        try:
            _identifier = _load_identifier(norm_probs=True)
        except OSError as exc:  # py3langid unpacks its model into a temporary file
            import tempfile

            from ..errors import OutputError

            raise OutputError(f"{tempfile.gettempdir()}: cannot write the language model's temporary "
                              f"file: {exc.strerror or exc}") from None
    lang, prob = _identifier.classify(text)
    return lang, float(prob)


def primary(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


def _check_declared(article: Article, text: str, ctx) -> None:
    declared = article.meta.language
    if len(" ".join(text.split())) < CHECK_CHARS:
        return
    lang, confidence = detect(text)
    if lang and confidence >= CHECK_CONFIDENCE and lang != primary(declared):
        article.meta.language = lang
        ctx.diag("A006", f"the page declares language {declared!r} but its text reads as {lang!r} "
                         f"({confidence:.2f}); {lang!r} is used (set `language:` in the manifest "
                         "to decide otherwise)")


def _tag_passages(article: Article, ctx) -> None:
    main = primary(article.meta.language)
    for block in walk_blocks(article.blocks):
        if not isinstance(block, Paragraph):  # a quotation's paragraphs are met in turn
            continue
        text = plain_text(block.children)
        if len(text) < PASSAGE_CHARS:
            continue
        lang, confidence = detect(text)
        if not lang or confidence < PASSAGE_CONFIDENCE:
            continue
        if lang == primary(block.lang or main):
            continue
        if block.lang:
            ctx.diag("A006", f"a passage declared {block.lang!r} reads as {lang!r} ({confidence:.2f}); "
                             f"{lang!r} is used", node=block)
        elif lang != main:
            ctx.diag("A005", f"a passage in {lang!r} tagged ({confidence:.2f})", node=block)
        else:
            continue
        block.lang = lang if lang != main else None


def run(article: Article, ctx) -> None:
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
        _tag_passages(article, ctx)
