"""``pubbuild schema``: the manifest's JSON Schema, for editors' YAML language servers."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``schema`` to the command line's subcommands."""
    p = sub.add_parser("schema", help="write the manifest's JSON Schema",
                       description="Write the JSON Schema of pubbuild.yaml (for editors' YAML "
                                   "language servers), generated from the schema the loader uses.")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", default=Path("-"),
                   help="output file, - for standard output (default)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..assemble.manifest import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output == Path("-"):
        from ..stdio import to_stdout

        to_stdout(text)
        return 0
    from ..partfiles import temporary

    try:
        with temporary(args.output) as tmp:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, args.output)
    except OSError as exc:
        from ..errors import OutputError

        raise OutputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"wrote {args.output}")
    return 0
