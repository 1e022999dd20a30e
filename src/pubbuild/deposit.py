"""``pubbuild deposit``: an archival BagIt bag an archive can verify and open decades on.

Recipe (:func:`deposit`): normalise and assemble the publication -> render every
format into a temporary folder beside the target, asking for the archival
variant (an ``archival`` option, :meth:`BuildOptions.for_backend`) -> attach the original sources
to the PDF -> add the original and normalised sources, the manifest, Dublin
Core metadata and a README -> make the bag (SHA-256 and SHA-512 manifests) ->
validate it -> rename it into place.  An existing deposit is never touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from . import __version__, backends, partfiles, pipeline
from .errors import BuildError, ConfigurationError, OutputError
from .model import Publication
from .originals import MEDIA_TYPES as SOURCE_TYPES  # noqa: F401 - kept for callers
from .originals import original_files
from .progress import NULL_PROGRESS, Progress

logger = logging.getLogger(__name__)

CHECKSUMS = ["sha256", "sha512"]
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(slots=True)
class DepositResult:
    """What :func:`deposit` wrote."""

    path: Path
    """The bag's folder."""
    files: int
    """Number of payload files."""
    notes: list[str] = field(default_factory=list)
    """What an archivist should know (also written in the bag's README)."""
    articles: int = 0
    """Number of articles in the publication."""
    diagnostics: list = field(default_factory=list)
    """:class:`pubbuild.diagnostics.Diagnostic` found in the articles and while rendering."""


def default_target(pub: Publication) -> Path:
    return pub.root / "build" / f"{pub.slug}-deposit"


def deposit(target: Path | None = None, output: Path | None = None, jobs: int | None = None,
            progress: Progress = NULL_PROGRESS,
            provenance: dict[str, dict] | None = None) -> DepositResult:
    """Write and validate the deposit of the publication at ``target`` into ``output``.
    ``provenance`` (source file, relative to the project -> where it was captured: a web
    archive's record id, URL and date) goes into metadata.json and bag-info.txt."""
    import bagit

    from .assemble.cache import normalise_articles
    from .assemble.publication import assemble, load_manifest

    manifest = load_manifest(target)
    if manifest.path is None:
        raise ConfigurationError(f"{target}: a deposit needs a manifest (pubbuild.yaml), not an article")
    if output is not None:  # checked first: refuse before any work
        _refuse_existing(output)
    articles, _ = normalise_articles(manifest, jobs, True, progress)
    pub = assemble(manifest, articles)
    final = (output or default_target(pub)).absolute()
    _refuse_existing(final)
    # A place that cannot be written (read-only, full, ``ulimit -f``) is exit 2 naming it;
    # the temporary folder goes with whatever was written into it.
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        partfiles.sweep(final.parent, final.name)
        with partfiles.temporary(final, folder=True) as tmp:
            notes: list[str] = []
            diags = [d for a in pub.articles for d in a.diagnostics]
            try:
                files = _payload(tmp, pub, manifest.path, progress, notes, provenance or {}, diags)
            except OutputError as exc:  # named inside the temporary folder: name the deposit
                raise OutputError(str(exc).replace(str(tmp), str(final))) from None
            bag = bagit.make_bag(str(tmp), bag_info=_bag_info(pub, provenance or {}), checksums=CHECKSUMS)
            _validate(bag, tmp)
            _refuse_existing(final)
            os.rename(tmp, final)
    except OSError as exc:
        raise OutputError(f"{final}: cannot write the deposit: {exc.strerror or exc}") from None
    _validate(bagit.Bag(str(final)), final)
    logger.info("wrote deposit %s", final)
    return DepositResult(final, files, notes, len(pub.articles), diags)


def _refuse_existing(path: Path) -> None:
    """A deposit is never written over anything, a link to nothing included (renaming
    onto it would replace the link, or fail)."""
    if os.path.lexists(path):
        raise ConfigurationError(f"{path}: already exists; a deposit is never overwritten")


def _validate(bag, where: Path) -> None:
    import bagit

    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        details = [f"{where}: {d}" for d in getattr(exc, "details", [])] or [f"{where}: {exc}"]
        raise BuildError(f"{where}: the bag does not validate", details) from None


def _payload(tmp: Path, pub: Publication, manifest_path: Path, progress: Progress,
             notes: list[str], provenance: dict[str, dict], diags: list) -> int:
    """Fill ``tmp`` with the payload (bagit moves it under ``data/``); return the file count.
    The rendering's diagnostics are appended to ``diags``."""
    edition = tmp / "publication"
    edition.mkdir()
    # The archival variant of every format that has one (the PDF's PDF/A-3a).
    options = backends.BuildOptions(extra={"archival": True})
    done = pipeline.render(pub, None, options, lambda cls: edition / f"{pub.slug}{cls.suffix}",
                           diags=diags, progress=progress, record=False)
    outputs = {r.name: r.path for r in done}
    sources = original_files(pub)
    for name, path in outputs.items():
        backends.get(name).archive(path, pub, sources, notes)
    for rel, src in sources.items():
        dest = tmp / "sources" / "original" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    _normalised(tmp / "sources" / "normalised", pub)
    (tmp / "manifest").mkdir()
    shutil.copyfile(manifest_path, tmp / "manifest" / manifest_path.name)
    (tmp / "metadata").mkdir()
    (tmp / "metadata" / "dublin-core.xml").write_bytes(dublin_core(pub, outputs))
    (tmp / "metadata" / "metadata.json").write_text(
        json.dumps(metadata(pub, outputs, sources, provenance), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")
    (tmp / "README.txt").write_text(readme(pub, outputs, sources, notes), encoding="utf-8")
    return sum(1 for p in tmp.rglob("*") if p.is_file())


def _normalised(folder: Path, pub: Publication) -> None:
    from .normalize import render

    folder.mkdir(parents=True)
    for article in pub.articles:
        lang = article.meta.language or pub.meta.language
        body = render(article, "html")
        (folder / f"{article.slug}.html").write_text(
            f'<!DOCTYPE html>\n<html lang="{escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8"/>\n'
            f"<title>{escape(article.meta.title)}</title>\n</head>\n<body>\n<article>\n{body}"
            "</article>\n</body>\n</html>\n", encoding="utf-8")
        (folder / f"{article.slug}.json").write_text(render(article, "json", pub.root), encoding="utf-8")


# ------------------------------------------------------------------ metadata


def dublin_core(pub: Publication, outputs: dict[str, Path]) -> bytes:
    """Simple Dublin Core (``oai_dc``) for the publication."""
    from lxml import etree

    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    m = pub.meta

    def add(name: str, value: str | None) -> None:
        if value:
            etree.SubElement(root, f"{{{DC}}}{name}").text = value

    add("title", m.title + (f": {m.subtitle}" if m.subtitle else ""))
    for c in m.creators:
        add("creator" if c.role in ("author", "compiler", "editor") else "contributor", c.name)
    add("publisher", m.publisher)
    add("date", m.date)
    add("language", m.language)
    add("identifier", m.identifier)
    add("description", m.description)
    add("rights", m.rights)
    for subject in m.subjects:
        add("subject", subject)
    add("type", "Text")
    for name in outputs:
        add("format", _media_type(name))
    for article in pub.articles:
        a = article.meta
        add("source", a.source_url or f"{a.title} ({a.site_name or 'source not recorded'})")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _media_type(name: str) -> str:
    return backends.get(name).media_type


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def metadata(pub: Publication, outputs: dict[str, Path], originals: dict[str, Path],
             provenance: dict[str, dict] | None = None) -> dict:
    """Descriptive metadata as JSON: the publication, its parts and articles (with where each
    source was captured, when ``provenance`` says), its files."""
    meta = dataclasses.asdict(pub.meta)
    meta["cover"] = str(pub.meta.cover.relative_to(pub.root)) if pub.meta.cover else None
    articles = []
    for a in pub.articles:
        rel = a.source.resolve().relative_to(pub.root.resolve()).as_posix() if a.source else None
        articles.append({"slug": a.slug, "source_file": rel, **dataclasses.asdict(a.meta),
                         "normalised": [f"sources/normalised/{a.slug}.html",
                                        f"sources/normalised/{a.slug}.json"]})
        if provenance and rel in provenance:
            articles[-1]["provenance"] = provenance[rel]
    return {
        "publication": meta,
        "parts": [{"title": p.title, "articles": [a.slug for a in p.articles]} for p in pub.parts],
        "articles": articles,
        "editions": [{"format": name, "file": f"publication/{p.name}", "media_type": _media_type(name)}
                     for name, p in outputs.items()],
        "original_files": [{"file": f"sources/original/{rel}", "sha256": _sha256(p)}
                           for rel, p in originals.items()],
        "made_with": f"pubbuild {__version__}",
    }


def _bag_info(pub: Publication, provenance: dict[str, dict] | None = None) -> dict[str, str | list[str]]:
    import bagit

    m = pub.meta
    info: dict[str, str | list[str]] = {
        "External-Identifier": m.identifier,
        "External-Description": m.title + (f": {m.subtitle}" if m.subtitle else "")
        + f" ({len(pub.articles)} articles; EPUB 3, PDF, original and normalised sources)",
        # The publication's own timestamp, not the clock: the same inputs give the same bag.
        "Bagging-Date": m.modified[:10],
        "Bag-Software-Agent": f"pubbuild {__version__} (bagit.py {bagit.VERSION})",
    }
    if m.publisher:
        info["Source-Organization"] = m.publisher
    names = [c.name for c in m.creators]
    if names:
        info["Contact-Name"] = ", ".join(names)
    used = {a.source.resolve().relative_to(pub.root.resolve()).as_posix() for a in pub.articles if a.source}
    records = [p for rel, p in sorted((provenance or {}).items()) if rel in used]
    if records:  # one line per captured page: record id, address, capture date (a repeated tag)
        info["Source-Record"] = [f"{p['record_id']} {p['url']} {p['date']}" for p in records]
    return info


def readme(pub: Publication, outputs: dict[str, Path], originals: dict[str, Path],
           notes: list[str]) -> str:
    """The archivist's guide to the bag."""
    m = pub.meta
    lines = [
        f"{m.title}" + (f": {m.subtitle}" if m.subtitle else ""),
        "=" * 72,
        "",
        "This is a BagIt bag (RFC 8493) deposited for long-term preservation. Every file under",
        "data/ is listed with its SHA-256 and SHA-512 checksum in manifest-sha256.txt and",
        "manifest-sha512.txt; bag-info.txt describes the deposit. To verify it:",
        "",
        "    bagit.py --validate THIS-FOLDER",
        "",
        f"Identifier: {m.identifier}",
        f"Language:   {m.language}",
    ]
    if m.date:
        lines.append(f"Date:       {m.date}")
    if m.publisher:
        lines.append(f"Publisher:  {m.publisher}")
    for c in m.creators:
        lines.append(f"{c.role.capitalize() + ':':<12}{c.name}")
    lines += ["", "What is here (under data/)", "-" * 26, ""]
    for name, path in outputs.items():
        lines.append(f"publication/{path.name}  the {name.upper()} edition ({_media_type(name)})")
    lines += [
        "sources/original/    the source files exactly as given to pubbuild, at their paths in",
        "                     the project (saved web pages, drafts, their images)",
        "sources/normalised/  each article after normalisation: <slug>.html (its body as clean",
        "                     HTML) and <slug>.json (the document model pubbuild rendered from)",
        "manifest/            the project manifest that lists the articles and their metadata",
        "metadata/            dublin-core.xml (simple Dublin Core, oai_dc) and metadata.json",
        "                     (publication, parts, articles with their sources and dates)",
        "",
        "Articles",
        "--------",
        "",
    ]
    for n, a in enumerate(pub.articles, 1):
        src = a.source.resolve().relative_to(pub.root.resolve()).as_posix() if a.source else "-"
        lines.append(f"{n}. {a.meta.title}")
        lines.append(f"   original: sources/original/{src}; normalised: sources/normalised/{a.slug}.html")
        for label, value in (("by", ", ".join(a.meta.authors)), ("site", a.meta.site_name),
                             ("url", a.meta.source_url), ("published", a.meta.published),
                             ("retrieved", a.meta.retrieved)):
            if value:
                lines.append(f"   {label}: {value}")
    if notes:
        lines += ["", "Notes for the archivist", "-" * 23, ""] + [f"- {n}" for n in notes]
    lines += ["", f"Made with pubbuild {__version__}; {len(originals)} original files.", ""]
    return "\n".join(lines)
