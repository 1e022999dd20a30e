"""Find the article's language when the page does not declare it.

Reading systems pick the voice and hyphenation from the language; a wrong
or missing one makes a screen reader mispronounce every word.  py3langid
(offline, a model shipped inside the package) identifies it from the text;
below :data:`MIN_CONFIDENCE` or :data:`MIN_CHARS` we say so (A004) rather
than guess.
"""

from __future__ import annotations

from ..model import Article
from ..textutil import block_text

MIN_CHARS = 40
MIN_CONFIDENCE = 0.80
_identifier = None


def detect(text: str) -> tuple[str | None, float]:
    """(language, confidence) of ``text``, or (None, 0) when there is too little."""
    global _identifier
    text = " ".join(text.split())[:1500]  # plenty to tell; scoring cost grows with length
    if len(text) < MIN_CHARS:
        return None, 0.0
    if _identifier is None:
        from py3langid.langid import _load_identifier

        _identifier = _load_identifier(norm_probs=True)
    lang, prob = _identifier.classify(text)
    return lang, float(prob)


def run(article: Article, ctx) -> None:
    if article.meta.language:
        return
    lang, confidence = detect(block_text(article.blocks, " "))
    if lang and confidence >= MIN_CONFIDENCE:
        article.meta.language = lang
        ctx.diag("A005", f"language {lang!r} detected from the text ({confidence:.2f})")
    elif article.blocks:
        ctx.diag("A004", "the page declares no language and the text is too short or mixed "
                         "to tell; set `language:` in the manifest")
