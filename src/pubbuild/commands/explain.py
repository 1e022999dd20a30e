"""``pubbuild explain``: what a diagnostic code means and what to do about it."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``explain`` to the command line's subcommands."""
    p = sub.add_parser("explain", help="explain a diagnostic code",
                       description="Explain what a diagnostic code means and what to do about "
                                   "it; without a code, list every code.")
    p.add_argument("code", nargs="?", metavar="CODE", help="a code such as A001 (any case)")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import CODES
    from ..errors import ConfigurationError
    from ..explanations import EXPLANATIONS

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
