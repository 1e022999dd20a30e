"""The EPUB's validator for ``pubbuild check``: EPUBCheck (the ``epubcheck`` package's jar)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ...diagnostics import Finding
from ...versions import epubcheck_jar


def run_jar(java: str, jar: Path, epub: Path, report: Path) -> str:
    """``java -jar epubcheck.jar EPUB --json REPORT``; EPUBCheck's standard error."""
    proc = subprocess.run([java, "-jar", str(jar), str(epub), "--json", str(report)],
                          check=False, capture_output=True, text=True, timeout=600)
    return proc.stderr


#: How :func:`epubcheck` runs EPUBCheck's command line (``run(java, jar, epub, report)``, the
#: JSON report written to ``report``, standard error returned).  The test suite, which checks
#: hundreds of books, puts one long-lived JVM here (``tests/epubcheckjvm.py``).
RUN: Callable[[str, Path, Path, Path], str] = run_jar


def epubcheck(path: Path) -> tuple[bool, list[Finding]]:
    """EPUBCheck (the ``epubcheck`` package's jar) on ``path``; (ran, findings)."""
    java = shutil.which("java")
    jar = epubcheck_jar()
    if java is None or jar is None:
        why = "Java is not installed" if java is None else "the epubcheck package is not installed"
        return False, [Finding("info", "C001", f"EPUBCheck not run: {why}", str(path))]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        stderr = RUN(java, jar, path, out)
        if not out.is_file():
            return True, [Finding("error", "C002", "EPUBCheck failed to run: "
                                  + (stderr.strip().splitlines() or ["no output"])[-1], str(path))]
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
