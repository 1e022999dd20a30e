"""``pubbuild batch``: many publications in one run, on a Dask cluster.

Recipe (:func:`run_batch`): resolve the inputs to one job per publication
(:mod:`.inputs`; web archives through :mod:`.warc`) -> submit each job as one Dask task
(:func:`.tasks.build_publication`) to a local or existing cluster (:mod:`.cluster`) ->
collect the results as they come, a progress step each -> write ``DIR/batch-report.json``
(:mod:`.report`).  One failed publication never stops the others.

Every path a task reads or writes is absolute, and the same on every worker: on one machine
that is a given; across machines the inputs and ``DIR`` must be on a shared file system.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from .. import backends, partfiles
from ..errors import ConfigurationError, OutputError
from ..progress import NULL_PROGRESS, Progress
from .cluster import DEFAULT_MEMORY_LIMIT, client, usable_cores
from .inputs import Job, jobs, resolve
from .report import BatchReport
from .tasks import DEPOSIT, build_publication, stamp_identity

logger = logging.getLogger(__name__)

__all__ = ["BatchReport", "Job", "formats", "run_batch"]


def formats() -> list[str]:
    """What a publication can yield: every page backend, and the deposit."""
    return [*backends.names(), DEPOSIT]


def run_batch(inputs: list[Path], out_dir: Path, chosen: list[str] | None = None, *,
              warc: list[Path] | None = None, group_by: str = "none",
              workers: int | None = None, scheduler: str | None = None, retries: int = 2,
              memory_limit: str = DEFAULT_MEMORY_LIMIT,
              progress: Progress = NULL_PROGRESS) -> BatchReport:
    """Build every publication of ``inputs`` (and of the web archives ``warc``) into
    ``out_dir/<slug>/`` and write the report there."""
    started = time.perf_counter()
    chosen = sorted(set(chosen or formats()), key=formats().index)
    if not inputs and not warc:
        raise ConfigurationError("nothing to build: name project folders, manifests or lists of "
                                 "them, or web archives with --warc")
    out_dir = out_dir.absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: is a file; --out-dir names a folder")
    todo = jobs(resolve(inputs)) if inputs else []
    missing = [str(p) for p in warc or [] if not p.is_file()]
    if missing:
        raise ConfigurationError(f"{missing[0]}: no such web archive", [f"{p}: no such web archive" for p in missing])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create: {exc.strerror or exc}") from None
    report = BatchReport()
    work = None
    try:
        if warc:
            from .warc import prepare

            partfiles.sweep(out_dir, "warc-work")  # left by a killed run
            work = partfiles.new_folder(out_dir / "warc-work")
            found, report.archives = prepare(warc, work, group_by)
            todo += found
        _claim_slugs(todo)
        report.publications = _run(todo, out_dir, chosen, workers or usable_cores(), scheduler,
                                   retries, memory_limit, progress, report)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    if report.archives is not None:
        _count_pages(report)
    report.seconds = time.perf_counter() - started
    report.write(out_dir)
    return report


def _claim_slugs(todo: list[Job]) -> None:
    """A slug two inputs share would have both write ``DIR/<slug>/``: the later input fails."""
    taken: dict[str, str] = {}
    for job in todo:
        if job.slug is None or job.error is not None:
            continue
        if job.slug in taken:
            job.error = (f"{job.label}: slug {job.slug!r} is already that of {taken[job.slug]}; "
                         "give one of them another `slug:`")
        else:
            taken[job.slug] = job.label


def _run(todo: list[Job], out_dir: Path, chosen: list[str], workers: int, scheduler: str | None,
         retries: int, memory_limit: str, progress: Progress, report: BatchReport) -> list[dict]:
    from distributed import as_completed

    results: list[dict | None] = [None] * len(todo)
    bar = progress("publications", len(todo))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    runnable = []
    for n, job in enumerate(todo):
        if job.error is not None:  # fails before any work: no task for it
            results[n] = build_publication(job, str(out_dir), chosen, epoch)
            bar.advance()
        else:
            runnable.append(n)
    if runnable:
        with client(scheduler, workers, memory_limit, retries) as c:
            report.workers = len(c.scheduler_info().get("workers", {}))
            # Each stamp as this batch found it: a task that Dask runs again after its worker
            # died can then tell a stamp its first run wrote (built) from an earlier batch's.
            futures = {c.submit(build_publication, todo[n], str(out_dir), chosen, epoch,
                                stamp_identity(out_dir / str(todo[n].slug)),
                                retries=retries, pure=False): n for n in runnable}
            for future in as_completed(futures):
                n = futures[future]
                try:
                    results[n] = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker's death or a bug, after retries
                    results[n] = _lost(todo[n], exc)
                bar.advance()
    bar.close()
    return [r for r in results if r is not None]


def _lost(job: Job, exc: BaseException) -> dict:
    """The result of a task that never returned one: its workers died, or it raised."""
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        why = ("every worker that ran it died (killed, or past its memory limit: see "
               "--memory-limit)")
    else:
        why = f"internal error ({type(exc).__name__}: {exc}); please report it"
    return {"input": job.label, "slug": job.slug, "status": "failed", "outputs": {},
            "diagnostics": {}, "timings": {}, "error": f"{job.label}: {why}"}


def _count_pages(report: BatchReport) -> None:
    """Move what the tasks found about the archives' pages (pages with no article; groups with
    none) from the publications' results into the archives' account."""
    archives = report.archives
    if archives is None:
        return
    kept = []
    for pub in report.publications:
        archives["not_article_urls"] += pub.pop("not_articles", None) or []
        if pub["status"] != "empty":
            kept.append(pub)
    report.publications = kept
    archives["not_articles"] = len(archives["not_article_urls"])
    archives["articles"] = archives["html_200"] - archives["earlier_captures"] - archives["not_articles"]
