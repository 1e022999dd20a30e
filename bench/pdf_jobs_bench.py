"""Benchmark: ``pubbuild pdf --jobs 1`` against ``--jobs N``, and ``--jobs 1`` against bare WeasyPrint.

Builds the deterministic packs of ``bench/pdf_bench.py`` (self-written
articles with headings, lists, tables, an SVG chart, links, passages in
Armenian, Russian and Greek) with 20 and 100 articles, then measures, each run
in a fresh process and the modes interleaved so that machine load hits them
alike:

* ``bare``: WeasyPrint alone (pdf/ua-1) on the exact HTML pubbuild lays out
  (``--emit-html``), pydyf as released, Python's cyclic collector running (pubbuild
  pauses it: ``pubbuild.backends.pdf.collector``);
* ``jobs1``: the PDF backend with ``jobs=1`` (one layout of the whole document);
* ``jobsN``: the PDF backend with ``jobs=N`` (parts in N worker processes, merged).

The publication is read before the clock starts (reading and normalising are
not what ``--jobs`` on the PDF changes).  Prints medians of wall time, CPU
time (this process and its workers), pages per second, peak resident memory
of each process, the load average, and the ratios measured in the same run.

    PYTHONPATH=src python bench/pdf_jobs_bench.py [--runs 3] [--articles 20 100] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))


def one(mode: str, manifest: Path, jobs: int, out: Path) -> dict:
    """One measurement, in this (fresh) process."""
    import logging

    import pikepdf
    import weasyprint  # noqa: F401  (imported before timing, as in the CLI)

    from pubbuild import backends
    from pubbuild.assemble.publication import load_publication

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    html = manifest.parent / "laid-out.html"
    workers: list[int] = []
    worker_cpu: list[float] = []
    if mode == "bare":
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        start, cpu0 = time.perf_counter(), time.process_time()
        HTML(filename=str(html), base_url=manifest.parent.as_uri() + "/").render(
            font_config=FontConfiguration()).write_pdf(str(out), pdf_variant="pdf/ua-1")
    else:
        pub = load_publication(manifest)
        backend = backends.get("pdf")(backends.BuildOptions(extra={"jobs": jobs}))
        start, cpu0 = time.perf_counter(), time.process_time()
        backend.write(pub, out)
        outcome = getattr(backend, "parallel", None)
        if jobs > 1 and outcome is None:
            raise SystemExit("the parallel path was not taken")
        if outcome is not None:
            workers, worker_cpu = outcome.worker_rss_kib, outcome.worker_cpu
    wall = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    with pikepdf.open(out) as pdf:
        pages = len(pdf.pages)
    return {"wall": wall, "cpu": time.process_time() - cpu0 + kids.ru_utime + kids.ru_stime,
            "pages": pages, "rss_parent": _peak_kib(me.ru_maxrss), "rss_workers": workers,
            "worker_cpu": worker_cpu, "parent_cpu": time.process_time() - cpu0,
            "timings": getattr(locals().get("backend"), "timings", {})}


def _peak_kib(fallback: int) -> int:
    """This process's own peak resident memory.  Linux keeps ``ru_maxrss`` across exec, so a
    measuring process started by this bench after its warm-up build would report that
    build's peak; ``VmHWM`` belongs to the process's own address space."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return fallback


def measure(mode: str, manifest: Path, jobs: int, out: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", mode, str(manifest), str(jobs), str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def text_of(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        mode, manifest, jobs, out = args.one
        print(json.dumps(one(mode, Path(manifest), int(jobs), Path(out))))
        return 0

    from pdf_bench import make_project

    from pubbuild import backends
    from pubbuild.assemble.build import build

    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()}")
    for count in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            manifest = make_project(folder, count)
            build("pdf", manifest, folder / "warm.pdf", backends.BuildOptions(
                extra={"emit_html": str(folder / "laid-out.html"), "jobs": 1}))
            modes = [("bare", 1), ("jobs1", 1), (f"jobs{args.jobs}", args.jobs)]
            results: dict[str, list[dict]] = {m: [] for m, _ in modes}
            loads = []
            for run in range(args.runs):
                for mode, jobs in modes[run % 3:] + modes[:run % 3]:
                    loads.append(os.getloadavg()[0])
                    results[mode].append(measure(mode, manifest, jobs, folder / f"{mode}.pdf"))
            print(f"\n== {count} articles, {results['jobs1'][0]['pages']} pages, {args.runs} runs "
                  f"each (medians); 1-min load average during the runs "
                  f"{min(loads):.2f}..{max(loads):.2f} ==")
            med = {m: statistics.median(r["wall"] for r in rs) for m, rs in results.items()}
            cpu = {m: statistics.median(r["cpu"] for r in rs) for m, rs in results.items()}
            for mode, _ in modes:
                rs = results[mode]
                pages = rs[0]["pages"]
                walls = ", ".join(f"{r['wall']:.2f}" for r in rs)
                line = (f"{mode:6s} wall {med[mode]:7.2f} s ({walls})"
                        f"  cpu {cpu[mode]:6.2f} s  {pages / med[mode]:6.1f} pages/s  "
                        f"peak RSS: main {max(r['rss_parent'] for r in rs) / 1024:.0f} MB")
                if rs[0]["rss_workers"]:
                    line += f", workers {max(w for r in rs for w in r['rss_workers']) / 1024:.0f} MB"
                    steps = {k: statistics.median(r["timings"].get(k, 0) for r in rs)
                             for k in ("split", "layout", "front", "body", "merge")}
                    line += "  (" + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()) + ")"
                    if rs[0].get("worker_cpu"):
                        # Derived from CPU times, not a wall time: all the work of the parallel
                        # build shared perfectly over the cores is the least wall time it can
                        # take; nothing on the machine can make it faster than that.
                        floor = cpu[mode] / args.jobs
                        line += (f"\n       CPU per worker {[round(c, 2) for c in rs[0]['worker_cpu']]} s; "
                                 f"all processes {cpu[mode]:.2f} s = {cpu[mode] / cpu['jobs1']:.3f} of "
                                 f"jobs1's CPU; / {args.jobs} cores = {floor:.2f} s = "
                                 f"{floor / med['jobs1']:.3f} of jobs1's wall (the floor)")
                print(line)
            par = f"jobs{args.jobs}"
            ratios = ", ".join(f"{a['wall'] / b['wall']:.3f}"
                               for a, b in zip(results[par], results["jobs1"]))
            print(f"jobs{args.jobs} / jobs1 wall: {med[par] / med['jobs1']:.3f}   per run: {ratios}")
            print(f"jobs1 / bare WeasyPrint wall: {med['jobs1'] / med['bare']:.3f}   "
                  f"cpu: {cpu['jobs1'] / cpu['bare']:.3f}")
            same = text_of(folder / f"{par}.pdf") == text_of(folder / "jobs1.pdf")
            print(f"{par}: text (pdftotext) identical to jobs1: {'yes' if same else 'NO'}")
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
