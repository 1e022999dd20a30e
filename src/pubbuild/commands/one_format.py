"""One format per command (``pubbuild epub``, ``pubbuild pdf``: one per registered backend),
from a manifest, a single article or standard input."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import backends
from .options import add_allow_network, finish


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add a command per registered backend (its own options from its ``add_arguments``)."""
    from ..stdio import SOURCE_TYPES

    for name in backends.names():
        cls = backends.get(name)
        p = sub.add_parser(name, help=f"build {cls.description}",
                           description=f"Build {cls.description}.")
        p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST",
                       help="manifest (default: pubbuild.yaml), a single article "
                            "(.html, .htm, .xhtml, .txt, .md), or - for an article on standard input")
        p.add_argument("-o", "--output", type=Path, metavar="FILE",
                       help=f"output file, - for standard output (default: build/<slug>{cls.suffix})")
        p.add_argument("--from", dest="source_type", choices=list(SOURCE_TYPES),
                       help="type of the article on standard input (default: sniffed)")
        add_allow_network(p)
        p.add_argument("--strict", action="store_true",
                       help="exit 1 when any diagnostic is a warning or an error (the output is "
                            "still written)")
        cls.add_arguments(p)
        common(p)
        p.set_defaults(func=run, backend=name)


def run(args: argparse.Namespace) -> int:
    from ..assemble.build import build
    from ..errors import ConfigurationError
    from ..progress import for_terminal
    from ..stdio import STDIN, refuse_from_with_file, save_stdin, to_stdout

    target = args.target
    refuse_from_with_file(args.source_type, [target or Path("pubbuild.yaml")])
    piped = args.output == STDIN
    if target == STDIN and args.output is None:
        raise ConfigurationError("an article on standard input has no project to build into: "
                                 "name the output with -o FILE (or -o - for standard output)")
    options = backends.build_options(args)
    with tempfile.TemporaryDirectory(prefix="pubbuild-") as tmp:
        if target == STDIN:
            target = save_stdin(sys.stdin.buffer.read(), args.source_type, Path(tmp))
        output = Path(tmp) / f"stdout{backends.get(args.backend).suffix}" if piped else args.output
        path, pub, diags = build(args.backend, target, output, options,
                                 for_terminal(sys.stderr, quiet=args.quiet))
        if piped:
            to_stdout(path.read_bytes())
    if not args.quiet and not piped:
        print(f"wrote {path} ({len(pub.articles)} article{'s' * (len(pub.articles) != 1)})")
    return finish(args, diags)
