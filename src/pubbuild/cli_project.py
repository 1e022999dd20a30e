"""The project commands of the command line: ``build``, ``check``, ``deposit``, ``init``.

Part of the CLI layer (with :mod:`pubbuild.cli`): these functions parse, call
the library, print and return the exit status.  :func:`add_commands` is the one
hook :func:`pubbuild.cli.make_parser` calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from . import backends

TARGET_HELP = "manifest (default: pubbuild.yaml)"


class Deprecated(argparse.Action):
    """An old spelling that still works: stores its value like the new one (``replacement``)
    and leaves a warning in ``namespace.deprecations`` for :func:`pubbuild.cli.main` to print."""

    def __init__(self, *args, replacement: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.replacement = replacement

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, values)
        notes = getattr(namespace, "deprecations", None) or []
        notes.append(f"{option_string} is deprecated; use {self.replacement}")
        namespace.deprecations = notes


def _add_jobs(parser: argparse.ArgumentParser,
              what: str = "articles normalised in parallel (default: the number of cores, "
                          "%(default)s)") -> None:
    backends.add_process_count(parser, what)


def add_allow_network(parser: argparse.ArgumentParser) -> None:
    """``--allow-network``: one spelling and one description of the network policy for every
    command that may fetch remote images."""
    parser.add_argument("--allow-network", action="store_true",
                        help="allow fetching remote images (off by default)")


def add_commands(sub, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the pack subcommands to the CLI's subparsers."""
    p = sub.add_parser("build", help="build every format (" + ", ".join(backends.names()) + ")",
                       description="Build every format in one run; each article is normalised "
                                   "once, unchanged articles come from the cache in build/.cache.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST", help=TARGET_HELP)
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="folder for the outputs (default: build/ in the project)")
    p.add_argument("-o", dest="out_dir", type=Path, metavar="DIR", action=Deprecated,
                   replacement="--out-dir", help="deprecated spelling of --out-dir (-o names one "
                   "output file or bag in the other commands)")
    _add_jobs(p, "articles normalised, and the PDF laid out, in N processes "
                 "(default: the number of cores, %(default)s)")
    p.add_argument("--format", dest="formats", action="append", choices=backends.names(),
                   help="build only this format (repeatable; default: all)")
    p.add_argument("--no-cache", action="store_true", help="normalise every article again")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any diagnostic is a warning or an error (the outputs are "
                        "still written)")
    add_allow_network(p)
    common(p)
    p.set_defaults(func=cmd_build)

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
    _add_jobs(p)
    common(p)
    p.set_defaults(func=cmd_check, reports_diagnostics=True)

    p = sub.add_parser("deposit", help="write an archival BagIt deposit",
                       description="Write a BagIt bag for an archive: EPUB, archival PDF, original "
                                   "and normalised sources, manifest, Dublin Core metadata and a "
                                   "README, with SHA-256 and SHA-512 manifests; validated after "
                                   "writing. An existing deposit is never overwritten.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST", help=TARGET_HELP)
    p.add_argument("-o", "--output", type=Path, metavar="DIR",
                   help="the bag's folder (must not exist; default: build/<slug>-deposit)")
    _add_jobs(p)
    common(p)
    p.set_defaults(func=cmd_deposit)

    p = sub.add_parser("init", help="create a new project that builds as it is",
                       description="Create a working project: pubbuild.yaml, sources/ with an "
                                   "example article, and styles/. Existing files are never "
                                   "overwritten.")
    p.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="project folder (default: the current folder)")
    p.add_argument("--title", help="title of the publication (default: from the folder name)")
    common(p)
    p.set_defaults(func=cmd_init)


def _progress(args: argparse.Namespace):
    from .progress import for_terminal

    return for_terminal(sys.stderr, quiet=args.quiet)


def cmd_build(args: argparse.Namespace) -> int:
    from .project import build_all

    options = backends.build_options(args)
    result = build_all(args.target, args.out_dir, options, jobs=args.jobs, formats=args.formats,
                       cache=not args.no_cache, progress=_progress(args))
    if not args.quiet:
        n = len(result.publication.articles)
        print(f"normalised {len(result.stats.normalised)} of {n} article{'s' * (n != 1)} "
              f"({len(result.stats.hits)} unchanged, from the cache)")
        for path in result.outputs.values():
            print(f"wrote {path}")
    return strict_status(args, result.diagnostics)


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    report = check(args.target, jobs=args.jobs, progress=_progress(args))
    failed = report.failed(args.strict)
    if args.json or args.report_format == "json":
        data = report.as_dict()
        data["strict"], data["ok"] = args.strict, not failed
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for line in report.lines(every=args.verbose > 0):
            print(line)
    return 1 if failed else 0


def cmd_deposit(args: argparse.Namespace) -> int:
    from .deposit import deposit

    result = deposit(args.target, args.output, jobs=args.jobs, progress=_progress(args))
    if not args.quiet:
        print(f"wrote deposit {result.path} ({result.files} files, validated)")
        for note in result.notes:
            print(f"note: {note}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .init import init_project

    written = init_project(args.directory, args.title)
    if not args.quiet:
        for path in written:
            print(f"created {path}")
        print(f"now run: pubbuild build {args.directory / 'pubbuild.yaml'}")
    return 0


def strict_status(args: argparse.Namespace, diags: list) -> int:
    """0, or 1 with ``--strict`` when any diagnostic is a warning or an error."""
    failing = [d for d in diags if d.level in ("warning", "error")]
    if getattr(args, "strict", False) and failing:
        print(f"pubbuild: --strict: {len(failing)} warning{'s' * (len(failing) != 1)} or "
              "errors; failing", file=sys.stderr)
        return 1
    return 0
