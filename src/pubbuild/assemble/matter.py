"""Generated front and back matter of a briefing pack, as ordinary model blocks.

A pack opens with a cover, a title page, an *About this pack* page, an
accessibility statement and the contents, and closes with a list of sources and
a colophon.  The cover, title page and contents belong to each backend (they
are navigation, not content); everything else is produced here, once, as
model blocks (:class:`~pubbuild.model.Matter`), so every backend renders it
through the shared writer and no backend writes its own prose about the pack.

Backend hook: render ``Publication.front_matter`` after the title page (and,
for the EPUB, before the contents), then ``Publication.introduction`` and the
parts with their articles, then ``Publication.back_matter``; each
:class:`Matter` is a section with ``epub_type``/``role``, an ``h1`` holding
``title`` and the anchor ``id``.

Every statement is derived from what the publication actually contains: the
accessibility statement counts images, text alternatives, tables, languages and
notes rather than promising them.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..facts import ContentFacts, count_content, statement
from ..labels import date as format_date
from ..labels import label, label_language, names
from ..model import (
    Article,
    Block,
    Heading,
    Link,
    List,
    ListItem,
    Matter,
    Paragraph,
    Part,
    Publication,
    Styled,
    Text,
)
from ..writer.xhtml import host_of

ROLE_WORDS = {"author": "Written", "editor": "Edited", "compiler": "Compiled",
              "translator": "Translated", "contributor": "With contributions"}


def markdown_blocks(text: str, root: Path | None = None) -> list[Block]:
    """Editor-written Markdown (introductions, notes) as normalised model blocks."""
    from ..passes import PASSES, run_passes
    from ..reader.text import read_markdown

    diags: list = []
    article = read_markdown(text, None, root, diags)
    if article.meta.title:  # the HTML reader takes a leading heading for the title; keep it
        article.blocks.insert(0, Heading(1, [Text(article.meta.title)]))
    # The editor writes in the publication's language: guessing it from a one-line note
    # would only log a spurious A004 on every build.
    chain = PASSES.copy()
    chain.disable("language")
    run_passes(article, "manifest", chain=chain)
    return article.blocks


def add_pack_matter(pub: Publication, manifest) -> Publication:
    """Fill ``parts``, ``introduction``, the articles' editor's notes and the generated
    front and back matter of ``pub`` from its manifest (a :class:`pubbuild.assemble.manifest.Manifest`).
    Every piece of the editor's Markdown is read here, once; backends get blocks."""
    parts = getattr(manifest, "parts", [])
    for article in pub.articles:
        note = article.meta.editor_note
        if note and note.strip():
            article.editor_note_blocks = markdown_blocks(note, pub.root)
    reserve_stems(pub.articles, RESERVED_STEMS | {f"part-{n}" for n in range(1, len(parts) + 1)})
    pub.parts = [
        Part(spec.title, markdown_blocks(spec.introduction, pub.root) if spec.introduction else [],
             pub.articles[spec.start:spec.start + spec.count], f"part-{n}")
        for n, spec in enumerate(getattr(manifest, "parts", []), 1)]
    intro = getattr(manifest, "introduction", None)
    pub.introduction = markdown_blocks(intro, pub.root) if intro else []
    if manifest.path is None:  # a one-article build is the article itself, not a pack
        return pub
    pub.front_matter = [about_page(pub), accessibility_page(pub)]
    pub.back_matter = [sources_page(pub), colophon_page(pub)]
    if label_language(pub.meta.language) != "en":
        for matter in (pub.front_matter[0], pub.back_matter[1]):  # the statement tags its own
            _tag_english(matter.blocks)
    return pub


def _tag_english(blocks: list[Block]) -> None:
    """Mark the generated prose (about, accessibility, colophon: written in English
    only so far) as English inside a book in another language, so that speech and
    braille read it with English rules; their headings are translated labels."""
    for block in blocks:
        if isinstance(block, Paragraph):
            block.lang = "en"
        elif isinstance(block, List):
            for item in block.items:
                item.lang = "en"


#: File stems and section ids the backends give the pack's own documents (the EPUB's
#: cover, title page and contents, the editor's introduction, the generated matter).
RESERVED_STEMS = frozenset({"cover", "titlepage", "nav", "toc", "introduction", "about",
                            "accessibility", "sources", "colophon"})


def reserve_stems(articles: list[Article], reserved: set[str] | frozenset[str]) -> None:
    """Rename the articles whose slug is one of the pack's own file stems (a source called
    ``sources/about.html``), so that every EPUB document and PDF section id stays unique."""
    used = {a.slug for a in articles}
    for article in articles:
        if article.slug in reserved:
            n = 2
            while f"{article.slug}-{n}" in used or f"{article.slug}-{n}" in reserved:
                n += 1
            used.add(f"{article.slug}-{n}")
            article.slug = f"{article.slug}-{n}"


# ------------------------------------------------------------------ helpers


def _p(*children) -> Paragraph:
    return Paragraph([Text(c) if isinstance(c, str) else c for c in children])


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sources_of(pub: Publication) -> list[str]:
    """Distinct publishing sites or publishers of the articles, in order of first use."""
    seen: dict[str, None] = {}
    for article in pub.articles:
        name = article.meta.site_name or host_of(article.meta.source_url)
        if name:
            seen.setdefault(name, None)
    return list(seen)


# ------------------------------------------------------------------ about


def about_page(pub: Publication) -> Matter:
    """Who compiled the pack, when, how many articles from which sources."""
    m = pub.meta
    blocks: list[Block] = []
    by_role: dict[str, list[str]] = {}
    for creator in m.creators:
        by_role.setdefault(creator.role, []).append(creator.name)
    for role, people in by_role.items():
        blocks.append(_p(f"{ROLE_WORDS[role]} by {_join(people)}."))
    if m.publisher:
        blocks.append(_p(f"Published by {m.publisher}."))
    if m.date:
        blocks.append(_p("Date: ", Styled("time", [Text(m.date[:10])], datetime=m.date), "."))
    n = len(pub.articles)
    count = f"This pack holds {_plural(n, 'article')}"
    if pub.parts:
        count += f" in {_plural(len(pub.parts), 'part')}"
    blocks.append(_p(count + "."))
    if pub.parts:
        blocks.append(List([ListItem([_p(f"{part.title}: {_plural(len(part.articles), 'article')}")])
                            for part in pub.parts]))
    sites = sources_of(pub)
    unknown = sum(1 for a in pub.articles if not (a.meta.site_name or a.meta.source_url))
    if sites:
        line = f"The articles come from {_plural(len(sites), 'source')}: {_join(sites)}"
        if unknown:
            line += f"; {_plural(unknown, 'article')} without a recorded source"
        blocks.append(_p(line + "."))
    elif n:
        blocks.append(_p("No publishing source is recorded for the articles."))
    if m.description:
        blocks.append(_p(m.description))
    return Matter("about", label("about", m.language), blocks, "preface", "doc-preface")


# ------------------------------------------------------------------ accessibility


def accessibility_page(pub: Publication, facts: ContentFacts | None = None) -> Matter:
    """The accessibility statement: what this pack contains, in the sentences of
    :func:`pubbuild.facts.statement` (the EPUB's summary and the PDF's XMP say the same).
    ``facts`` is the count over what the outputs include (:func:`pubbuild.pipeline.render`
    makes it once the images are decided); without it, the model's count."""
    facts = facts or count_content(pub)
    nav = ("The EPUB edition is reflowable text and the PDF edition is tagged, so that both give "
           "assistive technology their structure: a table of contents, a heading for each article"
           + (f" and {_plural(facts.sections, 'section heading')} inside the articles"
              if facts.sections else "") + ". The reading order follows the original sources.")
    blocks: list[Block] = [_p(f"This pack holds {_plural(facts.articles, 'article')}. {nav}")]
    blocks += [_p(sentence) for sentence in statement(pub, facts)]
    if pub.meta.certifier:
        blocks.append(_p(f"Accessibility conformance is assessed by {pub.meta.certifier}."))
    matter = Matter("accessibility", label("accessibility", pub.meta.language), blocks, None, None)
    if label_language(pub.meta.language) != "en":
        _tag_english(matter.blocks)
    return matter


def refresh_accessibility_page(pub: Publication, facts: ContentFacts) -> None:
    """Replace the pack's accessibility page by one written from ``facts`` (a one-article
    build has none)."""
    pub.front_matter = [accessibility_page(pub, facts) if m.id == "accessibility" else m
                        for m in pub.front_matter]


# ------------------------------------------------------------------ back matter


def source_entry(article: Article, lang: str) -> ListItem:
    """One entry of the list of sources, in the publication's language ``lang``: every
    field, saying so where one is unknown."""
    m = article.meta
    unknown = [Text(label("not_recorded", lang))]
    head: list = [Styled("cite", [Text(m.title)])]
    if m.authors:
        head.append(Text(label("separator", lang) + label("by_inline", lang, names=names(m.authors, lang))))
    head.append(Text("."))

    def day(value: str | None) -> list:
        return [Styled("time", [Text(format_date(value, lang))], datetime=value)] if value else unknown

    # A front matter's ``source: Wikipedia`` is an address without a host: no site to name.
    site = m.site_name or host_of(m.source_url)
    fields: list[tuple[str, list]] = [
        ("publisher_or_site", [Text(site)] if site else unknown),
        ("url", [Link(m.source_url, [Text(m.source_url)])] if m.source_url else unknown),
        ("published_field", day(m.published)),
        ("retrieved_field", day(m.retrieved)),
    ]
    details = List([ListItem([Paragraph([Text(label("field", lang, name=label(key, lang))), *value])]) for key, value in fields])
    return ListItem([Paragraph(head), details])


def sources_page(pub: Publication) -> Matter:
    """The list of sources: title, author, site, URL, published and retrieved dates."""
    lang = pub.meta.language
    blocks: list[Block] = [_p(label("sources_intro", lang)),
              List([source_entry(a, lang) for a in pub.articles], ordered=True)]
    return Matter("sources", label("sources", lang), blocks, "bibliography", "doc-bibliography")


def colophon_page(pub: Publication) -> Matter:
    """How, from what and when this edition was made."""
    m = pub.meta
    files = [a.source.name for a in pub.articles if a.source is not None]
    blocks: list[Block] = [
        _p(f"{m.title} was made with pubbuild {__version__} from {_plural(len(files), 'source file')}, "
           "normalised into one document model and rendered as EPUB 3 and tagged PDF from it."),
        _p("Identifier: ", Styled("code", [Text(m.identifier)]), "."),
        _p("Edition timestamp: ", Styled("time", [Text(m.modified)], datetime=m.modified), "."),
    ]
    if m.rights:
        blocks.append(_p(f"Rights: {m.rights}"))
    return Matter("colophon", label("colophon", m.language), blocks, "colophon", None)
