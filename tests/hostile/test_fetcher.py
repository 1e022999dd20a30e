"""The remote fetcher, against a hostile server on the loopback interface.

One fetcher serves both editions (``pubbuild.remote``): each test drives the PDF's
WeasyPrint fetcher and the EPUB's image packager against the same misbehaving
routes.  The server and the stand-in FTP listener bind 127.0.0.1 only, every loop
in them is bounded, and the limits are lowered so that each refusal is quick.
"""

from __future__ import annotations

import base64
import gzip
import http.server
import socket
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from pubbuild import remote
from pubbuild.backends.epub.images import ImagePackager
from pubbuild.backends.pdf.fetcher import RefusedURL, make_fetcher
from pubbuild.model import Image

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
LOCAL_PNG = PNG[:-12] + b"local" + PNG[-12:]  # a different file: we must see which one is drawn
CAP = 64 * 1024


class Listener:
    """A TCP port that counts connections and answers none (the FTP server a redirect names)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


class Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}
    hits: ClassVar[list] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        route(self)


def send(handler, body: bytes, status: int = 200, headers: dict | None = None, length: int | None = None):
    handler.send_response(status)
    for key, value in (headers or {"Content-Type": "image/png"}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location: str):
    return lambda h: send(h, b"", 302, {"Location": location.format(port=h.server.ftp_port,
                                                                     self=h.server.server_port)})


def trickle(handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.end_headers()
    for _ in range(40):  # at most 8 s of a byte every 0.2 s
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.2)


def stream(handler, total: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.end_headers()  # no Content-Length: only counting while reading can stop it
    for _ in range(total // 8192):
        try:
            handler.wfile.write(b"\0" * 8192)
        except OSError:
            return


BOMB = gzip.compress(b"\0" * (40 * CAP))

ROUTES = {
    "/img.png": lambda h: send(h, PNG),
    "/ftp": redirect("ftp://127.0.0.1:{port}/x.png"),
    "/file": redirect("file:///etc/passwd"),
    "/data": redirect("data:image/png;base64," + base64.b64encode(PNG).decode()),
    "/hop": redirect("/img.png"),
    "/loop": redirect("/loop"),
    "/bomb": lambda h: send(h, BOMB, headers={"Content-Type": "image/png", "Content-Encoding": "gzip"}),
    "/gzip": lambda h: send(h, gzip.compress(PNG), headers={"Content-Type": "image/png",
                                                            "Content-Encoding": "gzip"}),
    "/big": lambda h: stream(h, 4 * CAP),
    "/announced": lambda h: send(h, b"", length=10 * CAP),
    "/truncated": lambda h: send(h, PNG[:20], length=len(PNG)),
    "/trickle": trickle,
}


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(remote, "LIMITS", remote.Limits(max_bytes=CAP, timeout=1.0, budget=2.5))
    Handler.routes, Handler.hits = ROUTES, []
    listener = Listener()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.ftp_port = listener.port
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.listener = listener
    httpd.base = f"http://127.0.0.1:{httpd.server_port}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    listener.close()


def pdf_fetch(root: Path, url: str, diags: list, fetcher=None):
    """The bytes WeasyPrint would draw for ``url``, or None when refused."""
    fetcher = fetcher or make_fetcher(root, True, diags)
    try:
        response = fetcher.fetch(url)
    except RefusedURL:
        return None
    try:
        return response.read()
    finally:
        response.close()


def epub_fetch(url: str, packager: ImagePackager | None = None):
    packager = packager or ImagePackager(allow_network=True)
    href = packager.package(Image(src=url, alt="the image"), "a.html")
    return (packager.items[href].data if href else None), packager.diagnostics


@pytest.mark.parametrize("route", ["/ftp", "/file", "/data"])
def test_redirect_off_http_is_refused_and_the_next_fetch_is_not_its_answer(server, tmp_path, route):
    (tmp_path / "local.png").write_bytes(LOCAL_PNG)
    diags: list = []
    fetcher = make_fetcher(tmp_path, True, diags)
    assert pdf_fetch(tmp_path, server.base + route, diags, fetcher) is None
    # The same fetcher's next image is the local one, not the refused redirect's target.
    assert pdf_fetch(tmp_path, (tmp_path / "local.png").as_uri(), diags, fetcher) == LOCAL_PNG
    assert [d.code for d in diags] == ["A002"] and server.base + route in diags[0].message
    assert "redirected to" in diags[0].message

    data, epub_diags = epub_fetch(server.base + route)
    assert data is None and [d.code for d in epub_diags] == ["A002"]
    assert server.base + route in epub_diags[0].message and "redirected to" in epub_diags[0].message
    assert server.listener.connections == 0


def test_http_redirects_and_gzip_are_followed(server, tmp_path):
    for route in ("/hop", "/gzip"):
        diags: list = []
        assert pdf_fetch(tmp_path, server.base + route, diags) == PNG and diags == []
        data, epub_diags = epub_fetch(server.base + route)
        assert data == PNG and epub_diags == []


@pytest.mark.parametrize("route, reason", [
    ("/loop", "redirects"),
    ("/bomb", "once decompressed"),
    ("/big", "limit"),
    ("/announced", "announced"),
    ("/truncated", "cut short"),
    ("/missing.png", "HTTP 404"),
])
def test_each_refusal_names_the_image_and_why(server, tmp_path, route, reason):
    diags: list = []
    assert pdf_fetch(tmp_path, server.base + route, diags) is None
    data, epub_diags = epub_fetch(server.base + route)
    assert data is None
    for found in (diags, epub_diags):
        assert [d.code for d in found] == ["A002"]
        assert server.base + route in found[0].message and reason in found[0].message


def test_a_trickling_server_is_cut_off_per_request_and_per_output(server, tmp_path):
    diags: list = []
    fetcher = make_fetcher(tmp_path, True, diags)
    start = time.monotonic()
    assert pdf_fetch(tmp_path, server.base + "/trickle", diags, fetcher) is None
    assert time.monotonic() - start < 2.0  # the 1 s request limit, not the server's 8 s
    assert pdf_fetch(tmp_path, server.base + "/trickle?2", diags, fetcher) is None
    # The 2.5 s budget of this output is now (nearly) spent: the third request is refused
    # within the budget, however the server behaves.
    assert pdf_fetch(tmp_path, server.base + "/trickle?3", diags, fetcher) is None
    assert time.monotonic() - start < 4.0
    assert all("took longer than" in d.message or "used up" in d.message for d in diags), diags
    assert len(diags) == 3


def test_a_truncated_image_in_a_build_is_a_diagnostic_not_a_crash(server, tmp_path, capsys):
    from pubbuild.cli import main

    page = tmp_path / "a.html"
    page.write_text('<html lang="en"><head><title>T</title></head><body><article><h1>T</h1>'
                    f'<p>Text.</p><img src="{server.base}/truncated" alt="cut"></article></body></html>')
    for fmt in ("epub", "pdf"):
        out = tmp_path / f"out.{fmt}"
        assert main([fmt, str(page), "-o", str(out), "--allow-network"]) == 0
        assert out.is_file()
        assert f"{server.base}/truncated" in capsys.readouterr().err


def test_without_allow_network_no_request_is_made(server, tmp_path):
    from pubbuild.cli import main

    page = tmp_path / "a.html"
    page.write_text('<html lang="en"><head><title>T</title></head><body><article><h1>T</h1>'
                    f'<p>Text.</p><img src="{server.base}/img.png" alt="remote"></article></body></html>')
    for fmt in ("epub", "pdf"):
        assert main([fmt, str(page), "-o", str(tmp_path / f"out.{fmt}")]) == 0
    assert Handler.hits == []
