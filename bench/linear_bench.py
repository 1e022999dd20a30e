"""Is every stage of the reader linear in its input?  Pathological pages, doubled.

Builds pages of one shape at N, 2N and 4N elements (one paragraph of N ``<span>``s, one
paragraph of N links, N unclosed ``<embed>``s each swallowing the rest as a parser that
takes them for containers would, N sibling paragraphs) and times the reader
(``read_html`` then the passes) on each, in process, the sizes interleaved round by
round.  A linear reader takes about twice as long for twice the input: the printed
ratio per doubling is the figure to read (about 2; 4 would be quadratic).  The issue's
cases are ``--shapes spans --base 20000`` and ``--shapes links --base 100000``.

    python bench/linear_bench.py [--base 5000] [--rounds 3] [--shapes spans,links,embeds,paragraphs]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

SHAPES: dict[str, Callable[[int], str]] = {
    "spans": lambda n: "<p>" + "".join(f"<span>word{i} </span>" for i in range(n)) + "</p>",
    "links": lambda n: "<p>" + "".join(f'<a href="/p{i}">link {i}</a> ' for i in range(n)) + "</p>",
    "embeds": lambda n: "".join(f'<embed src="e{i}.swf"><p>Paragraph {i} after an embed.</p>' for i in range(n)),
    "paragraphs": lambda n: "".join(f"<p>Paragraph {i} of the report, with a few words.</p>" for i in range(n)),
}


def page(shape: str, n: int) -> str:
    return (f"<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav><article>"
            f"<h1>T</h1><p>An introduction of a few words.</p>{SHAPES[shape](n)}</article></body></html>")


def read(html: str) -> None:
    from pubbuild.passes import run_passes
    from pubbuild.reader.html import read_html

    run_passes(read_html(html, None, None, []), "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=5000, help="N, the smallest size (default 5000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    read(page("paragraphs", 10))  # imports and the language model, outside the timings
    sizes = [args.base, 2 * args.base, 4 * args.base]
    print(f"load average {os.getloadavg()[0]:.2f} (others share this machine)")
    for shape in args.shapes.split(","):
        pages = {n: page(shape, n) for n in sizes}
        times: dict[int, list[float]] = {n: [] for n in sizes}
        for _ in range(args.rounds):
            for n in sizes:
                start = time.perf_counter()
                read(pages[n])
                times[n].append(time.perf_counter() - start)
        med = {n: statistics.median(t) for n, t in times.items()}
        ratios = [med[b] / med[a] for a, b in itertools.pairwise(sizes)]
        print(f"{shape:<11} " + "  ".join(f"{n:>7,}: {med[n]:6.2f}s" for n in sizes)
              + "   per doubling: " + ", ".join(f"{r:.2f}x" for r in ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
