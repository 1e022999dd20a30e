"""``pubbuild serve``: the command line of the live preview (:mod:`pubbuild.serve` is the
preview itself)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from .. import backends
from .options import add_allow_network


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``serve`` to the command line's subcommands."""
    p = sub.add_parser("serve", help="preview the publication in the browser, rebuilt on each change",
                       description="Build the publication into a temporary folder and serve it on this "
                                   "machine: the EPUB's pages, the PDF and the diagnostics per article. "
                                   "Every change to the manifest, a source or a style builds it again "
                                   "and the open pages reload. Ctrl-C stops.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST",
                   help="manifest (default: pubbuild.yaml) or a single article")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s, this machine only)")
    p.add_argument("--port", type=port, default=8000, help="port (default: %(default)s; 0 picks a free one)")
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="also copy each good build's outputs here, e.g. build (default: none; the "
                        "preview's builds live in a temporary folder removed on exit)")
    p.add_argument("--format", dest="formats", action="append", choices=backends.names(),
                   help="preview only this format (repeatable; default: all)")
    backends.add_process_count(p, "processes for normalising and PDF layout (default: the number of "
                                  "cores, %(default)s)")
    p.add_argument("--no-cache", action="store_true",
                   help="normalise every article on every build (by default unchanged articles "
                        "come from the article cache in build/.cache, shared with `build`)")
    add_allow_network(p)
    common(p)
    p.set_defaults(func=run)


def port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {value!r}")
    return int(value)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import Level, lines
    from ..serve import Snapshot, pack_stages, serve

    if not args.quiet:  # the terminal says what is built; diagnostics are on the preview's pages
        logging.getLogger("pubbuild.serve").setLevel(logging.INFO)
        if not args.verbose:
            logging.getLogger("pubbuild").setLevel(logging.ERROR)
    options = backends.build_options(args)
    stages = pack_stages(args.target, options, args.formats, args.jobs, cache=not args.no_cache)
    # Each build's diagnostics once, as it goes on show: every one with -v, else the errors only.
    least: Level = "info" if args.verbose else "error"

    def on_build(snap: Snapshot) -> None:
        for line in lines([d for group in snap.groups for d in group.diagnostics], least,
                          every=args.verbose > 0):
            print(line, file=sys.stderr, flush=True)
    try:
        serve(args.target, args.host, args.port, stages, args.out_dir,
              on_ready=lambda url: args.quiet or print(f"serving the preview at {url} (Ctrl-C stops)",
                                                       flush=True),
              on_build=on_build)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the way a preview ends, not a failure
        if not args.quiet:
            print("stopped")
    return 0
