"""Readers: one per source format, each turning a file into an :class:`Article`.

:func:`read` picks the reader by file suffix from :data:`READERS`, decodes the
bytes, reads, then runs the normalisation passes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import diagnostics
from ..errors import SourceError
from ..model import Article
from ..paths import NotRegularFile, read_regular
from .decode import decode, scrub
from .html import read_html
from .text import read_markdown, read_text

Reader = Callable[..., Article]
"""(text, source, root, diags, base_url=None) -> Article."""

#: Source suffix -> reader.
READERS: dict[str, Reader] = {
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}

#: Largest source read, in bytes; larger files are refused (exit 2) rather than exhausting
#: memory.  Below it, a padded page is cut by the reader (MAX_CHARS) and the text by the
#: ``limits`` pass, so that the outputs stay bounded.
MAX_BYTES = 64 * 1024 * 1024


def _utf8(text: str) -> bool:
    """Whether ``text`` (a file name) was valid UTF-8: undecodable bytes come as lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_file(path: Path, root: Path | None = None, base_url: str | None = None) -> Article:
    """Read and normalise one source file; ``base_url`` is the page's address when the
    manifest gives one (``url:``), against which its relative addresses resolve."""
    from ..passes import run_passes

    name = _display(path, root)
    # Its name (in the project, its own name for a lone page) goes into the outputs, which are
    # UTF-8; the folders above the project do not.
    if not _utf8(name if root is not None and name != str(path) else path.name):
        raise SourceError(f"{name.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')}: "
                          "the file name is not UTF-8 text; rename the file")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"{name}: unsupported source type {path.suffix or '(none)'!r} "
                          f"(expected one of {', '.join(sorted(READERS))})")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(f"{name}: {size} bytes is larger than the {MAX_BYTES} byte limit")
        data = read_regular(path)
    except FileNotFoundError:
        raise SourceError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise SourceError(f"{name}: is a folder, not a file") from None
    except NotRegularFile:
        raise SourceError(f"{name}: not a regular file (a FIFO, socket or device)") from None
    except OSError as exc:
        raise SourceError(f"{name}: cannot read: {exc.strerror}") from None
    text, replaced = decode(data, name, html=reader is read_html)
    diags: list = []
    if replaced:
        diags.append(diagnostics.make("S001", "invalid bytes replaced with U+FFFD", name))
    text, removed = scrub(text)
    if removed:
        diags.append(diagnostics.make("S010", f"{removed} control or non-character code point"
                                              f"{'s' * (removed != 1)} removed", name))
    article = reader(text, path, root, diags, base_url=base_url)
    if not article.blocks and not article.notes and _no_text(text, reader is read_html):
        # An empty chapter titled after the file helps nobody: the source is wrong.
        raise SourceError(f"{name}: the file holds no text (nothing to publish)")
    article.source = path
    run_passes(article, name)
    return article


def _no_text(text: str, html: bool) -> bool:
    """The source has no words and no image at all (as opposed to a page whose text is
    all furniture, which reads as a page without an article: S002)."""
    if not html:
        return not text.strip()
    from .html import parse

    doc = parse(text)
    # Read only: the tree may still hold characters XML cannot carry (``&#1;``), which
    # lxml refuses to write back, so nothing is removed or joined here.
    words = doc.xpath("//text()[not(ancestor::script or ancestor::style or ancestor::head"
                      " or ancestor::template or ancestor::noscript)]")
    return not any(w.strip() for w in words) and next(doc.iter("img"), None) is None


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
