"""``pubbuild serve``: a live preview of the publication in the browser.

Recipe (:func:`serve`): serve over HTTP -> watch the project folder -> build
into a temporary folder, and again on each change, each build swapped in when it
succeeds (the EPUB alone first when the PDF is wanted too: :func:`pack_stages`).
The browser pages (never the built files) carry a small script that waits on the
server and reloads the page when a newer build is in.  :func:`pack_builder` is
the one call into the build code.

What is served is only the current build, held by a :class:`Snapshot`: the
EPUB's members looked up by their exact name in the archive (so no URL can
reach another file), the PDF by its one name, and pages generated here (the
contents, the diagnostics per article).  A failed build keeps the last good
one on show and puts its error on every page.  Outputs never go to the
project's ``build/`` unless the caller names it as ``copy_to``.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import os
import posixpath
import shutil
import socket
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from lxml import etree

from .. import backends, partfiles
from ..errors import ConfigurationError, OutputError, PubbuildError

logger = logging.getLogger(__name__)


def _package_text(name: str) -> str:
    """A text file shipped beside this module (``pubbuild/serve/``, package data)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")

#: How long a browser's wait for the next build is held open before it asks again.
WAIT_SECONDS = 25.0
#: Seconds a connection may stay silent (before a request, or between two on a kept-alive
#: connection) before it is closed: each open connection holds a thread.
IDLE_SECONDS = 30.0
#: Connections answered at once; past them a new one gets ``503`` and is closed, so that
#: threads and descriptors stay bounded (a browser opens about six per host).
MAX_CONNECTIONS = 32
#: Digits of ``/__pubbuild/events?since=N`` read as a build generation (more is no generation).
MAX_SINCE_DIGITS = 18
#: How often (ms) the watcher returns with nothing changed, for its first step and for a stop.
WATCH_TICK_MS = 500
#: Where the preview's own endpoints live; no EPUB member name starts with it.
PREFIX = "/__pubbuild/"


class Built(Protocol):
    """What the preview reads of a build's result (a :class:`pubbuild.assemble.build.BuildResult`)."""

    @property
    def outputs(self) -> Mapping[str, Path]: ...


#: A build: the folder to write the outputs into -> the build's result (:func:`pack_builder`).
Builder = Callable[[Path], Built]


def pack_builder(target: Path | None, options: backends.BuildOptions | None = None,
                 formats: list[str] | None = None, jobs: int | None = None,
                 cache: bool = True) -> Builder:
    """The build ``pubbuild build`` runs, writing into the folder it is given.  The one
    place this module touches the build code, so that it can follow it when it moves."""
    from ..assemble.build import build_all

    def build(out_dir: Path):
        return build_all(target, out_dir, options, jobs=jobs, formats=formats, cache=cache)

    return build


def pack_stages(target: Path | None, options: backends.BuildOptions | None = None,
                formats: list[str] | None = None, jobs: int | None = None,
                cache: bool = True) -> list[Builder]:
    """The builds run on each change: the EPUB alone first when the PDF is asked for too, so
    that the pages show the change in about a second while the PDF is laid out (a page
    reloads again once the PDF and the EPUB with its print page numbers are in)."""
    chosen = formats or backends.names()
    full = pack_builder(target, options, formats, jobs, cache)
    if "epub" in chosen and len(chosen) > 1:
        return [pack_builder(target, options, ["epub"], jobs, cache), full]
    return [full]


# ------------------------------------------------------------------ one build, as served


@dataclass(slots=True)
class Group:
    """The diagnostics of one article (or of the rendering, ``source`` None)."""

    title: str
    """The article's title, or what the group is."""
    source: str | None
    """The article's source, relative to the project."""
    diagnostics: list
    """:class:`pubbuild.diagnostics.Diagnostic` found in it."""


@dataclass(slots=True)
class Snapshot:
    """One finished build, everything the server shows of it."""

    number: int
    """The build's number in this session (1 for the first)."""
    title: str
    """The publication's title."""
    files: dict[str, bytes] = field(default_factory=dict)
    """The EPUB's members by their name in the archive: the only EPUB files served."""
    contents: list[tuple[str, str]] = field(default_factory=list)
    """The EPUB's reading order: (member name, title from its navigation document)."""
    pdf: Path | None = None
    """The PDF on show: this build's, or while a new one is laid out, the last one built."""
    pdf_build: int = 0
    """The number of the build the PDF comes from."""
    groups: list[Group] = field(default_factory=list)
    """Diagnostics per article, then those found while rendering."""
    seconds: float = 0.0
    """How long the build took."""
    folder: Path | None = None
    """The folder the build wrote into."""


def snapshot_of(number: int, result, root: Path, seconds: float, folder: Path) -> Snapshot:
    """What a :class:`pubbuild.assemble.build.BuildResult` shows in the preview."""
    pub = result.publication
    snap = Snapshot(number, pub.meta.title or pub.slug, seconds=seconds, folder=folder)
    epub, pdf = result.outputs.get("epub"), result.outputs.get("pdf")
    if epub is not None:
        with zipfile.ZipFile(epub) as archive:
            snap.files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
        snap.contents = reading_order(snap.files)
    snap.pdf, snap.pdf_build = pdf, number if pdf is not None else 0
    seen: set[int] = set()
    for article in pub.articles:
        source = _relative(article.source, root) if article.source is not None else None
        snap.groups.append(Group(article.meta.title or source or "article", source, list(article.diagnostics)))
        seen.update(id(d) for d in article.diagnostics)
    rendering = [d for d in result.diagnostics if id(d) not in seen]
    if rendering:
        snap.groups.append(Group("Found while rendering", None, rendering))
    return snap


def reading_order(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """The EPUB's spine as (member name, title), titles from the navigation document
    or, for a page it does not list, the page's own title."""
    try:
        container = etree.fromstring(files["META-INF/container.xml"])
        opf_name = container.xpath("string(//*[local-name()='rootfile']/@full-path)")
        opf = etree.fromstring(files[opf_name])
    except (KeyError, etree.XMLSyntaxError):
        return []
    base = posixpath.dirname(opf_name)

    def member(href: str) -> str:
        return posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))

    items = {i.get("id"): i for i in opf.xpath("//*[local-name()='manifest']/*[local-name()='item']")}
    titles: dict[str, str] = {}
    nav = next((i for i in items.values() if "nav" in (i.get("properties") or "").split()), None)
    if nav is not None and member(nav.get("href", "")) in files:
        nav_name = member(nav.get("href", ""))
        doc = etree.fromstring(files[nav_name])
        for a in doc.xpath("//*[local-name()='nav'][contains(@*[local-name()='type'], 'toc')]"
                           "//*[local-name()='a'][@href]"):
            name = posixpath.normpath(posixpath.join(posixpath.dirname(nav_name),
                                                     unquote(a.get("href").split("#")[0])))
            titles.setdefault(name, " ".join("".join(a.itertext()).split()))
    order = []
    for ref in opf.xpath("//*[local-name()='spine']/*[local-name()='itemref']"):
        item = items.get(ref.get("idref"))
        if item is not None:
            name = member(item.get("href", ""))
            order.append((name, titles.get(name) or _own_title(files.get(name)) or posixpath.basename(name)))
    return order


def _own_title(page: bytes | None) -> str:
    """A content document's ``<title>`` (the cover and title page are not in the contents)."""
    if not page:
        return ""
    try:
        doc = etree.fromstring(page)
    except etree.XMLSyntaxError:
        return ""
    return " ".join(doc.xpath("string(//*[local-name()='title'])").split())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ the builds of a session


@dataclass(slots=True)
class State:
    """What the browser's script is told (``/__pubbuild/events``)."""

    generation: int
    """Counts every start and end of a build: a waiting browser wakes when it changes."""
    build: int
    """The number of the build on show (0: none yet)."""
    pdf_build: int
    """The number of the build whose PDF is on show (0: none)."""
    building: bool
    """A build is running."""
    error: list[str] | None
    """The last build's error lines when it failed (the previous good build stays on show)."""

    def as_dict(self) -> dict:
        return {"generation": self.generation, "build": self.build, "pdf_build": self.pdf_build,
                "building": self.building, "error": self.error}


class Preview:
    """The builds of one ``serve`` session: the one on show, the last error, and a
    condition that wakes the browsers waiting for the next build."""

    def __init__(self, builder: Builder | list[Builder], root: Path, work: Path,
                 copy_to: Path | None = None) -> None:
        self.stages = list(builder) if isinstance(builder, list | tuple) else [builder]
        """The builds each change runs, in order (:func:`pack_stages`); each one goes on show."""
        self.root = root
        self.work = work
        """The session's temporary folder; each build writes into a numbered folder in it."""
        self.copy_to = copy_to
        """Where each good build's outputs are also written (None: nowhere)."""
        self.snapshot: Snapshot | None = None
        self.error: list[str] | None = None
        self.building = False
        self.generation = 0
        self.closed = False
        self._count = 0
        self._changed = threading.Condition()

    def state(self) -> State:
        with self._changed:
            snap = self.snapshot
            return State(self.generation, snap.number if snap else 0, snap.pdf_build if snap else 0,
                         self.building, self.error)

    def wait(self, since: int, timeout: float = WAIT_SECONDS) -> State:
        """The state once its generation differs from ``since`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != since or self.closed, timeout)
        return self.state()

    def close(self) -> None:
        """Wake every waiting browser: the session ends."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def _bump(self, **changes) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self.generation += 1
            self._changed.notify_all()

    def rebuild(self) -> bool:
        """Run each stage's build, showing each as it succeeds; at the first failure keep
        the last good build on show and remember the error.  True when all succeeded."""
        try:
            return all(self._build(builder) for builder in self.stages)
        finally:
            self._bump(building=False)

    def _build(self, builder: Builder) -> bool:
        self._count += 1
        number = self._count
        folder = self.work / f"build-{number}"
        self._bump(building=True)
        start = time.perf_counter()
        try:
            result = builder(folder)
            snap = snapshot_of(number, result, self.root, time.perf_counter() - start, folder)
            if self.copy_to is not None:
                copy_outputs(result.outputs.values(), self.copy_to)
        except PubbuildError as exc:
            logger.error("build %d failed: %s", number, "; ".join(exc.lines()))
            shutil.rmtree(folder, ignore_errors=True)
            self._bump(error=exc.lines())
            return False
        except Exception as exc:  # a bug in a build must not stop the preview of the last good one
            logger.exception("build %d failed with an internal error", number)
            shutil.rmtree(folder, ignore_errors=True)
            self._bump(error=[f"internal error: {exc!r} (details in the terminal)"])
            return False
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        previous = self.snapshot
        if snap.pdf is None and previous is not None:  # an EPUB-only stage: the last PDF stays on show
            snap.pdf, snap.pdf_build = previous.pdf, previous.pdf_build
        self._bump(error=None, snapshot=snap)
        logger.info("build %d ready in %.1f s", number, snap.seconds)
        # Keep the build before as well: a request that began on it may still be reading its PDF.
        keep = {s.folder for s in (snap, previous) if s is not None}
        keep |= {s.pdf.parent for s in (snap, previous) if s is not None and s.pdf is not None}
        for old in self.work.glob("build-*"):
            if old not in keep:
                shutil.rmtree(old, ignore_errors=True)
        return True


def copy_outputs(outputs: Iterable[Path], folder: Path) -> None:
    """Copy each output into ``folder`` (asked for with ``--out-dir``), each replaced whole."""
    for path in outputs:
        target = folder / path.name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with partfiles.temporary(target) as tmp:
                try:
                    shutil.copyfile(path, tmp)
                    os.replace(tmp, target)
                except OSError as exc:
                    raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
        except OSError as exc:  # the temporary could not be made
            raise OutputError(f"{target}: cannot write here: {exc.strerror or exc}") from None


# ------------------------------------------------------------------ HTTP

#: The script every served page loads (``/__pubbuild/reload.js``): it reloads the page when a
#: newer build is in and shows a failed build's error.  Package data, so that it is edited as
#: JavaScript; read once, at import.
RELOAD_JS = _package_text("reload.js")

#: The EPUB's pages may load only what the build holds; the generated pages likewise.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
#: Images, stylesheets and the rest of the EPUB never run anything when opened on their own.
FILE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self'; sandbox"

TYPES = {".xhtml": "application/xhtml+xml", ".html": "text/html; charset=utf-8", ".css": "text/css",
         ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif", ".webp": "image/webp", ".opf": "application/oebps-package+xml",
         ".ncx": "application/x-dtbncx+xml", ".xml": "application/xml", ".ttf": "font/ttf",
         ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server of a :class:`Preview`; each request in its own thread."""

    daemon_threads = True
    block_on_close = False  # a browser waiting for the next build must not hold up the stop
    # What socketserver sets from getsockname(): an AF_INET(6) host is always a str here
    # (typeshed's type is that of an address one may bind to, bytes included).
    server_address: tuple[str, int] | tuple[str, int, int, int]

    def __init__(self, preview: Preview, host: str, port: int) -> None:
        self.preview = preview
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.loopback = is_loopback(host)
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host.strip("[]"), port), Handler)
        except OSError as exc:
            raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                                     "(choose another --port or --host)") from None

    def get_request(self):
        try:
            return super().get_request()
        except OSError:
            # Out of descriptors (EMFILE): the listening socket stays readable, and retrying at
            # once would spin a core; a pause lets answered connections close first.
            time.sleep(0.05)
            raise

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            _busy(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        # A browser that leaves (a page reloading drops its wait for the next build) is routine;
        # anything else is a bug, logged rather than printed.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("%s went away", client_address[0])
        else:
            logger.exception("error answering %s", client_address[0])

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def generation(text: str | None) -> int | None:
    """The build generation ``?since=`` names, or None for anything that is none (Python's
    ``int`` refuses more than 4,300 digits with an error, which left the request unanswered)."""
    if text is None:
        return None
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_SINCE_DIGITS:
        return None
    return int(text)


def _busy(request: socket.socket) -> None:
    """A short ``503`` on a connection past :data:`MAX_CONNECTIONS`, never waiting on it."""
    try:
        request.setblocking(False)
        request.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
                     b"Retry-After: 1\r\n\r\n")
    except OSError:
        pass


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD: the generated pages, the current build's files, the events."""

    server: PreviewServer
    server_version = "pubbuild-serve"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        # socketserver puts this on the connection: a silent client is dropped, its thread ends.
        # typeshed declares ``timeout`` a class variable, but StreamRequestHandler.setup reads
        # it through ``self``; set here, IDLE_SECONDS is read per connection (tests shorten it).
        self.timeout = IDLE_SECONDS  # type: ignore[misc]
        super().setup()

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if not self._host_allowed():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"unknown host name\n", "text/plain", head)
        url = urlsplit(self.path)
        path = unquote(url.path)
        preview = self.server.preview
        snap = preview.snapshot
        if path == "/":
            return self._page(index_page(snap, preview.state()), head)
        if path == "/pdf-view":
            return self._page(pdf_page(snap, preview.state()), head)
        if path == "/diagnostics":
            return self._page(diagnostics_page(snap, preview.state()), head)
        if path == PREFIX + "reload.js":
            return self._send(HTTPStatus.OK, RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        if path == PREFIX + "events":
            since = generation(parse_qs(url.query).get("since", [None])[0])
            state = preview.state() if since is None else preview.wait(since)
            return self._send(HTTPStatus.OK, json.dumps(state.as_dict()).encode(), "application/json", head)
        if snap is not None and path.startswith("/epub/") and path[len("/epub/"):] in snap.files:
            name = path[len("/epub/"):]
            return self._member(name, snap, head)
        if snap is not None and snap.pdf is not None and path == f"/pdf/{snap.pdf.name}":
            return self._pdf(snap.pdf, head)
        return self._send(HTTPStatus.NOT_FOUND, b"not part of this build\n", "text/plain", head)

    def _host_allowed(self) -> bool:
        # A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) must not read
        # the preview: on loopback only loopback names are answered.
        if not self.server.loopback:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            host = host[1:].split("]")[0]
        elif host.count(":") == 1:
            host = host.split(":")[0]
        return host in LOOPBACK_NAMES or is_loopback(host)

    def _member(self, name: str, snap: Snapshot, head: bool) -> None:
        suffix = posixpath.splitext(name)[1].lower()
        kind = TYPES.get(suffix, "application/octet-stream")
        body = snap.files[name]
        if suffix in (".xhtml", ".html"):
            return self._page(inject(body, snap.number), head, kind)
        self._send(HTTPStatus.OK, body, kind, head, FILE_POLICY)

    def _pdf(self, path: Path, head: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:  # swept away with its build between the look-up and now
            return self._send(HTTPStatus.NOT_FOUND, b"not part of this build\n", "text/plain", head)
        self._send(HTTPStatus.OK, body, "application/pdf", head, None)

    def _page(self, body: bytes | str, head: bool, kind: str = "text/html; charset=utf-8") -> None:
        data = body.encode() if isinstance(body, str) else body
        self._send(HTTPStatus.OK, data, kind, head, PAGE_POLICY)

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool,
              policy: str | None = FILE_POLICY) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def inject(page: bytes, build: int) -> bytes:
    """The page with the preview's script before its ``</body>`` (served only: the EPUB
    in the build folder stays as built)."""
    tag = f'<script src="{PREFIX}reload.js" data-build="{build}"></script>'.encode()
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


# ------------------------------------------------------------------ generated pages

#: The generated pages' style sheet (package data, one rule a line), inlined into each page
#: without its line breaks.
_STYLE = "".join(_package_text("page.css").splitlines())


def _document(title: str, body: str, state: State, pdf: bool = False) -> str:
    e = html.escape
    failed = ""
    if state.error:
        failed = ('<section class="failed" aria-labelledby="failed"><h2 id="failed">The last build failed'
                  '</h2><p>' + e("\n".join(state.error)) + "</p><p>"
                  + (f"Still showing build {state.build}." if state.build else "Nothing built yet.")
                  + " Fix the problem and save: the preview builds again.</p></section>")
    watch = f'data-build="{state.pdf_build}" data-watch="pdf"' if pdf else f'data-build="{state.build}"'
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>{e(title)}</title>'
            f"<style>{_STYLE}</style></head><body><main>{failed}{body}</main>"
            f'<script src="{PREFIX}reload.js" {watch}></script></body></html>\n')


def _count(groups: list[Group]) -> str:
    levels: dict[str, int] = {}
    for group in groups:
        for d in group.diagnostics:
            levels[d.level] = levels.get(d.level, 0) + 1
    if not levels:
        return "no diagnostics"
    return ", ".join(f"{n} {level}{'s' * (n != 1)}" for level, n in sorted(levels.items()))


def index_page(snap: Snapshot | None, state: State) -> str:
    """The contents: the EPUB's reading order, the PDF, the diagnostics' count."""
    e = html.escape
    if snap is None:
        news = ("The first build is running; this page shows it when it is in." if state.building
                else "No build yet.")
        return _document("pubbuild preview", f"<h1>pubbuild preview</h1><p>{news}</p>", state)
    parts = [f"<h1>{e(snap.title)}</h1>",
             (f"<p>Preview of build {snap.number} ({snap.seconds:.1f} s). "
              f'<a href="/diagnostics">Diagnostics</a>: {e(_count(snap.groups))}.</p>')]
    if snap.contents:
        parts.append('<nav aria-labelledby="contents"><h2 id="contents">EPUB, in reading order</h2><ol>')
        parts += [f'<li><a href="/epub/{quote(name)}">{e(title)}</a></li>' for name, title in snap.contents]
        parts.append("</ol></nav>")
    if snap.pdf is not None:
        older = (f" (from build {snap.pdf_build}; the new one is being laid out)"
                 if snap.pdf_build != snap.number and state.building else "")
        parts.append(f'<h2>PDF</h2><p><a href="/pdf/{quote(snap.pdf.name)}">{e(snap.pdf.name)}</a>'
                     f'{e(older)} · <a href="/pdf-view">in a page that reloads with each new PDF</a></p>')
    return _document(f"{snap.title}: preview", "".join(parts), state)


def pdf_page(snap: Snapshot | None, state: State) -> str:
    """The PDF in the browser's viewer, inside a page that reloads when a new PDF is in."""
    e = html.escape
    if snap is None or snap.pdf is None:
        return _document("PDF", '<h1>PDF</h1><p><a href="/">Contents</a> · no PDF built yet.</p>', state, pdf=True)
    src = f"/pdf/{quote(snap.pdf.name)}?build={snap.pdf_build}"
    return _document(f"{snap.title}: PDF", (
        f'<p><a href="/">Contents</a> · PDF of build {snap.pdf_build}</p>'
        f'<iframe src="{e(src)}" title="{e(snap.title)} (PDF)" style="width:100%;height:85vh;border:0">'
        f"</iframe>"), state, pdf=True)


def diagnostics_page(snap: Snapshot | None, state: State) -> str:
    """The diagnostics of the build on show, per article."""
    e = html.escape
    if snap is None:
        return _document("Diagnostics", "<h1>Diagnostics</h1><p>No build yet.</p>", state)
    parts = [(f'<h1>Diagnostics</h1><p><a href="/">Contents</a> · build {snap.number}: '
              f"{e(_count(snap.groups))}.</p>")]
    for n, group in enumerate(snap.groups, 1):
        where = f" <small>({e(group.source)})</small>" if group.source else ""
        parts.append(f'<section aria-labelledby="g{n}"><h2 id="g{n}">{e(group.title)}{where}</h2>')
        if not group.diagnostics:
            parts.append("<p>No diagnostics.</p></section>")
            continue
        parts.append("<table><thead><tr><th>Level</th><th>Code</th><th>Where</th><th>What</th></tr></thead>"
                     "<tbody>")
        for d in group.diagnostics:
            parts.append(f'<tr class="{e(d.level)}"><td>{e(d.level)}</td><td>{e(d.code)}</td>'
                         f"<td>{e(d.location())}</td><td>{e(d.message)}</td></tr>")
        parts.append("</tbody></table></section>")
    return _document(f"{snap.title}: diagnostics", "".join(parts), state)


# ------------------------------------------------------------------ the session


def watch_filter(ignored: list[Path]):
    """Changes that call for a build: any file of the project except editors' and version
    control's own (watchfiles' default filter) and the folders builds write into."""
    from watchfiles import DefaultFilter

    return DefaultFilter(ignore_paths=[str(p) for p in ignored])


def project_root(target: Path | None) -> Path:
    """The folder a build of ``target`` reads from (as :func:`pubbuild.assemble.publication.load_manifest`
    finds it), known even while the manifest itself is broken: that error shows in the page."""
    from ..reader import READERS

    path = target or Path("pubbuild.yaml")
    if path.is_dir():
        path = path / "pubbuild.yaml"
    if not path.is_file():
        kind = "article" if path.suffix.lower() in READERS else "manifest"
        raise ConfigurationError(f"{path}: {kind} not found")
    return path.resolve().parent


def serve(target: Path | None, host: str = "127.0.0.1", port: int = 8000,
          builder: Builder | list[Builder] | None = None,
          copy_to: Path | None = None, on_ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None,
          on_build: Callable[[Snapshot], None] | None = None) -> None:
    """Build, serve and rebuild on every change until interrupted (Ctrl-C, SIGTERM) or
    ``stop`` is set.  ``on_ready`` gets the address once the first build is on show;
    ``on_build`` each new build on show once all its stages ran (its diagnostics are those
    of its last stage, which built the same articles as the stages before it)."""
    from watchfiles import watch

    root = project_root(target)
    if builder is None:
        builder = pack_stages(target)
    if not is_loopback(host):
        logger.warning("serving on %s: anyone who can reach this address can read the preview", host)
    work = Path(tempfile.mkdtemp(prefix="pubbuild-serve-"))
    preview = Preview(builder, root, work, copy_to)
    server = None
    thread = None
    try:
        server = PreviewServer(preview, host, port)
        thread = threading.Thread(target=server.serve_forever, name="pubbuild-serve", daemon=True)
        thread.start()  # a page opened during the first build says so, and reloads when it is in
        ignored = [work.resolve(), root / "build"] + ([copy_to.resolve()] if copy_to is not None else [])
        # The watcher starts on the generator's first step and keeps what changes while a build
        # runs for the next step; the time-out makes that first step return promptly, so that
        # the watcher is on before the first build and no save after it is missed.
        batches = watch(root, watch_filter=watch_filter(ignored), stop_event=stop, debounce=400, step=50,
                        rust_timeout=WATCH_TICK_MS, yield_on_timeout=True, raise_interrupt=True)
        if next(batches, None) is None:
            return  # stopped already
        logger.info("watching %s", root)
        shown = 0

        def rebuild() -> None:
            nonlocal shown
            preview.rebuild()
            snap = preview.snapshot
            if on_build is not None and snap is not None and snap.number != shown:
                shown = snap.number
                on_build(snap)
        rebuild()
        if on_ready is not None:
            on_ready(server.url)
        for changes in batches:
            if not changes:
                continue
            names = sorted({_relative(Path(p), root) for _, p in changes})
            logger.info("changed: %s", ", ".join(names[:5]) + (" …" if len(names) > 5 else ""))
            rebuild()
    finally:
        preview.close()
        if server is not None:
            if thread is not None:
                server.shutdown()
            server.server_close()
        shutil.rmtree(work, ignore_errors=True)
        logger.info("preview stopped")
