"""Publications from web archives: WARC (ISO 28500; ``.warc``, ``.warc.gz``) and WACZ files.

Recipe (:func:`prepare`): read every record with warcio -> write each ``200 text/html`` response
to ``pages/`` and each ``200 image/*`` response to ``images/`` of a work folder, under names made
here (never names from the archive) -> point each page's images that the same archive holds at
their copies (nothing is ever fetched) -> group the pages (one publication per record, per site
or per capture day) -> write a manifest per group with each page's archived URL and capture
date.  The work folder is an ordinary project folder: the untrusted pages are read under the
same confinement as any project's sources.  In the task, :func:`keep_articles` drops the pages
in which the reader finds no article before the build; they are counted in the report.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml

from .. import partfiles
from ..assemble.manifest import DATE_RE
from ..errors import ConfigurationError
from .inputs import Job

logger = logging.getLogger(__name__)

GROUPS = ("none", "site", "day")
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Image types the backends can carry, by media type (the file's suffix follows from it).
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
               "image/svg+xml": ".svg", "image/webp": ".webp"}
#: Attributes of ``img`` and ``source`` that name one image, as the reader reads them.
IMAGE_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-original")
SRCSET_ATTRIBUTES = ("srcset", "data-srcset")


@dataclass(slots=True)
class Page:
    """A ``200 text/html`` response, written to the work folder."""

    url: str
    """The archived URL (WARC-Target-URI)."""
    date: str
    """Capture date and time (WARC-Date, ISO 8601)."""
    record_id: str
    """WARC-Record-ID."""
    archive: str
    """The archive's file name (and, in a WACZ, the WARC inside it)."""
    file: str
    """Where the page is, relative to the work folder."""
    digest: str | None = None
    """WARC-Payload-Digest, as the archive gives it."""
    title: str = ""
    """The page's ``<title>``: a one-page publication's title."""
    language: str | None = None
    """The page's ``lang``."""
    images: list[str] = field(default_factory=list)
    """Image files (relative to the work folder) the page now points at."""


@dataclass(slots=True)
class Contents:
    """What the archives held."""

    pages: list[Page] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)
    """Archived URL (without fragment) -> image file, relative to the work folder."""
    counts: dict = field(default_factory=lambda: {
        "records": 0, "responses": 0, "html_200": 0, "images_200": 0, "other_200": 0,
        "not_200": {}, "too_large": 0, "earlier_captures": 0})


# ------------------------------------------------------------------ reading archives


def archive_streams(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(name, binary stream) of each WARC in ``path``: the file itself, or in a WACZ (a zip)
    each ``archive/*.warc[.gz]`` member, in name order."""
    if path.suffix.lower() == ".wacz":
        try:
            with zipfile.ZipFile(path) as zf:
                members = sorted(n for n in zf.namelist() if n.startswith("archive/")
                                 and n.lower().endswith((".warc", ".warc.gz")))
                if not members:
                    raise ConfigurationError(f"{path}: a WACZ without archive/*.warc.gz files")
                for name in members:
                    with zf.open(name) as stream:
                        yield f"{path.name}/{name}", stream
        except zipfile.BadZipFile as exc:
            raise ConfigurationError(f"{path}: not a WACZ (zip) file: {exc}") from None
        return
    with path.open("rb") as stream:
        yield path.name, stream


def read_archives(paths: list[Path], work: Path) -> Contents:
    """Read every archive into ``work`` (``pages/``, ``images/``); a file that is no web archive
    is a :class:`ConfigurationError` naming it."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from ..reader import MAX_BYTES

    contents = Contents()
    counts = contents.counts
    (work / "pages").mkdir(parents=True, exist_ok=True)
    (work / "images").mkdir(exist_ok=True)
    for path in paths:
        try:
            for name, stream in archive_streams(path):
                for record in ArchiveIterator(stream):
                    if record.format != "warc":  # warcio also reads ARC, and reads anything as one
                        raise ConfigurationError(f"{name}: not a WARC file (its first record is no "
                                                 "WARC record)")
                    counts["records"] += 1
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    counts["responses"] += 1
                    status = record.http_headers.get_statuscode()
                    if status != "200":
                        counts["not_200"][status] = counts["not_200"].get(status, 0) + 1
                        continue
                    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
                    kind = kind.strip().lower()
                    if kind not in HTML_TYPES and kind not in IMAGE_TYPES:
                        counts["other_200"] += 1
                        continue
                    data = record.content_stream().read(MAX_BYTES + 1)
                    if len(data) > MAX_BYTES:  # the reader's own limit on a source
                        counts["too_large"] += 1
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if kind in IMAGE_TYPES:
                        counts["images_200"] += 1
                        _keep_image(contents, work, urldefrag(url)[0], data, IMAGE_TYPES[kind])
                        continue
                    counts["html_200"] += 1
                    record_id = record.rec_headers.get_header("WARC-Record-ID") or url
                    rel = f"pages/{hashlib.sha256(record_id.encode()).hexdigest()[:24]}.html"
                    (work / rel).write_bytes(data)
                    date = record.rec_headers.get_header("WARC-Date") or ""
                    contents.pages.append(Page(
                        url=url, date=date if DATE_RE.match(date) else "",  # else no date at all
                        record_id=record_id, archive=name, file=rel,
                        digest=record.rec_headers.get_header("WARC-Payload-Digest")))
        except (ArchiveLoadFailed, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ConfigurationError(f"{path}: cannot read it as a web archive: {exc}") from None
    for page in contents.pages:
        _point_images(page, work, contents.images)
    return contents


def _keep_image(contents: Contents, work: Path, url: str, data: bytes, suffix: str) -> None:
    if url in contents.images:  # the first capture of an address stands for it
        return
    rel = f"images/{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    if not (work / rel).exists():
        (work / rel).write_bytes(data)
    contents.images[url] = rel


def _point_images(page: Page, work: Path, images: dict[str, str]) -> None:
    """Point the page's images that the archive holds at their files in ``images/`` (the page
    is rewritten, as UTF-8, only when it has any); note its title and language."""
    from lxml import etree, html

    from ..reader.decode import decode

    path = work / page.file
    text = decode(path.read_bytes(), page.url).text
    try:
        doc = html.document_fromstring(text, parser=html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return  # nothing to rewrite; the reader says what it makes of the page
    page.title = " ".join((doc.findtext(".//title") or "").split())[:300]
    page.language = doc.get("lang")
    base = next((urljoin(page.url, b.get("href", "")) for b in doc.iter("base") if b.get("href")), page.url)

    def local(address: str) -> str | None:
        found = images.get(urldefrag(urljoin(base, address.strip()))[0])
        if found is not None and found not in page.images:
            page.images.append(found)
        return None if found is None else f"../{found}"

    changed = False
    for el in doc.iter("img", "source"):
        for attr in IMAGE_ATTRIBUTES:
            value = el.get(attr)
            if value and (new := local(value)):
                el.set(attr, new)
                changed = True
        for attr in SRCSET_ATTRIBUTES:
            if not el.get(attr):
                continue
            candidates = []
            for candidate in el.get(attr).split(","):
                address, _, size = candidate.strip().partition(" ")
                new = local(address) if address else None
                changed |= new is not None
                candidates.append(f"{new or address} {size}".strip())
            el.set(attr, ", ".join(candidates))
    if not changed:
        return  # the archived bytes as they were
    head = doc.find("head")
    for meta in list(doc.iter("meta")):
        if meta.get("charset") is not None or (meta.get("http-equiv") or "").lower() == "content-type":
            meta.getparent().remove(meta)
    if head is not None:
        head.insert(0, etree.Element("meta", charset="utf-8"))
    path.write_bytes(b"<!DOCTYPE html>\n" + html.tostring(doc, encoding="utf-8"))


# ------------------------------------------------------------------ publications


def group(pages: list[Page], by: str, counts: dict) -> dict[str, list[Page]]:
    """Pages by publication, in capture order: one per record, or per site or capture day with
    only the latest capture of each address (the earlier ones are counted)."""
    ordered = sorted(pages, key=lambda p: (p.date, p.url, p.record_id))
    if by == "none":
        return {p.record_id: [p] for p in ordered}
    groups: dict[str, dict[str, Page]] = {}
    for page in ordered:
        key = _host(page.url) if by == "site" else page.date[:10] or "undated"
        latest = groups.setdefault(key, {})
        if page.url in latest:
            counts["earlier_captures"] += 1
            del latest[page.url]  # re-inserted: the group keeps capture order
        latest[page.url] = page
    return {key: list(found.values()) for key, found in sorted(groups.items())}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "unknown-site").lower()


def prepare(paths: list[Path], work: Path, by: str) -> tuple[list[Job], dict]:
    """A job per publication of the archives at ``paths``, its project in ``work``; and the
    report's account of the archives."""
    from ..assemble.manifest import slugify
    from ..langtag import normalise

    if by not in GROUPS:
        raise ConfigurationError(f"--group-by must be one of {', '.join(GROUPS)}, got {by!r}")
    contents = read_archives(paths, work)
    counts = contents.counts
    jobs: list[Job] = []
    for key, pages in group(contents.pages, by, counts).items():
        first, last = pages[0], pages[-1]
        if by == "none":
            slug = f"{slugify(_host(first.url) + ' ' + urlsplit(first.url).path, 'page')[:50]}-" \
                   f"{hashlib.sha256(key.encode()).hexdigest()[:8]}"
            title = first.title or first.url
        elif by == "site":
            slug, title = slugify(key, "site"), f"Pages archived from {key}"
        else:
            slug, title = f"captured-{key}", f"Pages captured on {key}"
        data: dict = {"title": title[:300], "language": normalise(first.language or "") or "en",
                      "slug": slug, "date": last.date[:10] or None,
                      "description": f"{len(pages)} page{'s' * (len(pages) != 1)} from web archives "
                                     f"({', '.join(sorted({p.archive for p in pages}))}), captured "
                                     f"{first.date[:10]} to {last.date[:10]}.",
                      "articles": [_article(p) for p in pages]}
        data = {k: v for k, v in data.items() if v is not None}
        manifest = work / f"{slug}.yaml"
        manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files = sorted({manifest.name} | {p.file for p in pages} | {i for p in pages for i in p.images})
        jobs.append(Job(label=f"{by}:{key}" if by != "none" else first.url, manifest=str(manifest),
                        root=str(work), slug=slug, files=files, warc=True,
                        provenance={p.file: _provenance(p) for p in pages}))
    summary = {"files": [str(p) for p in paths], "group_by": by, **counts,
               "not_articles": 0, "not_article_urls": []}
    return jobs, summary


def _article(page: Page) -> dict:
    entry: dict = {"source": page.file}
    if page.url.startswith(("http://", "https://")) and not any(c.isspace() for c in page.url):
        entry["url"] = page.url
    if page.date:
        entry["retrieved"] = page.date
    return entry


def _provenance(page: Page) -> dict:
    return {"url": page.url, "date": page.date, "record_id": page.record_id,
            "archive": page.archive, "payload_digest": page.digest,
            "images_from_archive": len(page.images)}


# ------------------------------------------------------------------ in the task


def keep_articles(manifest_path: Path) -> tuple[list[str], int]:
    """Leave out of the manifest the pages in which the reader finds no article; return them
    (relative to the project) and the number of articles left.  Each page is read once:
    what is read goes into the article cache, from which the build takes it."""
    from ..assemble.cache import ArticleCache
    from ..assemble.publication import load_manifest
    from ..errors import SourceError
    from ..reader import read_file

    manifest = load_manifest(manifest_path)
    cache = ArticleCache(manifest.root)
    dropped: list[str] = []
    for spec in manifest.articles:
        key = cache.key(spec.source, manifest.root, spec.overrides)
        article = cache.get(key)
        if article is None:
            try:
                article = read_file(spec.source, manifest.root, spec.overrides.get("url"))
            except SourceError:
                article = None
            if article is not None:
                try:
                    cache.put(key, article)
                except OSError:  # a cache that cannot be written only costs a second reading
                    pass
        if article is None or not is_article(article):
            dropped.append(spec.source.relative_to(manifest.root).as_posix())
    left = len(manifest.articles) - len(dropped)
    if dropped and left:
        data = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
        data["articles"] = [a for a in data["articles"] if a["source"] not in dropped]
        with partfiles.temporary(manifest_path) as tmp:
            tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            os.replace(tmp, manifest_path)
    return dropped, left


def is_article(article) -> bool:
    """The reader found an article: it did not say it found none (``S002``), and the text
    outside links is as long as the reader's own least article
    (:data:`pubbuild.reader.extract.FALLBACK_MIN_KEPT`).  A page of links (a section's front,
    a site map) keeps its links when read whole; as an article it is none."""
    from ..model import Link
    from ..reader.extract import FALLBACK_MIN_KEPT
    from ..textutil import block_text, inline_runs, plain_text, walk_blocks, walk_inlines

    if any(d.code == "S002" for d in article.diagnostics):
        return False
    text = len("".join(block_text(article.blocks).split()))
    links = sum(len("".join(plain_text(node.children).split()))
                for block in walk_blocks(article.blocks) for run in inline_runs(block)
                for node in walk_inlines(run) if isinstance(node, Link))
    return text - links >= FALLBACK_MIN_KEPT
