"""What several commands' parsers share: deprecated spellings, ``-j``, ``--allow-network``,
the progress display, and the diagnostics printed with the ``--strict`` exit status."""

from __future__ import annotations

import argparse
import sys

from .. import backends
from ..diagnostics import Diagnostic, Level, lines
from ..progress import Progress

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


def add_jobs(parser: argparse.ArgumentParser,
              what: str = "articles normalised in parallel (default: the number of cores, "
                          "%(default)s)") -> None:
    backends.add_process_count(parser, what)


def add_allow_network(parser: argparse.ArgumentParser) -> None:
    """``--allow-network``: one spelling and one description of the network policy for every
    command that may fetch remote images."""
    parser.add_argument("--allow-network", action="store_true",
                        help="allow fetching remote images (off by default)")


def progress(args: argparse.Namespace) -> Progress:
    """The progress display for the terminal (nothing with ``-q`` or off a terminal)."""
    from ..progress import for_terminal

    return for_terminal(sys.stderr, quiet=args.quiet)


def finish(args: argparse.Namespace, diags: list[Diagnostic]) -> int:
    """Print the diagnostics the command's work handed back, each once, grouped by code and
    file (``-v``: one line each, notes too; ``-q``: errors only), after the progress bars;
    return 0, or 1 with ``--strict`` when any is a warning or an error."""
    print_findings(args, diags)
    return strict_status(args, diags)


def print_findings(args: argparse.Namespace, diags: list[Diagnostic]) -> None:
    """Print ``diags`` to standard error, each once, grouped by code and file (``-v``: one
    line each, notes too; ``-q``: errors only): at the end of a command, or with its error."""
    least: Level = "error" if args.quiet else "info" if args.verbose else "warning"
    for line in lines(diags, least, every=args.verbose > 0):
        print(line, file=sys.stderr)


def strict_status(args: argparse.Namespace, diags: list[Diagnostic]) -> int:
    """0, or 1 with ``--strict`` when any diagnostic is a warning or an error."""
    failing = [d for d in diags if d.level in ("warning", "error")]
    if getattr(args, "strict", False) and failing:
        print(f"pubbuild: --strict: {len(failing)} warning{'s' * (len(failing) != 1)} or "
              "errors; failing", file=sys.stderr)
        return 1
    return 0
