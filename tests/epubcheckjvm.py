"""One EPUBCheck JVM per test process (each pytest-xdist worker is a process of its own).

``java -jar epubcheck.jar`` costs about 9 CPU-seconds per EPUB, nearly all of it the JVM's start
and EPUBCheck's schema loading; the suite checks some forty EPUBs.  ``java/EpubCheckServer.java``
keeps one JVM open and checks each EPUB it is sent with EPUBCheck's own command-line entry point,
so each report is exactly what ``epubcheck --json`` writes.  The class is compiled once into
``.cache/epubcheck/classes-<key>/`` (keyed by the source and the jar), and a worker that finds it
there starts straight away.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import selectors
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "java" / "EpubCheckServer.java"
#: How long one EPUB may take before the check counts as hung (the suite's books take seconds).
TIMEOUT = 300


class EpubCheckError(RuntimeError):
    """The EPUBCheck process could not be started or stopped answering."""


def _compiled(jar: Path, cache: Path) -> list[str]:
    """The class path entry holding the compiled server, compiling it when not cached.

    Falls back on Java's single-file source launcher (compiling in memory at each start) when the
    JDK's ``javac`` is missing.
    """
    key = hashlib.sha256(SOURCE.read_bytes() + b"\0" + str(jar).encode()).hexdigest()[:16]
    classes = cache / f"classes-{key}"
    if (classes / "EpubCheckServer.class").is_file():
        return ["-cp", f"{jar}{os.pathsep}{classes}", "EpubCheckServer"]
    if shutil.which("javac") is None:
        return ["-cp", str(jar), str(SOURCE)]
    cache.mkdir(parents=True, exist_ok=True)
    # Compile beside the target and rename: two workers compiling at once both succeed, and
    # neither ever sees a half-written class.
    tmp = Path(tempfile.mkdtemp(prefix="classes-", dir=cache))
    proc = subprocess.run(["javac", "-nowarn", "-cp", str(jar), "-d", str(tmp), str(SOURCE)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise EpubCheckError(f"javac failed on {SOURCE.name}: {proc.stderr[-2000:]}")
    try:
        os.rename(tmp, classes)
    except OSError:  # another worker got there first; its classes are the same
        shutil.rmtree(tmp, ignore_errors=True)
    return ["-cp", f"{jar}{os.pathsep}{classes}", "EpubCheckServer"]


class EpubCheckJVM:
    """A lazily started EPUBCheck server; :meth:`check` is safe to call from several threads."""

    def __init__(self, jar: Path, cache: Path) -> None:
        self.jar = jar
        self.cache = cache
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()
        #: How many EPUBs this process checked, and how many JVMs it started (tests read both).
        self.checked = 0
        self.started = 0

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if shutil.which("java") is None:
            raise EpubCheckError("Java is required to run EPUBCheck")
        # -Xss4m: EPUBCheck's schema validation recurses deeply on large books.
        command = ["java", "-Xss4m", "-XX:+UseSerialGC", *_compiled(self.jar, self.cache)]
        # The JVM's own complaints go to a file: a pipe nobody reads could fill and block it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the JVM; close() ends both)
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._stderr, text=True, encoding="utf-8", bufsize=1)
        self.started += 1
        atexit.register(self.close)
        return self._proc

    def check(self, epub: Path, report: Path) -> int:
        """Run EPUBCheck on ``epub``, its JSON report written to ``report``; its exit code."""
        if "\t" in str(epub) or "\n" in str(epub) or "\t" in str(report) or "\n" in str(report):
            raise EpubCheckError(f"a tab or newline in a path cannot be sent: {epub!r}")
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(f"{epub}\t{report}\n")
            proc.stdin.flush()
            line = self._readline(proc)
            self.checked += 1
        fields = line.rstrip("\n").split("\t")
        if fields[0] != "done" or len(fields) < 2:
            raise EpubCheckError(f"EPUBCheck server answered {line!r}")
        if fields[1] == "-1" and len(fields) > 2:
            raise EpubCheckError(f"EPUBCheck threw on {epub}: {fields[2]}")
        return int(fields[1])

    def _readline(self, proc: subprocess.Popen[str]) -> str:
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            if not sel.select(TIMEOUT):
                self.close()
                raise EpubCheckError(f"EPUBCheck gave no verdict within {TIMEOUT} s")
        line = proc.stdout.readline()
        if not line:  # the JVM died: say why
            code = proc.wait()
            stderr = b""
            if self._stderr is not None:
                self._stderr.seek(0)
                stderr = self._stderr.read()
            self.close()
            raise EpubCheckError(f"the EPUBCheck JVM exited ({code}): {stderr[-2000:].decode(errors='replace')}")
        return line

    def close(self) -> None:
        """End the JVM (closing its input ends its loop)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, self._stderr):
            if stream is not None:
                stream.close()
        self._stderr = None
