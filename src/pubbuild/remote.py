"""The one way pubbuild reaches the network: remote images, with ``--allow-network`` only.

Both backends fetch through :class:`RemoteFetcher` (the EPUB packager directly, the
PDF through its WeasyPrint URL fetcher), so the rules are the same in both editions:

- ``http`` and ``https`` only, checked at every hop: a redirect to ``ftp:``,
  ``file:``, ``data:`` or anything else is refused, not followed;
- at most :attr:`Limits.max_redirects` redirects;
- at most :attr:`Limits.max_bytes` bytes, counted while streaming, both as received
  and after ``gzip``/``deflate`` decoding (a compression bomb stops at the cap);
- every request finishes within :attr:`Limits.timeout` seconds (connecting, waiting
  and reading together, so a server trickling a byte at a time cannot hold it), and
  all the fetches of one output within :attr:`Limits.budget` seconds;
- a response shorter than it announced, or a compressed stream that stops early, is
  refused rather than drawn half.

Every refusal raises :class:`RemoteRefused` with a short reason; the caller turns it
into a diagnostic naming the image.  Nothing of one fetch survives into the next but
the time spent (the budget): each request opens its own connection.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from . import __version__

logger = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one output may take from the network."""

    max_bytes: int = 20 * 1024 * 1024
    """Largest image, in bytes, as received and after decompression."""
    timeout: float = 15.0
    """Seconds one request may take, redirects and reading included."""
    budget: float = 60.0
    """Seconds all the requests of one output may take together."""
    max_redirects: int = 5
    """Redirects followed per request."""


#: The limits a fetcher gets when none are given (tests lower them).
LIMITS = Limits()


class RemoteRefused(Exception):
    """A remote resource was not fetched; ``str()`` says why, in a few words."""


@dataclass(slots=True)
class Remote:
    """A fetched resource."""

    url: str
    """Where the bytes finally came from (after redirects)."""
    data: bytes
    """The body, decoded from its content encoding."""
    content_type: str
    """The ``Content-Type`` the server declared (may be empty)."""


class RemoteFetcher:
    """Fetches remote resources for one output within :class:`Limits`."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or LIMITS
        self.spent = 0.0
        """Seconds spent fetching so far (measured against :attr:`Limits.budget`)."""

    def fetch(self, url: str) -> Remote:
        """GET ``url``; raise :class:`RemoteRefused` for anything not allowed or broken."""
        left = self.limits.budget - self.spent
        if left <= 0:
            raise RemoteRefused(f"the {self.limits.budget:g} s allowed for fetching images is used up")
        start = time.monotonic()
        deadline = _Deadline(start + min(self.limits.timeout, left), min(self.limits.timeout, left))
        try:
            return self._get(url, deadline)
        finally:
            self.spent += time.monotonic() - start

    def _get(self, url: str, deadline: _Deadline) -> Remote:
        for hop in range(self.limits.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                what = f"a {parts.scheme or 'relative'}: URL" if parts.scheme else "not a URL"
                raise RemoteRefused(f"redirected to {what} ({_short(url)})" if hop else
                                    f"not an http(s) URL ({_short(url)})")
            conn = _connection(parts, deadline.left())
            try:
                target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (
                    "?" + quote(parts.query, safe="=&%+/:@!$'()*,;~") if parts.query else "")
                conn.request("GET", target, headers={
                    "User-Agent": f"pubbuild/{__version__}", "Accept": "image/*, */*;q=0.5",
                    "Accept-Encoding": "gzip, deflate"})
                sock = conn.sock
                response = conn.getresponse()
                if response.status in REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise RemoteRefused(f"HTTP {response.status} without a Location")
                    url = urljoin(url, location.strip())
                    continue
                if response.status != 200:
                    raise RemoteRefused(f"HTTP {response.status}")
                data = _read(response, sock, deadline, self.limits.max_bytes)
                return Remote(url, data, response.getheader("Content-Type") or "")
            except RemoteRefused:
                raise
            except TimeoutError:
                raise RemoteRefused(deadline.missed()) from None
            except ssl.SSLError as exc:
                raise RemoteRefused(f"TLS failed ({exc.reason or exc})") from None
            except http.client.IncompleteRead:
                raise RemoteRefused("the response was cut short") from None
            except (http.client.HTTPException, OSError, ValueError, UnicodeError) as exc:
                raise RemoteRefused(f"cannot fetch ({_reason(exc)})") from None
            finally:
                conn.close()
        raise RemoteRefused(f"more than {self.limits.max_redirects} redirects")


def _connection(parts, timeout: float) -> http.client.HTTPConnection:
    try:
        port = parts.port
    except ValueError:
        raise RemoteRefused("invalid port") from None
    if parts.scheme.lower() == "https":
        return http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                           context=ssl.create_default_context())
    return http.client.HTTPConnection(parts.hostname, port, timeout=timeout)


@dataclass(frozen=True, slots=True)
class _Deadline:
    """When the current request must be done by."""

    at: float
    """``time.monotonic()`` value."""
    seconds: float
    """The time the request was given (for the message)."""

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise RemoteRefused(self.missed())
        return left

    def missed(self) -> str:
        return f"took longer than the {self.seconds:.3g} s allowed"


def _read(response: http.client.HTTPResponse, sock: socket.socket | None, deadline: _Deadline,
          cap: int) -> bytes:
    """The body, streamed: at most ``cap`` bytes received and decoded, within the deadline."""
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > cap:
        raise RemoteRefused(f"larger than the {_mb(cap)} limit ({int(declared):,} bytes announced)")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise RemoteRefused(f"unsupported content encoding {encoding!r}")
    decoder = None
    body, received = bytearray(), 0
    while True:
        if sock is not None:  # each read waits no longer than what is left of the request
            sock.settimeout(deadline.left())
        chunk = response.read1(65536)
        if not chunk:
            break
        received += len(chunk)
        if received > cap:
            raise RemoteRefused(f"larger than the {_mb(cap)} limit")
        if encoding != "identity":
            decoder = decoder or _decompressor(encoding, chunk)
            try:
                chunk = decoder.decompress(chunk, cap + 1 - len(body))
            except zlib.error:
                raise RemoteRefused("the compressed response is corrupt") from None
            if decoder.unconsumed_tail:
                raise RemoteRefused(f"larger than the {_mb(cap)} limit once decompressed")
        body += chunk
        if len(body) > cap:
            raise RemoteRefused(f"larger than the {_mb(cap)} limit"
                                + (" once decompressed" if decoder is not None else ""))
    if response.length:  # Content-Length announced more than arrived
        raise RemoteRefused("the response was cut short")
    if encoding != "identity" and (decoder is None or not decoder.eof):
        raise RemoteRefused("the compressed response was cut short")
    return bytes(body)


def _decompressor(encoding: str, first: bytes):
    if "gzip" in encoding:
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    # "deflate" is meant to be zlib-wrapped; some servers send it raw.
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason[:120]
