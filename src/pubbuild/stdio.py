"""``-`` on the command line: a source read from standard input.

Readers read files (they pick the reader by suffix, and an article's relative
addresses resolve against its folder), so standard input is saved to a file
named ``stdin`` plus the suffix of its type in a fresh, empty folder that bounds
what the article may refer to.  The type is the one given (``--from``) or, else,
sniffed from the first bytes; data of no known type is bad input (exit 2).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ConfigurationError, SourceError
from .reader.base import FORMATS

#: Source type (``--from``) -> the suffix its reader is registered under (from the readers' registry).
SOURCE_TYPES: dict[str, str] = {name: reader.suffixes[0] for name, reader in FORMATS.items()}

STDIN = Path("-")
"""What ``-`` parses to with ``type=Path``."""

# The markers that tell Markdown from plain prose: an ATX heading, a fenced block, a link, a
# list item or emphasis at the start of a line.
_MARKDOWN = re.compile(r"^(#{1,6} |```|~~~|[-*+] |\d+\. |> )|\]\([^)]+\)|^\*\*|^__", re.MULTILINE)
_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|article|main|div|p|h[1-6]|"
                   rb"section|meta|title|\?xml)[\s>/]", re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str | None:
    """The source type of ``data``: ``html`` when it opens with an HTML tag or doctype,
    ``markdown`` when a line carries Markdown syntax, ``text`` for other text; None for
    data that is not text (NUL bytes, or not UTF-8)."""
    head = data[:65536].removeprefix(b"\xef\xbb\xbf")
    if b"\0" in head:
        return None
    if _HTML.match(head):
        return "html"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the 64 kB mark
            return None
        text = head[:exc.start].decode("utf-8")
    if not text.strip():
        return None
    return "markdown" if _MARKDOWN.search(text) else "text"


def save_stdin(data: bytes, kind: str | None, folder: Path) -> Path:
    """Save standard input's ``data`` as a source file in ``folder``; ``kind`` from ``--from``."""
    kind = kind or sniff(data)
    if kind is None:
        raise SourceError("standard input: cannot tell its source type (not HTML, Markdown or "
                          "text); name it with --from " + "|".join(SOURCE_TYPES))
    path = folder / f"stdin{SOURCE_TYPES[kind]}"
    path.write_bytes(data)
    return path


def refuse_from_with_file(kind: str | None, paths: list[Path]) -> None:
    """``--from`` names the type of standard input only: with files it would be silently
    ignored (their suffix picks the reader), so it is a command-line error."""
    if kind is not None and any(p != STDIN for p in paths):
        raise ConfigurationError("--from applies to standard input (-) only; a file's type "
                                 "comes from its suffix")


def to_stdout(data: bytes | str) -> None:
    """``data`` on standard output; a full disk or closed pipe behind it is exit 2, not a bug."""
    import sys

    from .errors import OutputError

    try:
        if isinstance(data, str):
            sys.stdout.write(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from None
