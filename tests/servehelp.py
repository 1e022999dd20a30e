"""Helpers for the ``pubbuild serve`` tests: a copy of the small project, a running
preview server, raw HTTP requests (no client-side path clean-up) and the CLI in a
subprocess."""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from pubbuild.serve import Preview, PreviewServer

ROOTS = Path(__file__).resolve().parent / "roots"


def project(tmp_path: Path) -> Path:
    """A fresh copy of ``tests/roots/serve-mini``; returns its manifest."""
    shutil.copytree(ROOTS / "serve-mini", tmp_path / "project")
    return tmp_path / "project" / "pubbuild.yaml"


@contextlib.contextmanager
def running(preview: Preview):
    """``preview`` served on a free loopback port for the duration of the block."""
    server = PreviewServer(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        preview.close()
        server.shutdown()
        server.server_close()
        thread.join(10)


def request(address: tuple, path: str, host: str | None = None, timeout: float = 60
            ) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET ``path`` exactly as written (http.client sends it as it is)."""
    conn = http.client.HTTPConnection(address[0], address[1], timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        conn.close()


def start_cli(manifest: Path, tmpdir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """``pubbuild serve`` in a subprocess on a free port, temporary files in ``tmpdir``;
    returns the process and the address it printed."""
    tmpdir.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmpdir), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "pubbuild", "serve", str(manifest), "--port", "0",
                             "-j", "1", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    proc.errors = []  # standard error, read as it comes so that a full pipe never blocks the server
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put(None)],
                     daemon=True).start()
    threading.Thread(target=lambda: proc.errors.extend(proc.stderr), daemon=True).start()
    try:
        first = lines.get(timeout=180)
    except queue.Empty:
        proc.kill()
        raise AssertionError("pubbuild serve printed no address in 180 s") from None
    if first is None or "http://" not in first:
        proc.kill()
        proc.wait(30)
        raise AssertionError(f"pubbuild serve did not start: {first!r} {''.join(proc.errors)}")
    proc.rest = lines  # what it prints later (None at the end)
    return proc, first[first.index("http://"):].split()[0]
