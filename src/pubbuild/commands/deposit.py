"""``pubbuild deposit``: an archival BagIt bag."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .options import TARGET_HELP, add_jobs, finish, progress


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``deposit`` to the command line's subcommands."""
    p = sub.add_parser("deposit", help="write an archival BagIt deposit",
                       description="Write a BagIt bag for an archive: EPUB, archival PDF, original "
                                   "and normalised sources, manifest, Dublin Core metadata and a "
                                   "README, with SHA-256 and SHA-512 manifests; validated after "
                                   "writing. An existing deposit is never overwritten.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST", help=TARGET_HELP)
    p.add_argument("-o", "--output", type=Path, metavar="DIR",
                   help="the bag's folder (must not exist; default: build/<slug>-deposit)")
    add_jobs(p)
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..deposit import deposit

    result = deposit(args.target, args.output, jobs=args.jobs, progress=progress(args))
    if not args.quiet:
        print(f"wrote deposit {result.path} ({result.files} files, validated)")
        for note in result.notes:
            print(f"note: {note}")
    return finish(args, result.diagnostics)
