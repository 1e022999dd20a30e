"""What WeasyPrint may read: the project's files, our styles and fonts, and
``data:`` URIs.  Everything else is refused with a diagnostic, and the
network is reached only with ``--allow-network``.

WeasyPrint asks the fetcher for every URL it meets: images, stylesheets,
fonts, ``<link rel="attachment">`` files, SVG references.  Refusing here
is what keeps ``<img src="file:///etc/passwd">`` out of a PDF.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from .. import diagnostics
from ..manifest import inside
from ..resources import styles_dir
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
    from weasyprint.urls import URLFetcher

    allowed = (root, STYLES, FONTS)
    reported: set[str] = set()

    def refuse(code: str, message: str, url: str) -> RefusedURL:
        if url not in reported:
            reported.add(url)
            diags.append(diagnostics.make(code, message))
        return RefusedURL(message)

    class ProjectFetcher(URLFetcher):
        """Serves project files and data: URIs; refuses the rest."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            scheme = parsed.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                if parsed.netloc not in ("", "localhost"):
                    raise refuse("S006", f"refused to read {url}: not a local file", url)
                path = Path(url2pathname(parsed.path))
                if any(inside(base, path) for base in allowed):
                    return super().fetch(url, headers)
                raise refuse("S006", f"refused to read {path}: outside the project", url)
            if scheme in ("http", "https"):
                if allow_network:
                    return super().fetch(url, headers)
                raise refuse("A002", f"not fetched: {url} (use --allow-network)", url)
            raise refuse("S006", f"refused to read {url}: unsupported URL scheme {scheme!r}", url)

    return ProjectFetcher(timeout=10)
