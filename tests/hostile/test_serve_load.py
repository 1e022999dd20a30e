"""``pubbuild serve`` under load, on loopback only (issue 23): idle connections were never
timed out and each held a thread, so enough of them exhausted descriptors; a ``since`` of
5,000 digits got no answer and a traceback."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from servehelp import request, running

from pubbuild import serve
from pubbuild.serve import Preview


@pytest.fixture
def preview(tmp_path):
    preview = Preview(lambda out: None, tmp_path, tmp_path)
    preview.generation = 3
    return preview


def _idle(address: tuple, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(address, timeout=10)
        socks.append(s)
    return socks


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (TimeoutError, OSError):
        return False


@pytest.mark.parametrize("since", ["9" * 5000, "-" + "1" * 30, "%EF%BC%91%EF%BC%92", "3" * 19, ""])
def test_any_since_gets_an_answer(preview, since, caplog):
    with running(preview) as server:
        status, _, body = request(server.server_address, f"/__pubbuild/events?since={since}", timeout=20)
    assert status == 200 and json.loads(body)["generation"] == 3
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


def test_an_idle_connection_is_closed(preview, monkeypatch):
    monkeypatch.setattr(serve, "IDLE_SECONDS", 0.5)
    with running(preview) as server:
        (silent,) = _idle(server.server_address, 1)
        try:
            # Far longer than the idle limit: the guard against a connection held forever.
            assert _closed_by_server(silent, within=15)
        finally:
            silent.close()


def test_connections_and_their_threads_are_bounded(preview, monkeypatch):
    monkeypatch.setattr(serve, "MAX_CONNECTIONS", 4)
    before = threading.active_count()
    with running(preview) as server:
        socks = _idle(server.server_address, 20)
        try:
            time.sleep(0.5)  # let the server accept them all
            assert threading.active_count() - before <= 4 + 1  # the answering threads, the server's own
            # One past the bound is told so at once, not left waiting.
            extra = socket.create_connection(server.server_address, timeout=10)
            extra.settimeout(10)
            assert extra.recv(64).startswith(b"HTTP/1.1 503")
            extra.close()
        finally:
            for s in socks:
                s.close()
        time.sleep(0.5)
        status, _, _ = request(server.server_address, "/__pubbuild/events", timeout=20)
        assert status == 200  # the slots came back when those connections closed
