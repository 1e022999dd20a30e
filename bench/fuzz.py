"""Longer fuzz run: the normaliser and the EPUB backend on mutated, generated pages.

The same engine as ``tests/test_fuzz.py`` (``tests/fuzzing.py``), run for minutes
instead of seconds, from a chosen seed.  Prints how many inputs ran, how many
built, how many ended in a documented error (:class:`pubbuild.errors.PubbuildError`)
and how many raised anything else; each of those is saved (input bytes and
traceback) under ``--examples`` to be turned into a test.

    nice -n 10 python bench/fuzz.py [--minutes 10] [--seed 1] [--examples build/fuzz-findings]
"""

from __future__ import annotations

import argparse
import collections
import itertools
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH.parent / "tests"))

import fuzzing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1_000_000, help="first seed (inputs use seed, seed+1 ...)")
    parser.add_argument("--epub-every", type=int, default=4, help="build an EPUB for every Nth input")
    parser.add_argument("--examples", type=Path, default=Path("build/fuzz-findings"))
    args = parser.parse_args(argv)
    kinds: collections.Counter[str] = collections.Counter()

    def save(seed: int, trace: str) -> None:
        kind = trace.strip().splitlines()[-1][:120]
        kinds[kind] += 1
        if kinds[kind] > 3:  # a few examples of each kind are enough
            return
        args.examples.mkdir(parents=True, exist_ok=True)
        data, suffix = fuzzing.case(seed)
        (args.examples / f"{seed}{suffix}").write_bytes(data)
        (args.examples / f"{seed}.txt").write_text(trace)

    with tempfile.TemporaryDirectory() as tmp:
        tally = fuzzing.fuzz(itertools.count(args.seed), Path(tmp), args.minutes * 60,
                             epub_every=args.epub_every, on_other=save)
    print(tally.line())
    print("documented errors:")
    for message, n in tally.errors.most_common(10):
        print(f"  {n:5d}  {message}")
    print("other exceptions:")
    for kind, n in kinds.most_common():
        print(f"  {n:5d}  {kind}")
    if tally.other:
        print(f"examples in {args.examples}")
    return 1 if tally.other else 0


if __name__ == "__main__":
    sys.exit(main())
