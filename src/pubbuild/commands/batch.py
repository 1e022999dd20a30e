"""The ``batch`` command of the command line: its arguments, and what it prints.

:func:`add_parser` is the one hook the CLI calls; the library (:mod:`pubbuild.batch`) logs,
this module prints and returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..batch.cluster import DEFAULT_MEMORY_LIMIT, PROCESS_BOUND_MB, usable_cores


def _count(text: str, least: int = 1) -> int:
    if not text.isdigit() or int(text) < least:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least {least}, got {text!r}")
    return int(text)


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``batch`` to the CLI's subparsers."""
    from ..batch import formats
    from ..batch.warc import GROUPS

    p = sub.add_parser(
        "batch", help="build many publications on a Dask cluster (project folders, web archives)",
        description="Build many publications in one run, each as one task on a Dask cluster: a "
                    "local cluster of worker processes, or a running one (--scheduler). Each "
                    "publication's outputs go to DIR/<slug>/; DIR/batch-report.json lists every "
                    "input with its status (built, skipped: already up to date, failed), its "
                    "outputs with their SHA-256, its diagnostics and timings. Exit status 1 when "
                    "any publication failed; the others are built all the same.")
    p.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                   help="a project folder (holding pubbuild.yaml), a manifest, or a text file "
                        "listing either, one a line")
    p.add_argument("--out-dir", type=Path, metavar="DIR", required=True,
                   help="folder receiving DIR/<slug>/ per publication and the report")
    p.add_argument("--format", dest="formats", action="append", choices=formats(),
                   help="what each publication yields (repeatable; default: all of "
                        f"{', '.join(formats())})")
    p.add_argument("--warc", nargs="+", type=Path, metavar="FILE", default=[],
                   help="web archives (.warc, .warc.gz, .wacz): each 200 text/html response in "
                        "which the reader finds an article becomes an article, its images taken "
                        "from the same archive (never the network)")
    p.add_argument("--group-by", choices=GROUPS, default="none",
                   help="with --warc: one publication per record (none), per site, or per capture "
                        "day (default: %(default)s)")
    p.add_argument("--workers", type=_count, metavar="N",
                   help=f"worker processes of the local cluster (default: the usable cores, "
                        f"{usable_cores()})")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on the Dask cluster whose scheduler is there (started with `dask "
                        "scheduler` and `dask worker`) instead of a local one")
    p.add_argument("--retries", type=lambda t: _count(t, 0), default=2, metavar="N",
                   help="run a task again up to N times when its worker dies or it fails "
                        "unexpectedly (default: %(default)s)")
    p.add_argument("--memory-limit", metavar="SIZE",
                   help="memory limit of each local worker, e.g. 800MiB; a worker past 95%% of it "
                        f"is restarted and its task retried (default: {DEFAULT_MEMORY_LIMIT}: a "
                        f"build's {PROCESS_BOUND_MB} MB bound plus the worker's own)")
    common(p)
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from ..batch import run_batch
    from ..errors import ConfigurationError
    from ..progress import for_terminal

    if args.scheduler and (args.workers or args.memory_limit):
        raise ConfigurationError("--workers and --memory-limit shape the local cluster; with "
                                 "--scheduler the workers are those started with `dask worker` "
                                 "(give them --nworkers and --memory-limit there)")
    if args.group_by != "none" and not args.warc:
        raise ConfigurationError("--group-by groups the pages of web archives: give --warc FILE...")
    report = run_batch(args.inputs, args.out_dir, args.formats, warc=args.warc, group_by=args.group_by,
                       workers=args.workers, scheduler=args.scheduler, retries=args.retries,
                       memory_limit=args.memory_limit or DEFAULT_MEMORY_LIMIT,
                       progress=for_terminal(sys.stderr, quiet=args.quiet))
    for pub in report.failed():
        for line in (pub.get("error") or "failed").splitlines():
            print(f"pubbuild: {line}", file=sys.stderr)
    if not args.quiet:
        counts = report.counts()
        total = len(report.publications)
        print(f"{counts['built']} built, {counts['skipped']} skipped (up to date), {counts['failed']} "
              f"failed of {total} publication{'s' * (total != 1)} in {report.seconds:.1f} s on "
              f"{report.workers} worker{'s' * (report.workers != 1)}; "
              f"report: {args.out_dir / 'batch-report.json'}")
        if report.archives is not None:
            a = report.archives
            print(f"web archives: {a['html_200']} pages, {a['articles']} articles, "
                  f"{a['not_articles']} pages without an article, "
                  f"{sum(a['not_200'].values())} responses other than 200")
    return 1 if report.failed() else 0
