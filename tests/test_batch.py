"""``pubbuild batch`` on a real Dask LocalCluster: many tiny publications, one broken; the
report; resuming; inputs as folders, manifests and lists; bad command lines."""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path

import pytest
from batchutil import tiny_project, tree

from pubbuild.cli import main


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> Path:
    """Twelve one-article projects, the seventh broken (its article holds no text)."""
    base = tmp_path_factory.mktemp("projects")
    for n in range(1, 13):
        tiny_project(base / f"p{n:02d}", n, broken=n == 7)
    return base


def _report(out: Path) -> dict:
    return json.loads((out / "batch-report.json").read_text(encoding="utf-8"))


def test_local_cluster_batch_resumes_and_isolates_the_broken_one(projects, tmp_path, capsys):
    out = tmp_path / "out"
    # A list file naming some projects (one as its manifest), the rest given directly.
    listing = projects / "list.txt"
    listing.write_text("# packs\np01\n\np02/pubbuild.yaml\np03\n", encoding="utf-8")
    inputs = [str(listing)] + [str(projects / f"p{n:02d}") for n in range(4, 13)]
    status = main(["batch", *inputs, "--out-dir", str(out), "--format", "epub", "--workers", "2"])
    assert status == 1  # one failed
    report = _report(out)
    assert report["counts"] == {"built": 11, "skipped": 0, "failed": 1}
    assert report["workers"] == 2
    assert [p["slug"] for p in report["publications"]] == [f"pack-{n:02d}" for n in range(1, 13)]
    broken = report["publications"][6]
    assert broken["status"] == "failed" and "sources/article.html" in broken["error"]
    assert "no text" in broken["error"]
    assert broken["outputs"] == {}
    assert not (out / "pack-07" / "pack-07.epub").exists()
    assert "sources/article.html" in capsys.readouterr().err
    for pub in report["publications"]:
        if pub["status"] != "built":
            continue
        assert set(pub["outputs"]) == {"epub"}
        epub = out / pub["outputs"]["epub"]["file"]
        assert hashlib.sha256(epub.read_bytes()).hexdigest() == pub["outputs"]["epub"]["sha256"]
        assert zipfile.ZipFile(epub).read("mimetype") == b"application/epub+zip"
        assert pub["articles"] == 1 and pub["timings"]["total"] > 0
        assert set(pub["diagnostics"]) == {"error", "warning", "info", "codes"}
        assert pub["worker"].startswith("tcp://127.0.0.1:")
    assert not [p for p in out.rglob("*.part")]
    first = tree(out)

    # Nothing changed: every good one is skipped, its outputs untouched.
    assert main(["batch", *inputs, "--out-dir", str(out), "--format", "epub", "--workers", "2"]) == 1
    report = _report(out)
    assert report["counts"] == {"built": 0, "skipped": 11, "failed": 1}
    assert tree(out) == first

    # One source changed, and one option: only what they concern is built again.
    page = projects / "p03" / "sources" / "article.html"
    page.write_text(page.read_text().replace("A second paragraph", "Another paragraph"))
    assert main(["batch", *inputs, "--out-dir", str(out), "--format", "epub", "--workers", "2"]) == 1
    statuses = {p["slug"]: p["status"] for p in _report(out)["publications"]}
    assert statuses["pack-03"] == "built"
    assert [s for slug, s in statuses.items() if slug not in ("pack-03", "pack-07")] == ["skipped"] * 10


def test_same_slug_twice_fails_the_later_input(tmp_path):
    tiny_project(tmp_path / "a", 1)
    tiny_project(tmp_path / "b", 1)  # the same slug, pack-01
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "a"), str(tmp_path / "b"), "--out-dir", str(out),
                 "--format", "epub", "--workers", "1"]) == 1
    first, second = _report(out)["publications"]
    assert first["status"] == "built"
    assert second["status"] == "failed" and "already that of" in second["error"]


@pytest.mark.parametrize("argv, message", [
    (["batch", "--out-dir", "{tmp}/out"], "nothing to build"),
    (["batch", "{tmp}/missing", "--out-dir", "{tmp}/out"], "no such file or folder"),
    (["batch", "{tmp}", "--out-dir", "{tmp}/out"], "without pubbuild.yaml"),
    (["batch", "--warc", "{tmp}/none.warc.gz", "--out-dir", "{tmp}/out"], "no such web archive"),
    (["batch", "{tmp}", "--out-dir", "{tmp}/out", "--group-by", "site"], "--warc"),
    (["batch", "{tmp}", "--out-dir", "{tmp}/out", "--scheduler", "tcp://127.0.0.1:1",
      "--workers", "2"], "--scheduler"),
])
def test_bad_command_lines_exit_2_and_write_nothing(tmp_path, capsys, argv, message):
    status = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unknown_format_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(tmp_path), "--out-dir", str(tmp_path / "o"), "--format", "docx"])
    assert exc.value.code == 2


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    # distributed loaded first: a set() made before its defaults are loaded removes the whole
    # ``distributed`` key on leaving, so later tests in this process found no defaults (KeyError).
    import dask
    import distributed  # noqa: F401

    tiny_project(tmp_path / "a", 1)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        status = main(["batch", str(tmp_path / "a"), "--out-dir", str(tmp_path / "out"),
                       "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    assert "cannot reach a Dask scheduler" in capsys.readouterr().err


def _worker_memory_settings() -> tuple:
    import dask

    return tuple(dask.config.get(f"distributed.worker.memory.{k}")
                 for k in ("target", "spill", "pause", "terminate"))


def test_local_workers_have_the_memory_limit_and_are_never_paused():
    from pubbuild.batch.cluster import DEFAULT_MEMORY_LIMIT, PROCESS_BOUND_MB, client

    assert DEFAULT_MEMORY_LIMIT.endswith("MiB") and int(DEFAULT_MEMORY_LIMIT[:-3]) > PROCESS_BOUND_MB
    with client(None, 1, "300MiB", 3) as c:
        [worker] = c.scheduler_info()["workers"].values()
        assert worker["memory_limit"] == 300 * 2**20
        assert worker["nthreads"] == 1
        # Set in the worker process itself, not only in this one.
        assert list(c.run(_worker_memory_settings).values()) == [(False, False, False, 0.95)]


def test_a_task_whose_worker_dies_past_the_memory_limit_fails_alone(tmp_path, capsys):
    """A limit below what a build takes: the nanny kills the worker under the task, Dask runs it
    again (--retries 1), the worker dies again, and the publication is failed with a message
    that names the limit; nothing half-written is left."""
    tiny_project(tmp_path / "a", 1)
    out = tmp_path / "out"
    status = main(["batch", str(tmp_path / "a"), "--out-dir", str(out), "--format", "pdf",
                   "--workers", "1", "--memory-limit", "140MiB", "--retries", "1"])
    assert status == 1
    [pub] = _report(out)["publications"]
    assert pub["status"] == "failed" and "--memory-limit" in pub["error"]
    assert "--memory-limit" in capsys.readouterr().err
    assert not (out / "pack-01" / "pack-01.pdf").exists()


def test_a_project_moved_to_another_folder_is_still_up_to_date(tmp_path):
    """The stamp's key is made of the project's contents, not its place: the same project in
    another folder (or on another machine) is skipped."""
    tiny_project(tmp_path / "here", 3)
    out = tmp_path / "out"
    argv = ["--out-dir", str(out), "--format", "epub", "--workers", "1"]
    assert main(["batch", str(tmp_path / "here"), *argv]) == 0
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "here").rename(tmp_path / "elsewhere" / "there")
    assert main(["batch", str(tmp_path / "elsewhere" / "there"), *argv]) == 0
    [pub] = _report(out)["publications"]
    assert pub["status"] == "skipped"
    # ... and any change to what it holds is not.
    (tmp_path / "elsewhere" / "there" / "styles").mkdir()
    (tmp_path / "elsewhere" / "there" / "styles" / "epub.css").write_text("p { margin: 0 }\n")
    assert main(["batch", str(tmp_path / "elsewhere" / "there"), *argv]) == 0
    assert _report(out)["publications"][0]["status"] == "built"


def test_a_task_returns_each_finding_once_with_its_result(tmp_path, caplog):
    """The task's findings come back in its result, counted once per cause: the deposit renders
    the same articles again, and the log carries none of them."""
    from pubbuild.assemble.build import build_all
    from pubbuild.batch.inputs import jobs, resolve
    from pubbuild.batch.tasks import build_publication
    from pubbuild.diagnostics import counts

    folder = tiny_project(tmp_path / "p", 3)
    page = folder / "sources" / "article.html"
    page.write_text(page.read_text().replace(
        "</h1>", '</h1><img src="pics/missing.png" alt="A map."><img src="https://img.example/a.png" alt="A view.">'))
    job = jobs(resolve([folder]))[0]
    with caplog.at_level(logging.DEBUG, logger="pubbuild"):
        result = build_publication(job, str(tmp_path / "out"), ["epub", "pdf", "deposit"])
    assert result["status"] == "built", result
    assert result["diagnostics"]["codes"] == {"A002": 1, "S007": 1}
    assert result["diagnostics"] == counts(build_all(folder / "pubbuild.yaml", tmp_path / "alone").diagnostics)
    assert not [r for r in caplog.records if "missing.png" in r.getMessage()]


def test_a_failed_task_still_counts_what_its_build_found(tmp_path):
    """A publication whose second article is only a menu fails; the first article's missing
    image (S007), found before the failure, is in its report line."""
    from pubbuild.batch.inputs import jobs, resolve
    from pubbuild.batch.tasks import build_publication

    folder = tiny_project(tmp_path / "p", 3)
    page = folder / "sources" / "article.html"
    page.write_text(page.read_text().replace("</h1>", '</h1><img src="pics/missing.png" alt="A map.">'))
    (folder / "sources" / "menu.html").write_text(
        '<html lang="en"><body><nav><a href="/">Home</a> <a href="/a">About</a></nav></body></html>')
    manifest = folder / "pubbuild.yaml"
    manifest.write_text(manifest.read_text() + "  - sources/menu.html\n")
    job = jobs(resolve([folder]))[0]
    result = build_publication(job, str(tmp_path / "out"), ["epub"])
    assert result["status"] == "failed" and "sources/menu.html" in result["error"], result
    assert result["diagnostics"]["codes"].get("S007") == 1, result


def test_a_task_run_again_after_its_worker_died_reports_built_not_skipped(tmp_path):
    """A worker killed after writing a publication's stamp (its last step) but before its
    result reached the scheduler: Dask runs the task again, which finds the stamp.  That
    publication was built by this batch (the stamp was not there when it began); only a stamp
    the batch found when it began means ``skipped``."""
    from pubbuild.batch.inputs import jobs, resolve
    from pubbuild.batch.tasks import build_publication, stamp_identity

    job = jobs(resolve([tiny_project(tmp_path / "p", 4)]))[0]
    out = tmp_path / "out"
    folder = out / str(job.slug)
    before = stamp_identity(folder)
    assert before == []  # nothing there yet
    first = build_publication(job, str(out), ["epub"], None, before)
    assert first["status"] == "built", first
    # The first run's result was lost with its worker; the same task, run again:
    again = build_publication(job, str(out), ["epub"], None, before)
    assert again["status"] == "built", again
    assert again["outputs"] == first["outputs"]
    # A later batch, which finds this stamp when it begins, keeps the outputs: skipped.
    later = build_publication(job, str(out), ["epub"], None, stamp_identity(folder))
    assert later["status"] == "skipped", later
    # A caller that did not look (no batch): a valid stamp means skipped, as before.
    assert build_publication(job, str(out), ["epub"])["status"] == "skipped"
    # A stale stamp found at the start (the inputs changed since): rebuilt, then a rerun of that
    # task after a crash finds the new stamp, not the one the batch began with: built.
    page = tmp_path / "p" / "sources" / "article.html"
    page.write_text(page.read_text().replace("</h1>", "</h1><p>A new paragraph.</p>"))
    job = jobs(resolve([tmp_path / "p"]))[0]
    stale = stamp_identity(folder)
    assert build_publication(job, str(out), ["epub"], None, stale)["status"] == "built"
    assert build_publication(job, str(out), ["epub"], None, stale)["status"] == "built"
