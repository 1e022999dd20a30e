"""``pubbuild check``: every article's diagnostics and the validators' verdicts."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from .options import TARGET_HELP, Deprecated, add_jobs, progress


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``check`` to the command line's subcommands."""
    p = sub.add_parser("check", help="report diagnostics and validator verdicts",
                       description="Report every article's diagnostics, EPUBCheck's verdict on the "
                                   "EPUB (when Java is present) and the PDF's structure checks. "
                                   "Outputs already up to date are checked as they are. Exit "
                                   "status 1 when anything is at error level (with --strict, also "
                                   "warnings).")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST", help=TARGET_HELP)
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--json", action="store_true", help="write the report as JSON (for machines)")
    p.add_argument("--format", dest="report_format", choices=("text", "json"), default="text",
                   action=Deprecated, replacement="--json",
                   help="deprecated spelling of --json (--format names output formats elsewhere)")
    add_jobs(p)
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..check import check

    report = check(args.target, jobs=args.jobs, progress=progress(args))
    failed = report.failed(args.strict)
    if args.json or args.report_format == "json":
        data = report.as_dict()
        data["strict"], data["ok"] = args.strict, not failed
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for line in report.lines(every=args.verbose > 0):
            print(line)
    return 1 if failed else 0
