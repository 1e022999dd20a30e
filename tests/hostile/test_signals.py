"""SIGTERM is handled like Ctrl-C, and what a killed run leaves is swept by the next one
(issue 12): SIGTERM and SIGKILL left `.part` files and `.part` deposit folders behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from packutil import copy_root

from pubbuild import partfiles
from pubbuild.cli import main


def _sample(tmp_path: Path) -> Path:
    """A copy of the sample project: its PDF takes long enough to be interrupted mid-write."""
    project = tmp_path / "sample"
    shutil.copytree(ROOT / "sources", project / "sources")
    shutil.copy(ROOT / "pubbuild.yaml", project)
    return project


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.part")) if folder.exists() else []


def _cpu_of_group(pgid: int) -> str:
    """Each live process of group ``pgid``, and each of its threads: state, CPU seconds so far,
    seconds spent runnable but waiting for a CPU (schedstat), the CPU it last ran on and the
    kernel function it waits in, read from /proc twice, two seconds apart, so that a run found
    still running says whether it was working (a loop: CPU grows), waiting (a lock, a pipe, a
    page: state S or D, its wchan) or starved (state R, the wait for a CPU grows)."""
    ticks = os.sysconf("SC_CLK_TCK")

    def sample() -> dict[str, str]:
        lines = {}
        for stat in Path("/proc").glob("[0-9]*/task/[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                wchan = (stat.parent / "wchan").read_text().strip() or "-"
                queued = int((stat.parent / "schedstat").read_text().split()[1]) / 1e9
            except OSError:
                continue
            # after the name: state, ppid, pgrp, ..., utime (12th), stime (13th), ..., nice (17th),
            # ..., the CPU it last ran on (37th)
            if int(fields[2]) == pgid:
                pid, tid = stat.parent.parent.parent.name, stat.parent.name
                cpu = (int(fields[11]) + int(fields[12])) / ticks
                lines[f"pid {pid} thread {tid}"] = (f"parent {fields[1]} nice {fields[16]} state {fields[0]}"
                                                    f" cpu {cpu:.2f} s waited for a cpu {queued:.2f} s"
                                                    f" on cpu {fields[36]} wchan {wchan}")
        return lines

    first = sample()
    time.sleep(2)
    second = sample()
    return "\n".join([f"{name} {first.get(name, '(not yet)')}; 2 s later: {second.get(name, '(gone)')}"
                      for name in sorted(first.keys() | second.keys())] + _native_stacks(second)) \
        or "(no process left in its group)"


def _native_stacks(threads: dict[str, str]) -> list[str]:
    """The kernel stack of each thread (root reads it) and, where gdb is installed, the C stack
    of each thread of each process: a thread waiting for the interpreter's lock shows as
    Python code in faulthandler's dump, and only its C stack says so."""
    out = []
    for name in sorted(threads):
        pid, tid = name.split()[1], name.split()[3]
        try:
            out.append(f"kernel stack of {name}:\n{Path(f'/proc/{pid}/task/{tid}/stack').read_text().rstrip()}")
        except OSError:
            pass
    gdb = shutil.which("gdb")
    for pid in sorted({name.split()[1] for name in threads}) if gdb else []:
        try:
            done = subprocess.run([gdb, "-p", pid, "-batch", "-ex", "thread apply all bt 25"],
                                  capture_output=True, text=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            continue
        stacks = [line for line in done.stdout.splitlines() if line.startswith(("Thread ", "#"))]
        out.append(f"C stacks of pid {pid} (gdb):\n" + "\n".join(stacks))
    return out


def _stop(proc: subprocess.Popen) -> str:
    """Stop ``proc`` (not reaped yet) and every process it started, and return its stderr with
    the Python stack of each thread of each (faulthandler dumps them on SIGABRT): a run that
    hangs says where, and leaves no process to the tests after this one."""
    try:
        os.killpg(proc.pid, signal.SIGABRT)  # its own group: the workers it forked too
        _, err = proc.communicate(timeout=30)
    except ProcessLookupError:
        _, err = proc.communicate()
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return err


@pytest.mark.parametrize("command, signum, status, said", [
    ("pdf", signal.SIGTERM, 143, "pubbuild: terminated"),
    ("pdf", signal.SIGINT, 130, "pubbuild: interrupted"),
    ("deposit", signal.SIGTERM, 143, "pubbuild: terminated"),
])
def test_a_signal_mid_write_removes_the_temporaries(tmp_path, command, signum, status, said):
    project = _sample(tmp_path)
    build = project / "build"
    # A process group of its own, as a shell gives each command: stopping it on failure reaches
    # the workers it forked (the signal under test goes to pubbuild alone).
    proc = subprocess.Popen([sys.executable, "-m", "pubbuild", "-q", command, str(project / "pubbuild.yaml")],
                            stderr=subprocess.PIPE, text=True, process_group=0,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        started = last = time.monotonic()
        deadline, longest = started + 120, 0.0
        while not _parts(build) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
            # The longest pause between two looks: this process stalled (a frozen machine) or not.
            longest, last = max(longest, time.monotonic() - last), time.monotonic()
        if not _parts(build):
            ended, waited = proc.poll(), time.monotonic() - started
            cpu = _cpu_of_group(proc.pid) if ended is None else ""
            err = _stop(proc) if ended is None else proc.communicate()[1]
            pytest.fail(f"no temporary seen (the run {'ended with ' + str(ended) if ended is not None else 'still ran'}"
                        f" after {waited:.1f} s, looking every {longest:.2f} s at most);"
                        f" its processes:\n{cpu}\nits stderr:\n{err}")
        proc.send_signal(signum)
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 120 s after the signal:\n{_stop(proc)}")
    finally:
        if proc.returncode is None:  # failed on the way: not left running
            _stop(proc)
    assert proc.returncode == status, err
    assert err.strip().splitlines()[-1] == said
    assert _parts(build) == []
    assert not any(p.suffix in (".pdf", ".epub") for p in build.iterdir())
    assert not (build / "south-caucasus-and-beyond-deposit").exists()


@pytest.mark.parametrize("folder", [False, True])
def test_a_signal_as_the_temporary_is_made_leaves_nothing(tmp_path, monkeypatch, folder):
    """The window the test above hits under load: the signal lands once ``mkstemp`` made
    the file, before the code that removes it on failure is in force."""
    made = partfiles.new_folder if folder else partfiles.new_file

    def interrupted(target: Path) -> Path:
        path = made(target)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C, right then
        return path
    monkeypatch.setattr(partfiles, "new_folder" if folder else "new_file", interrupted)
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), partfiles.temporary(tmp_path / "out.epub", folder=folder):
        # The held signal is delivered once the removal is in force: as the block begins, or,
        # on a loaded machine, a few bytecodes into it (the interpreter runs Python handlers
        # only when it next checks); either way nothing may be left behind.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.01)
        pytest.fail("the held signal was never delivered")
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is handler


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_run_sweeps_what_a_killed_run_left(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    build = manifest.parent / "build"
    cache = build / ".cache" / "articles"
    cache.mkdir(parents=True)
    dead, alive = _dead_pid(), os.getpid()  # this test's own process: alive
    stale = [build / f".test-pack.epub.{dead}.a1b2c3d4.part", cache / f".{'0' * 64}.json.{dead}.zz99_x0y.part"]
    stale_folder = build / f".test-pack-deposit.{dead}.k2j3h4g5.part"
    (stale_folder / "data").mkdir(parents=True)
    (stale_folder / "data" / "x.epub").write_bytes(b"half a deposit")
    kept = [build / f".test-pack.epub.{alive}.a1b2c3d4.part",  # a build running now
            build / f".other.epub.{dead}.a1b2c3d4.part",  # another output's: not this run's business
            build / "notes.part", build / ".test-pack.epub.part", build / f"test-pack.epub.{dead}.a1b2c3d4.part",
            build / f".test-pack.epub.{dead}.a1b2c3d4.partial"]
    for path in stale + kept:
        path.write_bytes(b"x")
    assert main(["-q", "epub", str(manifest)]) == 0
    assert main(["-q", "build", str(manifest), "--format", "epub"]) == 0
    assert main(["-q", "deposit", str(manifest)]) == 0
    assert [p for p in stale + [stale_folder] if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
