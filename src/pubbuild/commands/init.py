"""``pubbuild init``: a new project that builds as it is."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``init`` to the command line's subcommands."""
    p = sub.add_parser("init", help="create a new project that builds as it is",
                       description="Create a working project: pubbuild.yaml, sources/ with an "
                                   "example article, and styles/. Existing files are never "
                                   "overwritten.")
    p.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="project folder (default: the current folder)")
    p.add_argument("--title", help="title of the publication (default: from the folder name)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..init import init_project

    written = init_project(args.directory, args.title)
    if not args.quiet:
        for path in written:
            print(f"created {path}")
        print(f"now run: pubbuild build {args.directory / 'pubbuild.yaml'}")
    return 0
