"""The command line: parses, dispatches to the command's module (:mod:`pubbuild.commands`),
and turns errors into exit statuses.  With the commands, the only code that prints: the log
(progress and debugging text, on standard error) and, from the command, the diagnostics its
work handed back as data.

``main(argv=None) -> int`` lets tests drive the CLI in-process.  Output
commands come from the backend registry.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import textwrap
import traceback

from .commands import COMMANDS
from .errors import EXIT_STATUS, PubbuildError

logger = logging.getLogger("pubbuild")


class Loggers:
    """The loggers' levels as :func:`_setup_logging` found them, put back when the command ends
    (:func:`_restore_logging`): ``main`` may run again in-process."""

    def __init__(self) -> None:
        self.handler: logging.Handler | None = None
        self.saved: list[tuple[logging.Logger, int, bool]] = []


def _setup_logging(verbose: int, quiet: bool) -> Loggers:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    root = logging.getLogger("pubbuild")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    from .progress import BarSafeHandler

    handler = BarSafeHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    loggers = Loggers()
    loggers.saved = [(logging.getLogger(name), logging.getLogger(name).level,
                      logging.getLogger(name).propagate)
                     for name in ("pubbuild", "pubbuild.serve", "weasyprint", "fontTools")]
    root.addHandler(handler)
    loggers.handler = handler
    root.setLevel(level)
    root.propagate = False
    # WeasyPrint and fontTools are chatty; their warnings matter only with -v.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.ERROR)
    return loggers


def _restore_logging(loggers: Loggers) -> None:
    """The loggers as they were before :func:`_setup_logging`."""
    if loggers.handler is not None:
        logging.getLogger("pubbuild").removeHandler(loggers.handler)
    for log, level, propagate in loggers.saved:
        log.setLevel(level)
        log.propagate = propagate


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the defaults are suppressed so `pubbuild -q epub` keeps its -q.
    parser.add_argument("-v", "--verbose", action="count",
                        default=0 if top else argparse.SUPPRESS,
                        help="say more (-vv for debugging detail)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        default=False if top else argparse.SUPPRESS, help="print errors only")


class _Version(argparse.Action):
    """``--version``: pubbuild and the versions of what it builds with."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="print the versions of pubbuild, WeasyPrint, ebooklib, Python and EPUBCheck"):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from .versions import text

        print(text())
        parser.exit()


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pubbuild",
        description="Turn article HTML into accessible publications: EPUB 3 and tagged PDF.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status:\n" + "".join(
            textwrap.fill(f"{code:<5}{meaning.replace('`', '')}", 78, initial_indent="  ",
                          subsequent_indent=" " * 7) + "\n" for code, meaning in EXIT_STATUS.items())
               + "\n`pubbuild explain CODE` explains a diagnostic code.")
    parser.add_argument("--version", action=_Version)
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub, _common)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it unwinds as for Ctrl-C: every
    ``except BaseException`` on the way removes its temporary file or folder."""


def _on_sigterm(owner: int):
    def handler(signum, frame):
        if os.getpid() != owner:  # a forked worker inherited this handler: die as by default
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated()
    return handler


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    loggers = _setup_logging(args.verbose, args.quiet)
    for note in getattr(args, "deprecations", None) or []:
        if not args.quiet:
            print(f"pubbuild: warning: {note}", file=sys.stderr)
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm(os.getpid()))
    except ValueError:  # not the main thread (an embedding program): leave SIGTERM to it
        previous = None
    try:
        # The command prints the diagnostics its work handed back (commands.options.finish).
        return args.func(args)
    except PubbuildError as exc:
        # What the work found before it failed (other articles' findings, say) still shows.
        from .commands.options import print_findings

        print_findings(args, exc.diagnostics)
        for line in exc.lines():
            print(f"pubbuild: {line}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("pubbuild: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("pubbuild: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Exception:  # noqa: BLE001 - any other is a bug: keep the traceback, spare the user
        fd, path = tempfile.mkstemp(prefix="pubbuild-crash-", suffix=".txt")
        with open(fd, "w") as fh:
            traceback.print_exc(file=fh)
        print(f"pubbuild: internal error ({sys.exc_info()[1]!r}); details saved to {path}. "
              "Please report it.", file=sys.stderr)
        return 70
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        _restore_logging(loggers)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
