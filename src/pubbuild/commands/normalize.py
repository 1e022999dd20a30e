"""``pubbuild normalize``: articles normalised and printed or saved (HTML, JSON model, text)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .options import finish


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``normalize`` to the command line's subcommands."""
    from ..stdio import SOURCE_TYPES

    p = sub.add_parser("normalize", help="normalise articles and print or save the result",
                       description="Normalise article files (or every article in folders) "
                                   "and write the normalised body, model or text.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="article files, folders of articles, or - for an article on standard input")
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="write <stem>.<format> per input here (default: standard output)")
    p.add_argument("--format", choices=("html", "json", "text"), default="html",
                   help="what to write: the normalised HTML body, the JSON model with "
                        "diagnostics, or plain text (default: %(default)s)")
    p.add_argument("--from", dest="source_type", choices=list(SOURCE_TYPES),
                   help="type of the article on standard input (default: sniffed)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..normalize import normalize_paths
    from ..stdio import STDIN, refuse_from_with_file, save_stdin, to_stdout

    refuse_from_with_file(args.source_type, args.paths)
    if args.paths.count(STDIN) > 1:
        from ..errors import ConfigurationError

        raise ConfigurationError("- (standard input) can be given only once")
    with tempfile.TemporaryDirectory(prefix="pubbuild-") as tmp:
        stdin = None
        paths: list[Path] = list(args.paths)
        if STDIN in args.paths:
            stdin = save_stdin(sys.stdin.buffer.read(), args.source_type, Path(tmp))
            paths = [stdin if p == STDIN else p for p in args.paths]
        diags: list = []
        status = normalize_paths(paths, args.out_dir, args.format, emit=to_stdout, stdin=stdin,
                                 diags=diags)
    return max(status, finish(args, diags))

