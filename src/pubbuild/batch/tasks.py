"""The task: one whole publication, built on whichever worker runs it.

A publication, not an article, is the unit: normalising one article is too small a task to
be worth scheduling, and a publication's outputs (EPUB, PDF, deposit) share its articles.
Recipe (:func:`build_publication`): hash what the outputs depend on -> keep the outputs when
the stamp beside them says they were made from the same inputs, options and pubbuild
version (``skipped``, or ``built`` when this very run wrote that stamp: see ``stamp_before``) ->
else remove the stamp, build EPUB and PDF with
:func:`pubbuild.assemble.build.build_all` and the deposit with :func:`pubbuild.deposit.deposit`
(each written under a temporary name and renamed into place) -> write the stamp.

A user error (a manifest, a source) comes back as a ``failed`` result, never an exception: it
would fail again anywhere.  Any other exception escapes, so that Dask runs the task again
(``retries``), as it does when the worker dies under it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, diagnostics, partfiles
from ..errors import PubbuildError
from .inputs import Job, digest, file_sha256, project_files

if TYPE_CHECKING:
    from ..deposit import DepositResult

logger = logging.getLogger(__name__)

#: The stamp beside a publication's outputs: what they were made from.
STAMP = ".pubbuild-batch.json"
STAMP_NAME = "pubbuild-batch-stamp"
STAMP_FORMAT = 1
#: The output formats a batch knows: the page backends, and the deposit.
DEPOSIT = "deposit"


def output_names(slug: str) -> dict[str, str]:
    """Format -> the output's name inside ``DIR/<slug>/``."""
    from .. import backends

    names = {name: f"{slug}{backends.get(name).suffix}" for name in backends.names()}
    names[DEPOSIT] = f"{slug}-deposit"
    return names


def output_sha256(path: Path) -> str:
    """A file's SHA-256; for a deposit (a BagIt folder), that of its tag manifest, which holds the
    checksums of the bag's manifests and bag-info, which hold those of every payload file."""
    if path.is_dir():
        return file_sha256(path / "tagmanifest-sha256.txt")
    return file_sha256(path)


def build_publication(job: Job, out_dir: str, formats: list[str],
                      source_date_epoch: str | None = None,
                      stamp_before: list[int] | None = None) -> dict:
    """Build ``job``'s ``formats`` into ``out_dir/<slug>/``; return its line of the report.

    ``stamp_before`` is :func:`stamp_identity` of the publication's stamp as the client saw it
    when the batch began (``None``: not known, and every valid stamp means ``skipped``).  A
    worker killed after writing the stamp (its last step) but before its result reached the
    scheduler has built the publication; the task run again finds a valid stamp that was not
    there when the batch began, and reports the publication ``built`` by this batch, not
    ``skipped``."""
    started, cpu = time.perf_counter(), time.process_time()
    result: dict = {"input": job.label, "slug": job.slug, "status": "failed", "outputs": {},
                    "diagnostics": {}, "timings": {}, "worker": _worker_name()}
    if job.error is not None or job.slug is None:
        result["error"] = job.error or "no slug"
        return result
    folder = Path(out_dir) / job.slug
    root = Path(job.root)
    names = {f: n for f, n in output_names(job.slug).items() if f in formats}
    try:
        files = job.files if job.files is not None else project_files(root, Path(out_dir))
        key = _key(digest(root, files), formats, source_date_epoch, job)
        stamp = _read_stamp(folder)
        if stamp is not None and stamp.get("key") == key and _unchanged(folder, stamp, names):
            ours = stamp_before is not None and stamp_identity(folder) != stamp_before
            result.update(status="built" if ours else "skipped", outputs=stamp["outputs"],
                          diagnostics=stamp.get("diagnostics", {}), articles=stamp.get("articles"))
            if job.warc:
                result["not_articles"] = stamp.get("not_articles", [])
            return result
        (folder / STAMP).unlink(missing_ok=True)  # from here on the outputs are not those stamped
        found: list = []
        with _environment(source_date_epoch), _silent_log():
            if job.warc:
                from .warc import keep_articles

                dropped, left = keep_articles(Path(job.manifest))
                result["not_articles"] = [job.provenance.get(rel, {}).get("url", rel) for rel in dropped]
                if not left:  # not a publication: its pages are counted with the archives
                    result["status"] = "empty"
                    return result
            result["articles"] = _build(job, folder, formats, names, result["timings"], found)
        result["diagnostics"] = diagnostics.counts(found)
        result["outputs"] = {f: {"file": f"{job.slug}/{n}", "sha256": output_sha256(folder / n)}
                             for f, n in names.items()}
        _write_stamp(folder, {"format": STAMP_NAME, "version": STAMP_FORMAT, "key": key,
                              "pubbuild": __version__, "formats": sorted(formats),
                              "outputs": result["outputs"], "diagnostics": result["diagnostics"],
                              "articles": result["articles"],
                              "not_articles": result.get("not_articles", [])})
        result["status"] = "built"
    except PubbuildError as exc:
        result["error"] = "\n".join(exc.lines())
        # What the build found before it failed is counted in the report all the same.
        result["diagnostics"] = diagnostics.counts(exc.diagnostics) if exc.diagnostics else {}
    finally:
        result["timings"]["total"] = round(time.perf_counter() - started, 3)
        # The worker's processor time: what the task costs, however loaded the machine is.
        result["timings"]["cpu"] = round(time.process_time() - cpu, 3)
    return result


def _build(job: Job, folder: Path, formats: list[str], names: dict[str, str],
           timings: dict[str, float], found: list) -> int:
    """Write the outputs; return the number of articles.  The publication's diagnostics go
    to ``found``, each once: the deposit renders the same articles again (its archival
    edition), so its findings are those of the page formats' build when there was one."""
    from .. import backends
    from ..assemble.build import build_all

    folder.mkdir(parents=True, exist_ok=True)
    articles = 0
    pages = [f for f in formats if f != DEPOSIT]
    if pages:
        t = time.perf_counter()
        # One process per task: the worker processes are the parallelism (and a daemonic Dask
        # worker may not start processes of its own).
        options = backends.BuildOptions(extra={"jobs": 1})
        built = build_all(Path(job.manifest), folder, options, jobs=1, formats=pages)
        articles = len(built.publication.articles)
        found.extend(built.diagnostics)
        timings["build"] = round(time.perf_counter() - t, 3)
    if DEPOSIT in formats:
        t = time.perf_counter()
        made = _deposit(job, folder / names[DEPOSIT])
        articles = made.articles or articles
        if not pages:
            found.extend(made.diagnostics)
        timings[DEPOSIT] = round(time.perf_counter() - t, 3)
    return articles


def _deposit(job: Job, final: Path) -> DepositResult:
    """Write the deposit under a temporary name and put it in place of the one there (a deposit
    is never overwritten in place: the old one is moved aside, then removed)."""
    from ..deposit import deposit

    partfiles.sweep(final.parent, final.name)  # left by a worker killed while writing it
    with partfiles.temporary(final, folder=True) as tmp:
        made = deposit(Path(job.manifest), tmp / final.name, jobs=1,
                       provenance=job.provenance or None)
        old = None
        if final.exists():
            old = partfiles.new_folder(final)
            os.replace(final, old)  # onto the empty folder: a rename, never a copy
        os.rename(made.path, final)
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return made


def _key(inputs: str, formats: list[str], source_date_epoch: str | None, job: Job) -> str:
    data = {"inputs": inputs, "formats": sorted(formats), "pubbuild": __version__,
            "SOURCE_DATE_EPOCH": source_date_epoch, "provenance": job.provenance}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _read_stamp(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if type(data) is not dict or data.get("format") != STAMP_NAME or data.get("version") != STAMP_FORMAT:
        return None
    return data


def stamp_identity(folder: Path) -> list[int]:
    """What tells one writing of a publication's stamp from another: its inode, modification
    time and size (the stamp is always written anew under a temporary name and renamed into
    place, so every writing is a new file), or ``[]`` when there is none.  Its content would
    not do: building the same inputs again writes the same bytes."""
    try:
        st = (folder / STAMP).stat()
    except OSError:
        return []
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def _unchanged(folder: Path, stamp: dict, names: dict[str, str]) -> bool:
    """Every output the stamp lists is there with the checksum it had."""
    outputs = stamp.get("outputs")
    if type(outputs) is not dict or set(outputs) != set(names):
        return False
    try:
        return all(output_sha256(folder / names[f]) == outputs[f].get("sha256") for f in names)
    except (OSError, AttributeError):
        return False


def _write_stamp(folder: Path, data: dict) -> None:
    target = folder / STAMP
    with partfiles.temporary(target) as tmp:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "this process"


@contextlib.contextmanager
def _environment(source_date_epoch: str | None) -> Iterator[None]:
    """The client's ``SOURCE_DATE_EPOCH`` in force on the worker, whatever the worker's own
    environment: a remote worker must date the outputs as this machine would."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    _set("SOURCE_DATE_EPOCH", source_date_epoch)
    try:
        yield
    finally:
        _set("SOURCE_DATE_EPOCH", before)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@contextlib.contextmanager
def _silent_log() -> Iterator[None]:
    """The library's log goes nowhere while the task runs: a worker has no terminal to print it
    on, and what the user must know (the diagnostics, an error) comes back in the result."""
    log = logging.getLogger("pubbuild")
    sink = logging.NullHandler()
    saved = log.propagate
    log.addHandler(sink)  # a logger with no handler at all would reach logging's last resort
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(sink)
        log.propagate = saved
