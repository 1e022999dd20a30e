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
import traceback
from pathlib import Path

from . import __version__, backends
from .errors import PubbuildError

logger = logging.getLogger("pubbuild")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    root = logging.getLogger("pubbuild")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    # WeasyPrint and fontTools are chatty; their warnings matter only with -v.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.ERROR)


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subcommands the defaults are suppressed so `pubbuild -q epub` keeps its -q.
    parser.add_argument("-v", "--verbose", action="count",
                        default=0 if top else argparse.SUPPRESS,
                        help="say more (-vv for debugging detail)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        default=False if top else argparse.SUPPRESS, help="print errors only")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pubbuild",
        description="Turn article HTML into accessible publications: EPUB 3 and tagged PDF.")
    parser.add_argument("--version", action="version", version=f"pubbuild {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in backends.names():
        cls = backends.get(name)
        p = sub.add_parser(name, help=f"build {cls.description}",
                           description=f"Build {cls.description}.")
        p.add_argument("target", nargs="?", type=Path, metavar="MANIFEST",
                       help="manifest (default: pubbuild.yaml) or a single article "
                            "(.html, .htm, .xhtml, .txt, .md)")
        p.add_argument("-o", "--output", type=Path, metavar="FILE",
                       help=f"output file (default: build/<slug>{cls.suffix})")
        p.add_argument("--allow-network", action="store_true",
                       help="allow fetching remote images (off by default)")
        cls.add_arguments(p)
        _common(p)
        p.set_defaults(func=_cmd_build, backend=name)
    p = sub.add_parser("normalize", help="normalise articles and print or save the result",
                       description="Normalise article files (or every article in folders) "
                                   "and write the normalised body, model or text.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="write <stem>.<format> per input here (default: standard output)")
    p.add_argument("--format", choices=("html", "json", "text"), default="html")
    _common(p)
    p.set_defaults(func=_cmd_normalize)
    _add_serve(sub)
    from .cli_pack import add_commands  # build, check, deposit, init

    add_commands(sub, _common)
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
    p.add_argument("-o", "--out-dir", type=Path, metavar="DIR",
                   help="also copy each good build's outputs here, e.g. build (default: none; the "
                        "preview's builds live in a temporary folder removed on exit)")
    p.add_argument("--format", dest="formats", action="append", choices=backends.names(),
                   help="preview only this format (repeatable; default: all)")
    from .cli_pack import _jobs

    p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="processes for normalising and PDF layout (default: the number of cores)")
    p.add_argument("--no-cache", action="store_true",
                   help="normalise every article on every build (by default unchanged articles "
                        "come from the article cache in build/.cache, shared with `build`)")
    p.add_argument("--allow-network", action="store_true",
                   help="allow fetching remote images (off by default)")
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

    options = backends.BuildOptions(allow_network=args.allow_network, extra=vars(args))
    path, pub, diags = build(args.backend, args.target, args.output, options)
    if not args.quiet:
        print(f"wrote {path} ({len(pub.articles)} article{'s' * (len(pub.articles) != 1)})")
    return 0


def _cmd_normalize(args: argparse.Namespace) -> int:
    from .normalize import normalize_paths

    return normalize_paths(args.paths, args.out_dir, args.format, emit=_emit)


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
    _setup_logging(args.verbose, args.quiet)
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm(os.getpid()))
    except ValueError:  # not the main thread (an embedding program): leave SIGTERM to it
        previous = None
    try:
        return args.func(args)
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
    except Exception:  # a bug: keep the traceback, spare the user
        fd, path = tempfile.mkstemp(prefix="pubbuild-crash-", suffix=".txt")
        with open(fd, "w") as fh:
            traceback.print_exc(file=fh)
        print(f"pubbuild: internal error ({sys.exc_info()[1]!r}); details saved to {path}. "
              "Please report it.", file=sys.stderr)
        return 70
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
