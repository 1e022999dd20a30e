"""From a manifest to one publication: manifest -> read -> passes -> assembled ``Publication``.

:func:`load_manifest` finds the manifest (or makes a one-article one), :func:`read_articles`
reads and normalises each article with the manifest's overrides, :func:`assemble` fills in
the publication's metadata and its generated matter (:mod:`.matter`).  The build that renders
it is :mod:`pubbuild.assemble.build`; :func:`refuse_replacing_inputs` is its guard that an
output never replaces an input.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import ConfigurationError, PubbuildError, SourceError
from ..model import Article, Creator, Publication
from ..passes import language
from ..reader import READERS, read_file
from .manifest import Manifest, derive_identifier, load, single_article, slugify

logger = logging.getLogger(__name__)

ARTICLE_FIELDS = {  # manifest key -> ArticleMeta attribute
    "title": "title", "subtitle": "subtitle", "authors": "authors", "language": "language",
    "url": "source_url", "site": "site_name", "published": "published",
    "retrieved": "retrieved", "note": "editor_note",
}


def load_manifest(target: Path | None) -> Manifest:
    """The manifest at ``target`` (default ``pubbuild.yaml``), or a one-article manifest
    when ``target`` is an article file."""
    target = target or Path("pubbuild.yaml")
    if target.suffix.lower() in READERS:
        return single_article(target)
    if target.is_dir():
        target = target / "pubbuild.yaml"
    return load(target)


def read_articles(manifest: Manifest, read=read_file) -> list[Article]:
    """Read and normalise every article, applying the manifest's overrides.  ``read``
    (path, root, url, encoding) -> Article lets the pack builder supply cached or parallel
    results; ``url`` (the manifest's) is the page's address, its relative addresses' base;
    ``encoding`` the manifest's character encoding for the file."""
    articles: list[Article] = []
    used: set[str] = set()
    for spec in manifest.articles:
        try:
            article = read(spec.source, manifest.root, spec.overrides.get("url"), spec.overrides.get("encoding"))
        except PubbuildError as exc:
            raise with_findings(exc, manifest, articles) from None
        if not article.blocks and not article.notes:
            # Only navigation or furniture (S002): an empty chapter helps nobody, as an empty
            # file would not (``pubbuild normalize`` still shows such a page, with S002).
            raise with_findings(SourceError(
                f"{_shown(spec.source, manifest.root)}: no article on the page, only "
                "navigation or page furniture (nothing to publish)"), manifest, [*articles, article])
        for key, value in spec.overrides.items():
            if key in ARTICLE_FIELDS:  # the others (encoding) are for the reader
                setattr(article.meta, ARTICLE_FIELDS[key], value)
        if not article.meta.title:
            article.meta.title = spec.source.stem.replace("-", " ").replace("_", " ").strip().capitalize()
        slug = base = slugify(spec.source.stem, "article")
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        article.slug = slug
        articles.append(article)
    if manifest.warnings and articles:
        # The manifest's own findings travel with the first article, where every command
        # (build, check, serve, --strict) already gathers diagnostics; a new list, so that
        # an article cached by the caller never gathers them twice.
        articles[0].diagnostics = [*manifest.warnings, *articles[0].diagnostics]
    return articles


def with_findings(exc: PubbuildError, manifest: Manifest, read: Iterable[Article]) -> PubbuildError:
    """``exc`` carrying what was found before it (the manifest's warnings, the articles read),
    so that the command line shows those findings with the error."""
    exc.diagnostics = [*manifest.warnings, *(d for a in read for d in a.diagnostics), *exc.diagnostics]
    return exc


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def assemble(manifest: Manifest, articles: list[Article]) -> Publication:
    """The publication: manifest metadata, filled in from the articles where needed."""
    meta = manifest.meta
    if manifest.path is None and articles:  # one-article build: the article is the book
        a = articles[0].meta
        meta.title = a.title
        meta.subtitle = a.subtitle
        meta.language = a.language or "en"
        meta.creators = [Creator(name) for name in a.authors]
        meta.publisher = a.site_name
        meta.date = _date_only(a.published)
        meta.description = a.description
        meta.identifier = derive_identifier(meta.title, meta.creators, meta.date)
    for article in articles:
        if not article.meta.language:
            article.meta.language = meta.language
    meta.modified = timestamp(meta.date, articles)
    pub = Publication(meta=meta, articles=articles, root=manifest.root, slug=manifest.slug,
                      settings=manifest.settings, fonts=manifest.fonts)
    from .matter import add_pack_matter  # parts, introduction, front and back matter

    return add_pack_matter(pub, manifest)


#: 9999-12-31T23:59:59Z: the last moment a four-digit year (EPUB, PDF, XMP dates) can carry.
MAX_EPOCH = 253_402_300_799


def timestamp(date: str | None, articles: list[Article]) -> str:
    """Build time: SOURCE_DATE_EPOCH, else the publication date, else the newest
    article date, else a fixed epoch.  Never the clock: outputs must be reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ConfigurationError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}")
        if int(epoch) > MAX_EPOCH:
            raise ConfigurationError(f"SOURCE_DATE_EPOCH {epoch[:30]} is after the year 9999 "
                                     f"(at most {MAX_EPOCH})")
        moment = _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    else:
        dates = [d for d in [_date_only(date)] if d] or sorted(
            d for d in (_date_only(a.meta.published) for a in articles) if d)[-1:]
        moment = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
        if dates:
            y, m, d = (dates[0].split("-") + ["01", "01"])[:3]
            moment = _dt.datetime(int(y), int(m), int(d), tzinfo=_dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_only(value: str | None) -> str | None:
    m = re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", value) if value else None
    return m.group(0) if m else None


def load_publication(target: Path | None) -> Publication:
    """Manifest (or article) to a normalised publication."""
    return load_project(target)[1]


def load_project(target: Path | None) -> tuple[Manifest, Publication]:
    """The manifest (or one-article manifest) at ``target`` and its assembled publication."""
    manifest = load_manifest(target)
    articles = read_articles(manifest)
    # No more text to identify in this build: the language model's 90 MB go before the
    # backends run (a PDF layout's processes would each start with them counted in).
    language.release()
    return manifest, assemble(manifest, articles)


def input_files(pub: Publication, manifest_path: Path | None) -> list[Path]:
    """The project files a build reads: the manifest, sources, local images and the cover."""
    from ..textutil import images

    files = [manifest_path] if manifest_path is not None else []
    files += [a.source for a in pub.articles if a.source is not None]
    files += [i.local for a in pub.articles for i in images(a.blocks) if i.local is not None]
    if pub.meta.cover is not None:
        files.append(pub.meta.cover)
    return files


def refuse_replacing_inputs(outputs: list[Path], inputs: list[Path]) -> None:
    """Exit 2 before anything is written when an output would replace an input
    (``-o sources/page.html``): sources are never modified."""
    resolved = {p.resolve(): p for p in inputs}
    problems = []
    for out in outputs:
        hit = resolved.get(out.resolve())
        if hit is None and out.exists():  # another name for the same file (a hard link)
            hit = next((p for p in inputs if p.exists() and os.path.samefile(p, out)), None)
        if hit is not None:
            problems.append(f"{out}: is an input of this build ({hit}); an output never replaces an input")
    if problems:
        raise ConfigurationError(problems[0], problems)
