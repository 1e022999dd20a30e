"""What WeasyPrint may read: the project's files, our styles and fonts, and
``data:`` URIs.  Everything else is refused with a diagnostic, and the
network is reached only with ``--allow-network``, through the same
:class:`~pubbuild.remote.RemoteFetcher` as the EPUB (http(s) at every hop,
size and time limits).

WeasyPrint asks the fetcher for every URL it meets: images, stylesheets,
fonts, ``<link rel="attachment">`` files, SVG references.  Refusing here
is what keeps ``<img src="file:///etc/passwd">`` out of a PDF.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from ... import diagnostics, svg
from ...imagesize import oversize
from ...paths import inside
from ...remote import RemoteFetcher, RemoteRefused
from ...resources import styles_dir
from ...svg import looks_like_svg
from .fonts import FONTS

logger = logging.getLogger(__name__)

STYLES = styles_dir()


class RefusedURL(ValueError):
    """Raised to WeasyPrint for a URL it may not read (it then skips the resource)."""


def make_fetcher(root: Path, allow_network: bool, diags: list):
    """A WeasyPrint URL fetcher confined to ``root`` (plus styles and fonts).

    Each refused URL is reported once in ``diags``: S006 for a file outside
    the project or a scheme we never follow, A002 for a network URL.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = (root, STYLES, FONTS)
    reported: set[str] = set()
    remote = RemoteFetcher()

    def refuse(code: str, message: str, url: str) -> RefusedURL:
        if url not in reported:
            reported.add(url)
            diags.append(diagnostics.make(code, message))
        return RefusedURL(message)

    class ProjectFetcher(URLFetcher):
        """Serves project files and data: URIs; refuses the rest."""

        def fetch(self, url, headers=None):
            return bounded_svg(self.fetch_any(url, headers), url)

        def fetch_any(self, url, headers=None):
            # URLFetcher keeps the request of a redirect it was handed in ``_request`` and
            # uses it on the next call when a fetch fails: never let one fetch reach the next.
            self._request = None
            parsed = urlparse(url)
            scheme = parsed.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                if parsed.netloc not in ("", "localhost"):
                    raise refuse("S006", f"refused to read {url}: not a local file", url)
                path = Path(url2pathname(parsed.path))
                if any(inside(base, path) for base in allowed):
                    if not path.is_file():  # a FIFO or a device would block the build or never end
                        raise refuse("S006", f"refused to read {path}: not a regular file", url)
                    return super().fetch(url, headers)
                raise refuse("S006", f"refused to read {path}: outside the project", url)
            if scheme in ("http", "https"):
                if not allow_network:
                    raise refuse("A002", f"not fetched: {url} (use --allow-network)", url)
                try:
                    got = remote.fetch(url)
                    problem = oversize(got.data)
                    if problem:  # refused as the EPUB refuses it, so both show the same stand-in
                        raise RemoteRefused(problem)
                except RemoteRefused as exc:
                    raise refuse("A002", f"remote image {url} not fetched: {exc}; its text "
                                         "alternative is shown instead", url) from None
                return URLFetcherResponse(got.url, got.data, {"Content-Type": got.content_type})
            raise refuse("S006", f"refused to read {url}: unsupported URL scheme {scheme!r}", url)

    def bounded_svg(response, url: str):
        """An SVG as both editions draw it (:func:`pubbuild.svg.bounded`): refused past the
        drawing limit (``L005``, so WeasyPrint shows the text alternative), geometry repaired."""
        data = response.read()
        if hasattr(response, "close"):
            response.close()
        if looks_like_svg(data):
            try:
                data = svg.bounded(data)
            except svg.SvgTooLarge as exc:
                name = url if not url.startswith("data:") else "embedded SVG image"
                raise refuse("L005", f"image {name[:200]} {exc}; its text alternative is shown "
                                     "instead", url) from None
        return URLFetcherResponse(response.url, data, response.headers)

    # Redirects are never followed here: only file: and data: URLs reach URLFetcher.
    return ProjectFetcher(timeout=10, allow_redirects=False)
