"""Benchmark: does laying a pack out in parts need less CPU in total than one layout?

Parallel layout on N cores can only beat 1/N of the single layout's wall time
if the parts together need less work than the whole: if WeasyPrint's time per
page grew with the document.  This measures that directly.  The articles of
the deterministic bench pack (``bench/pdf_bench.py``; the exact HTML pubbuild
lays out, from ``--emit-html``) are cut into k contiguous runs of equal article
count, and each run is laid out and drawn as its own document (pubbuild's part
renderer, :func:`pubbuild.backends.pdf.parallel_layout.render`), one after the other in
one fresh process per k, with the modes interleaved over the runs.  Prints,
as medians, the total CPU time of the k documents, CPU per page, and the ratio
to k = 1: a ratio of 1.00 means no saving to be had from splitting, and
``--jobs 2`` cannot go below 0.5 of ``--jobs 1`` however the work is shared.

Python's cyclic garbage collector is paused during each layout, as pubbuild
lays out (:mod:`pubbuild.backends.pdf.collector`); ``--collector on`` measures with
it running, which is where most of the growth per page came from.  The
collection between documents is not timed.

    PYTHONPATH=src python bench/pdf_split_cost_bench.py [--articles 100] [--parts 1 2 4 8] [--runs 3]
                                                        [--collector paused|on]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))


def one(html_path: Path, k: int, pause: bool) -> dict:
    """Lay the articles out as ``k`` documents in this (fresh) process."""
    import contextlib
    import gc
    import logging

    from pubbuild.backends.pdf import blocks, collector
    from pubbuild.backends.pdf import parallel_layout as parallel

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    doc = blocks.split(html_path.read_text(encoding="utf-8"))
    articles = [b for b in doc.blocks if "article" in blocks.classes(b)]
    ctx = parallel.Context(base_url=html_path.parent.as_uri() + "/", root=html_path.parent,
                           allow_network=False, variant="pdf/ua-1")
    parallel.render(doc.document(articles[:1]), ctx)  # warm-up: first-use costs are not layout
    size = -(-len(articles) // k)
    cpu, pages = 0.0, 0
    for i in range(0, len(articles), size):
        gc.collect()
        start = time.process_time()
        with collector.paused() if pause else contextlib.nullcontext():
            pages += len(parallel.render(doc.document(articles[i:i + size]), ctx).pages)
        cpu += time.process_time() - start
    return {"cpu": cpu, "pages": pages, "documents": -(-len(articles) // size)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--parts", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--collector", choices=["paused", "on"], default="paused")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), int(args.one[1]), args.collector == "paused")))
        return 0

    from pdf_bench import make_project

    from pubbuild import backends
    from pubbuild.assemble.build import build

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = make_project(folder, args.articles)
        html = folder / "laid-out.html"
        build("pdf", manifest, folder / "warm.pdf",
              backends.BuildOptions(extra={"emit_html": str(html), "jobs": 1}))
        results: dict[int, list[dict]] = {k: [] for k in args.parts}
        for run in range(args.runs):
            order = args.parts[run % len(args.parts):] + args.parts[:run % len(args.parts)]
            for k in order:
                proc = subprocess.run([sys.executable, __file__, "--one", str(html), str(k),
                                       "--collector", args.collector],
                                      capture_output=True, text=True, check=False)
                if proc.returncode:
                    raise SystemExit(proc.stderr[-3000:])
                results[k].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    base = statistics.median(r["cpu"] for r in results[args.parts[0]])
    print(f"{args.articles} articles, {results[args.parts[0]][0]['pages']} pages of articles, "
          f"{args.runs} runs each (medians of CPU time, one process per k; "
          f"cyclic collector {args.collector})")
    for k in args.parts:
        cpu = statistics.median(r["cpu"] for r in results[k])
        runs = ", ".join(f"{r['cpu']:.2f}" for r in results[k])
        pages = results[k][0]["pages"]
        print(f"k={k:<3d} documents {results[k][0]['documents']:3d}  CPU {cpu:6.2f} s ({runs})  "
              f"{cpu / pages * 1000:5.1f} ms/page  ratio to k={args.parts[0]}: {cpu / base:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
