"""Readers: one per source format, each turning a file into an :class:`Article`.

:func:`read_file` picks the reader by file suffix from :data:`READERS` (the
registry of :mod:`.base`), decodes the bytes (:mod:`.decode`, the first stage of
every reader), reads, then runs the normalisation passes.
"""

from __future__ import annotations

from pathlib import Path

from .. import diagnostics
from ..errors import SourceError
from ..model import Article
from ..paths import NotRegularFile, read_regular
from .base import FORMATS, READERS, Reader
from .decode import decode, scrub

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


def read_file(path: Path, root: Path | None = None, base_url: str | None = None,
              encoding: str | None = None) -> Article:
    """Read and normalise one source file; ``base_url`` is the page's address when the
    manifest gives one (``url:``), against which its relative addresses resolve;
    ``encoding`` the character encoding the manifest gives (``encoding:``), which
    overrides what the file declares."""
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
    decoded = decode(data, name, html=reader.markup, encoding=encoding)
    text = decoded.text
    diags: list[diagnostics.Diagnostic] = []
    if decoded.replaced:
        diags.append(diagnostics.make("S001", f"invalid bytes replaced with U+FFFD (read as {decoded.encoding})",
                                      name))
    for note in decoded.notes:
        diags.append(diagnostics.make("S017", note, name))
    text, removed = scrub(text)
    if removed:
        diags.append(diagnostics.make("S010", f"{removed} control or non-character code point"
                                              f"{'s' * (removed != 1)} removed", name))
    article = reader.read(text, path, root, diags, base_url=base_url)
    if not article.blocks and not article.notes and _no_text(text, reader.markup):
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
    from .stages.parse import parse

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


__all__ = ["FORMATS", "MAX_BYTES", "READERS", "Reader", "read_file"]
