"""The command line.  The only module that prints or decides the exit status.

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
from pathlib import Path

from . import backends
from .cli_project import add_allow_network
from .errors import EXIT_STATUS, PubbuildError

logger = logging.getLogger("pubbuild")


class Findings(logging.Filter):
    """Holds back the diagnostics logged during a run, so that each is printed once, grouped
    by code and file, when the command ends (:meth:`lines`); other records pass."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[tuple, None] = {}
        self.handler: logging.Handler | None = None
        self.saved: list[tuple[logging.Logger, int, bool]] = []

    def filter(self, record: logging.LogRecord) -> bool:
        diag = getattr(record, "diagnostic", None)
        if diag is None:
            return True
        self.found[(diag.location(), diag.level, diag.code, diag.message)] = None
        return False

    def lines(self, every: bool = False) -> list[str]:
        """Grouped lines (one per code and file), or ``every`` finding once."""
        from .diagnostics import group

        if every:
            return [f"{where}: {level}: {code} {message}" for where, level, code, message in self.found]
        return group(self.found)


def _setup_logging(verbose: int, quiet: bool) -> Findings:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    root = logging.getLogger("pubbuild")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    from .progress import BarSafeHandler

    handler = BarSafeHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    findings = Findings()
    handler.addFilter(findings)
    # Undone when the command ends (:func:`_restore_logging`): main may run again in-process.
    findings.saved = [(logging.getLogger(name), logging.getLogger(name).level,
                       logging.getLogger(name).propagate)
                      for name in ("pubbuild", "pubbuild.serve", "weasyprint", "fontTools")]
    root.addHandler(handler)
    findings.handler = handler
    root.setLevel(level)
    root.propagate = False
    # WeasyPrint and fontTools are chatty; their warnings matter only with -v.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.ERROR)
    return findings


def _restore_logging(findings: Findings) -> None:
    """The loggers as they were before :func:`_setup_logging`."""
    logging.getLogger("pubbuild").removeHandler(findings.handler)
    for log, level, propagate in findings.saved:
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
    from .stdio import SOURCE_TYPES

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
        _common(p)
        p.set_defaults(func=_cmd_build, backend=name)
    p = sub.add_parser("normalize", help="normalise articles and print or save the result",
                       description="Normalise article files (or every article in folders) "
                                   "and write the normalised body, model or text.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="article files, folders of articles, or - for an article on standard input")
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="write <stem>.<format> per input here (default: standard output)")
    p.add_argument("--format", choices=("html", "json", "text"), default="html",
                   help="what to write: the normalised HTML body, the JSON model with "
                        "diagnostics, or plain text (default: %(default)s)")
    p.add_argument("--from", dest="source_type", choices=list(SOURCE_TYPES),
                   help="type of the article on standard input (default: sniffed)")
    _common(p)
    p.set_defaults(func=_cmd_normalize)
    _add_serve(sub)
    from .cli_project import add_commands  # build, check, deposit, init

    add_commands(sub, _common)
    from .batch.cli import add_command as add_batch  # many publications on Dask

    add_batch(sub, _common)

    p = sub.add_parser("explain", help="explain a diagnostic code",
                       description="Explain what a diagnostic code means and what to do about "
                                   "it; without a code, list every code.")
    p.add_argument("code", nargs="?", metavar="CODE", help="a code such as A001 (any case)")
    _common(p)
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("schema", help="write the manifest's JSON Schema",
                       description="Write the JSON Schema of pubbuild.yaml (for editors' YAML "
                                   "language servers), generated from the schema the loader uses.")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", default=Path("-"),
                   help="output file, - for standard output (default)")
    _common(p)
    p.set_defaults(func=_cmd_schema)
    return parser


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="preview the publication in the browser, rebuilt on each change",
                       description="Build the publication into a temporary folder and serve it on this "
                                   "machine: the EPUB's pages, the PDF and the diagnostics per article. "
                                   "Every change to the manifest, a source or a style builds it again "
                                   "and the open pages reload. Ctrl-C stops.")
    p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST",
                   help="manifest (default: pubbuild.yaml) or a single article")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s, this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: %(default)s; 0 picks a free one)")
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
    _common(p)
    p.set_defaults(func=_cmd_serve)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {value!r}")
    return int(value)


def _cmd_serve(args: argparse.Namespace) -> int:
    from .serve import pack_stages, serve

    if not args.quiet:  # the terminal says what is built; diagnostics are on the preview's pages
        logging.getLogger("pubbuild.serve").setLevel(logging.INFO)
        if not args.verbose:
            logging.getLogger("pubbuild").setLevel(logging.ERROR)
    options = backends.BuildOptions(allow_network=args.allow_network, extra=vars(args))
    stages = pack_stages(args.target, options, args.formats, args.jobs, cache=not args.no_cache)
    try:
        serve(args.target, args.host, args.port, stages, args.out_dir,
              on_ready=lambda url: args.quiet or print(f"serving the preview at {url} (Ctrl-C stops)",
                                                       flush=True))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the way a preview ends, not a failure
        if not args.quiet:
            print("stopped")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    from .errors import ConfigurationError
    from .progress import for_terminal
    from .stdio import STDIN, refuse_from_with_file, save_stdin

    target = args.target
    refuse_from_with_file(args.source_type, [target or Path("pubbuild.yaml")])
    to_stdout = args.output == STDIN
    if target == STDIN and args.output is None:
        raise ConfigurationError("an article on standard input has no project to build into: "
                                 "name the output with -o FILE (or -o - for standard output)")
    options = backends.BuildOptions(allow_network=args.allow_network, extra=vars(args))
    with tempfile.TemporaryDirectory(prefix="pubbuild-") as tmp:
        if target == STDIN:
            target = save_stdin(sys.stdin.buffer.read(), args.source_type, Path(tmp))
        output = Path(tmp) / f"stdout{backends.get(args.backend).suffix}" if to_stdout else args.output
        path, pub, diags = build(args.backend, target, output, options,
                                 for_terminal(sys.stderr, quiet=args.quiet))
        if to_stdout:
            sys.stdout.buffer.write(path.read_bytes())
            sys.stdout.buffer.flush()
    if not args.quiet and not to_stdout:
        print(f"wrote {path} ({len(pub.articles)} article{'s' * (len(pub.articles) != 1)})")
    from .cli_project import strict_status

    return strict_status(args, diags)


def _cmd_normalize(args: argparse.Namespace) -> int:
    from .normalize import normalize_paths
    from .stdio import STDIN, refuse_from_with_file, save_stdin

    refuse_from_with_file(args.source_type, args.paths)
    if args.paths.count(STDIN) > 1:
        from .errors import ConfigurationError

        raise ConfigurationError("- (standard input) can be given only once")
    with tempfile.TemporaryDirectory(prefix="pubbuild-") as tmp:
        stdin = None
        if STDIN in args.paths:
            stdin = save_stdin(sys.stdin.buffer.read(), args.source_type, Path(tmp))
        paths = [stdin if p == STDIN else p for p in args.paths]
        return normalize_paths(paths, args.out_dir, args.format, emit=_emit, stdin=stdin)


def _cmd_explain(args: argparse.Namespace) -> int:
    from .diagnostics import CODES
    from .errors import ConfigurationError
    from .explanations import EXPLANATIONS

    if args.code is None:
        for code, (level, meaning) in sorted(CODES.items()):
            print(f"{code}  {level:<7}  {meaning}")
        return 0
    code = args.code.strip().upper()
    if code not in CODES:
        raise ConfigurationError(f"unknown diagnostic code {args.code!r}; `pubbuild explain` "
                                 "lists them all")
    level, meaning = CODES[code]
    print(f"{code} ({level}): {meaning}\n")
    print(textwrap.fill(EXPLANATIONS.get(code, meaning), width=78))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    import json

    from .manifest import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output == Path("-"):
        sys.stdout.write(text)
        return 0
    from .partfiles import temporary

    try:
        with temporary(args.output) as tmp:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, args.output)
    except OSError as exc:
        from .errors import OutputError

        raise OutputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"wrote {args.output}")
    return 0


def _emit(text: str) -> None:
    sys.stdout.write(text)


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
    findings = _setup_logging(args.verbose, args.quiet)
    for note in getattr(args, "deprecations", None) or []:
        if not args.quiet:
            print(f"pubbuild: warning: {note}", file=sys.stderr)
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm(os.getpid()))
    except ValueError:  # not the main thread (an embedding program): leave SIGTERM to it
        previous = None
    try:
        try:
            return args.func(args)
        finally:
            # Printed once at the end, not as they come: a finding may be logged twice (by a
            # worker and the parent, by two backends), and the end is after the progress bars.
            # ``check`` prints them in its report instead.
            if not getattr(args, "reports_diagnostics", False):
                for line in findings.lines(every=args.verbose > 0):
                    print(line, file=sys.stderr)
    except PubbuildError as exc:
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
        _restore_logging(findings)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
