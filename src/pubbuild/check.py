"""``pubbuild check``: everything known about a publication's quality, in one report.

Recipe (:func:`check`): normalise the articles (from the cache when unchanged)
and collect their diagnostics -> make sure each output is up to date, building
only those that are missing or older than their inputs -> run each backend's
own validator (:meth:`pubbuild.backends.Backend.validate`): EPUBCheck on the EPUB
where Java is present, structure checks on the PDF.  :meth:`CheckReport.failed` decides the exit
status: anything at error level, or with ``strict`` at warning level.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from . import backends, pipeline
from .assemble.publication import input_files
from .diagnostics import Finding, group
from .pipeline import output_path
from .progress import NULL_PROGRESS, Progress
from .resources import styles_dir

logger = logging.getLogger(__name__)
_PACKAGE = Path(__file__).resolve().parent


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
            lines = [f"{w}: {lv}: {c} {m}" for w, lv, c, m in items] if every else group(items)
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


# ------------------------------------------------------------------ check


def check(target: Path | None = None, jobs: int | None = None,
          progress: Progress = NULL_PROGRESS) -> CheckReport:
    """Check the publication at ``target``; builds only outputs that are not up to date."""
    from .assemble.cache import normalise_articles
    from .assemble.publication import assemble, load_manifest
    from .pipeline import recorded_diagnostics

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

    def keep(cls: type[backends.Backend], path: Path) -> bool:
        # Without a record of its own diagnostics, an output is rebuilt to learn them.
        return recorded_diagnostics(path) is not None and up_to_date(path, inputs)

    def validate(cls: type[backends.Backend], done: pipeline.Rendered) -> None:
        extra = [Finding(d["level"], d["code"], d["message"],
                         f"{d['file']}:{d['line']}" if d.get("file") and d.get("line") else d.get("file") or "-")
                 for d in done.diagnostics]
        ran, findings = cls.validate(done.path)
        report.outputs.append(OutputCheck(done.name, str(done.path), done.rebuilt, cls.validator, ran,
                                          findings, extra))

    # Paginated backends first: the EPUB marks their page breaks.
    pipeline.render(pub, None, backends.BuildOptions(), lambda cls: output_path(pub, cls, None),
                    progress=progress, label="check", keep=keep, after=validate)
    return report


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
