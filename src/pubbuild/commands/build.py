"""``pubbuild build``: every format in one run, each article normalised once."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .. import backends
from .options import TARGET_HELP, Deprecated, add_allow_network, add_jobs, finish, progress


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``build`` to the command line's subcommands."""
    p = sub.add_parser("build", help="build every format (" + ", ".join(backends.names()) + ")",
                       description="Build every format in one run; each article is normalised "
                                   "once, unchanged articles come from the cache in build/.cache.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST", help=TARGET_HELP)
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="folder for the outputs (default: build/ in the project)")
    p.add_argument("-o", dest="out_dir", type=Path, metavar="DIR", action=Deprecated,
                   replacement="--out-dir", help="deprecated spelling of --out-dir (-o names one "
                   "output file or bag in the other commands)")
    add_jobs(p, "articles normalised, and the PDF laid out, in N processes "
                 "(default: the number of cores, %(default)s)")
    p.add_argument("--format", dest="formats", action="append", choices=backends.names(),
                   help="build only this format (repeatable; default: all)")
    p.add_argument("--no-cache", action="store_true", help="normalise every article again")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any diagnostic is a warning or an error (the outputs are "
                        "still written)")
    add_allow_network(p)
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..assemble.build import build_all

    options = backends.build_options(args)
    result = build_all(args.target, args.out_dir, options, jobs=args.jobs, formats=args.formats,
                       cache=not args.no_cache, progress=progress(args))
    if not args.quiet:
        n = len(result.publication.articles)
        print(f"normalised {len(result.stats.normalised)} of {n} article{'s' * (n != 1)} "
              f"({len(result.stats.hits)} unchanged, from the cache)")
        for path in result.outputs.values():
            print(f"wrote {path}")
    return finish(args, result.diagnostics)
