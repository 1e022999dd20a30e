"""Longer fuzz run: the normaliser and the EPUB backend on mutated, generated pages, and
SVG images, project stylesheets and article-cache entries.

The same engines as ``tests/test_fuzz.py`` (``tests/fuzzing.py``) and
``tests/hostile/test_fuzz_targets.py`` (``tests/fuzz_targets.py``), run for minutes
instead of seconds, from a chosen seed; ``--target all`` (the default) shares the time
between the four targets, input by input.  Prints how many inputs ran, how many
built, how many ended in a documented error (:class:`pubbuild.errors.PubbuildError`)
and how many raised anything else; each of those is saved (input bytes and
traceback) under ``--examples`` to be turned into a test.

    nice -n 10 python bench/fuzz.py [--minutes 10] [--seed 1] [--target all|html|svg|css|cache]
                                    [--examples build/fuzz-findings]
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

import fuzz_targets
import fuzzing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1_000_000, help="first seed (inputs use seed, seed+1 ...)")
    parser.add_argument("--epub-every", type=int, default=4, help="build an EPUB for every Nth input")
    parser.add_argument("--examples", type=Path, default=Path("build/fuzz-findings"))
    parser.add_argument("--target", choices=["all", "html", *fuzz_targets.TARGETS], default="all")
    args = parser.parse_args(argv)
    kinds: collections.Counter[str] = collections.Counter()

    def save(seed: int, trace: str) -> None:
        kind = trace.strip().splitlines()[-1][:120]
        kinds[kind] += 1
        if kinds[kind] > 3:  # a few examples of each kind are enough
            return
        args.examples.mkdir(parents=True, exist_ok=True)
        (args.examples / f"{seed}.txt").write_text(trace)  # the seed and its target reproduce it

    targets = ["html", *fuzz_targets.TARGETS] if args.target == "all" else [args.target]
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        if targets == ["html"]:
            tally = fuzzing.fuzz(itertools.count(args.seed), Path(tmp), seconds,
                                 epub_every=args.epub_every, on_other=save)
        else:
            tally = fuzz_targets.fuzz(targets, itertools.count(args.seed), Path(tmp), seconds,
                                      epub_every=args.epub_every, on_other=save)
    print(tally.line())
    for target, counts in sorted(getattr(tally, "by_target", {}).items()):
        print(f"  {target}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
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
