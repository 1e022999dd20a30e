"""``pubbuild batch --scheduler`` on a real Dask cluster on loopback: a `dask scheduler` and two
`dask worker` processes; one worker is killed (SIGKILL) mid-batch, and every output is still
there, byte-identical to a one-process run of the same inputs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batchutil import tiny_project, tree

from pubbuild.batch.cluster import DEFAULT_MEMORY_LIMIT
from pubbuild.batch.inputs import jobs, resolve
from pubbuild.batch.tasks import STAMP, build_publication

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PUBLICATIONS = 6


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def _wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path):
    """(scheduler address, [worker processes]): a scheduler and two one-thread workers on
    127.0.0.1, without nannies (a killed worker stays dead: nothing restarts it)."""
    procs: list[subprocess.Popen] = []
    info = tmp_path / "scheduler.json"
    try:
        procs.append(_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                             "--no-dashboard", "--scheduler-file", str(info)], tmp_path / "scheduler.log"))
        _wait_for(info.exists, 60, "the scheduler")
        address = json.loads(info.read_text())["address"]
        for n in range(2):
            procs.append(_start([str(BIN / "dask"), "worker", address, "--host", "127.0.0.1",
                                 "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                 "--memory-limit", DEFAULT_MEMORY_LIMIT, "--name", f"w{n}"],
                                tmp_path / f"worker{n}.log"))
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(2, timeout=60)
        yield address, procs[1:]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_worker_killed_mid_batch_outputs_identical_to_one_process(cluster, tmp_path):
    address, workers = cluster
    projects = tmp_path / "projects"
    for n in range(1, PUBLICATIONS + 1):
        tiny_project(projects / f"p{n}", n)
    inputs = [projects / f"p{n}" for n in range(1, PUBLICATIONS + 1)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1714521600"}

    out = tmp_path / "out"
    batch = subprocess.Popen([str(BIN / "pubbuild"), "batch", *map(str, inputs), "--out-dir", str(out),
                              "--scheduler", address], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        # Mid-batch: a first publication is done, others are not; both workers are busy (one
        # thread each, more tasks than workers).
        _wait_for(lambda: len(list(out.glob(f"*/{STAMP}"))) >= 1 or batch.poll() is not None, 300,
                  "a first publication")
        done_at_kill = len(list(out.glob(f"*/{STAMP}")))
        workers[0].send_signal(signal.SIGKILL)
        # Reaped at once, as its shell or nanny would: a zombie's pid still looks alive to the
        # sweep of the ``.part`` files it left.
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        _, stderr = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert done_at_kill < PUBLICATIONS
    assert batch.returncode == 0, stderr.decode()
    report = json.loads((out / "batch-report.json").read_text())
    assert report["counts"] == {"built": PUBLICATIONS, "skipped": 0, "failed": 0}

    # The reference: the same tasks, one after the other, in this one process.
    reference = tmp_path / "reference"
    os.environ["SOURCE_DATE_EPOCH"] = env["SOURCE_DATE_EPOCH"]
    try:
        for job in jobs(resolve(inputs)):
            assert build_publication(job, str(reference), ["epub", "pdf", "deposit"],
                                     env["SOURCE_DATE_EPOCH"])["status"] == "built"
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH")
    built, expected = tree(out), tree(reference)
    assert len(expected) > PUBLICATIONS * 10  # EPUB, PDF, stamp and a bag of files each
    assert built == expected
    assert not list(out.rglob("*.part"))
