"""The one loop over the backends: render every backend over one publication.

Every command that writes an output comes here (``epub``/``pdf`` through
:func:`pubbuild.assemble.build.build`, ``build``, ``check``, ``deposit``); nothing else
renders.  Recipe (:func:`render`): order the backends, paginated ones first
(:attr:`~pubbuild.backends.Backend.paginated`) -> for each, keep an output that is
up to date (``check``) or write a new one atomically (temporary file, renamed into
place) -> hand the page map a paginated backend leaves on to the backends after it
(the EPUB marks the print edition's page breaks) -> remember each fresh output's
diagnostics and page map beside it (``build/.cache/outputs``), so a later ``check``
of the unchanged file needs no rebuild.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import backends, partfiles
from .assemble.matter import refresh_accessibility_page
from .backends.pagemap import PageBreak
from .diagnostics import Diagnostic
from .errors import OutputError, PubbuildError
from .facts import ImagePlan, count_content, plan_images
from .model import Publication
from .progress import NULL_PROGRESS, Progress

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Rendered:
    """One backend's output in a run of :func:`render`."""

    name: str
    """Backend name."""
    path: Path
    """The output file."""
    rebuilt: bool
    """True when written in this run; False when an up-to-date output was kept."""
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    """The backend's diagnostics (as recorded, for a kept output)."""
    backend: backends.Backend | None = None
    """The backend that wrote it (None for a kept output)."""


def ordered(names: list[str] | None = None) -> list[type[backends.Backend]]:
    """Backend classes to render (default: every registered one), paginated backends first,
    so their page map is ready for the others."""
    classes = [backends.get(n) for n in (names or backends.names())]
    return sorted(classes, key=lambda cls: not cls.paginated)


def render(pub: Publication, names: list[str] | None, options: backends.BuildOptions | None,
           where: Callable[[type[backends.Backend]], Path], *, diags: list[Diagnostic] | None = None,
           progress: Progress = NULL_PROGRESS, label: str = "write", record: bool = True,
           keep: Callable[[type[backends.Backend], Path], bool] | None = None,
           after: Callable[[type[backends.Backend], Rendered], None] | None = None) -> list[Rendered]:
    """Run each backend (``names``, default all) over ``pub`` into ``where(backend class)``.

    ``keep(cls, path)`` True keeps an output that is up to date and has a record (its
    recorded diagnostics and page map stand in for a new build).  Backend diagnostics
    are appended to ``diags``; ``record`` remembers each fresh output's diagnostics and
    page map beside it; ``after`` is called for each output as it is done."""
    done: list[Rendered] = []
    page_map: list[PageBreak] | None = None
    plan: ImagePlan | None = None
    classes = ordered(names)
    for position, cls in enumerate(classes):
        path = where(cls)
        if keep is not None and keep(cls, path):
            result = Rendered(cls.name, path, False, recorded_diagnostics(path) or [])
            handed_on = recorded_page_map(path)
        else:
            if plan is None:  # the images, decided once for every edition (nothing kept needs it)
                plan = decide_images(pub, options, diags)
            backend = cls(options, page_map)
            backend.image_plan = plan
            backend.progress = progress
            # The page map serves the backends after this one and the output's record.
            backend.page_map_wanted = record or position < len(classes) - 1
            # A backend that reports no stages of its own gets one bar of one step: one bar
            # with a step per format sat at 0/2 through the whole PDF layout.
            bar = NULL_PROGRESS("", 0) if cls.reports_progress else progress(f"{label} {cls.name}", 1)
            try:
                write_atomically(backend, pub, path)
            except PubbuildError as exc:
                # The articles' and earlier editions' findings go with the failure.
                found = list(diags) if diags is not None else list(plan.diagnostics)
                exc.diagnostics = [*found, *backend.diagnostics, *exc.diagnostics]
                raise
            bar.advance()
            bar.close()
            # Each output's own record names the images it lacks too; the run reports them once.
            own = [*plan.diagnostics, *backend.diagnostics]
            if record:
                record_output(path, own, backend.page_map)
            if diags is not None:
                diags.extend(backend.diagnostics)
            result = Rendered(cls.name, path, True, [d.as_dict() for d in own], backend)
            handed_on = backend.page_map
        if handed_on:
            page_map = handed_on
        done.append(result)
        if after is not None:
            after(cls, result)
    return done


def decide_images(pub: Publication, options: backends.BuildOptions | None,
                  diags: list[Diagnostic] | None) -> ImagePlan:
    """Which images go into every edition of this build, and the accessibility statement
    written from the count over them (:mod:`pubbuild.facts`): both editions then show,
    report and state the same."""
    plan = plan_images(pub, bool(options and options.allow_network))
    refresh_accessibility_page(pub, count_content(pub, plan))
    if diags is not None:
        diags.extend(plan.diagnostics)
    return plan


def output_path(pub: Publication, backend: type[backends.Backend], output: Path | None) -> Path:
    """Where the output goes: ``-o``, else ``build/<slug><suffix>`` in the project."""
    if output is not None:
        return output
    return pub.root / "build" / f"{pub.slug}{backend.suffix}"


def write_atomically(backend: backends.Backend, pub: Publication, target: Path) -> Path:
    """Render into a temporary file beside ``target``, then rename it into place.

    A place that cannot take the file (a folder, a read-only or full disk, a path
    through a file) is an :class:`OutputError` naming it; what was there stays."""
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; name the output file instead")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partfiles.sweep(target.parent, target.name)
        with partfiles.temporary(target) as tmp:
            try:
                backend.write(pub, tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
            except OutputError as exc:  # the backend named its temporary: name the output
                raise OutputError(str(exc).replace(str(tmp), str(target)),
                                  [p.replace(str(tmp), str(target)) for p in exc.problems]) from None
    except OSError as exc:  # the temporary could not be made
        raise OutputError(f"{target}: cannot write here: {exc.strerror or exc}") from None
    logger.info("wrote %s", target)
    return target


# ------------------------------------------------------------------ output records

def _record_path(output: Path) -> Path:
    return output.parent / ".cache" / "outputs" / f"{output.name}.json"


def record_output(output: Path, diagnostics: list[Diagnostic], page_map: list[PageBreak] | None = None) -> None:
    """Remember the backend diagnostics of a freshly written output, so that a later
    ``check`` of the unchanged file reports them without building it again; and the
    page map of a paginated output, so that an EPUB rebuilt without it keeps its
    print page numbers."""
    stat = output.stat()
    record = _record_path(output)
    tmp = record.with_name(f".{record.name}.part")
    data = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "diagnostics": [d.as_dict() for d in diagnostics]}
    if page_map:
        data["page_map"] = [dataclasses.asdict(b) for b in page_map]
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, record)
    except OSError as exc:  # a record is a shortcut for ``check``, which rebuilds without it
        logger.warning("%s: build record not written (%s)", record, exc.strerror or exc)


def recorded_page_map(output: Path) -> list[PageBreak] | None:
    """The page map recorded with ``output`` when that very file was written, else None."""
    if recorded_diagnostics(output) is None:  # no record of this very file
        return None
    data = json.loads(_record_path(output).read_text(encoding="utf-8"))
    try:
        return [PageBreak(**b) for b in data.get("page_map") or []] or None
    except TypeError:  # recorded by another pubbuild version
        return None


def recorded_diagnostics(output: Path) -> list[dict[str, Any]] | None:
    """The diagnostics recorded for ``output``, or None when there is no record of
    this very file (written by another tool, or changed since)."""
    try:
        data = json.loads(_record_path(output).read_text(encoding="utf-8"))
        stat = output.stat()
    except (OSError, ValueError):
        return None
    if data.get("size") != stat.st_size or data.get("mtime_ns") != stat.st_mtime_ns:
        return None
    diagnostics: list[dict[str, Any]] = data.get("diagnostics", [])
    return diagnostics
