"""Benchmark: `pubbuild batch` on a LocalCluster of 2 workers against a loop of `pubbuild deposit`
calls, on the same 40 publications made of corpus pages; and the costs of the cost model.

    .venv/bin/python bench/batch_bench.py [--publications 40] [--rounds 2] [--corpus DIR]

Publication i holds 1 + i % 5 pages of the corpus (l3s-gn1 by default), copied into a temporary
folder.  Each round runs both, in alternating order (paired, interleaved), from nothing:

- batch: `pubbuild batch P1 ... P40 --format deposit --workers 2` (each task: EPUB, archival
  PDF, bag, as `pubbuild deposit` makes them);
- loop:  `pubbuild deposit Pi/pubbuild.yaml -o ...` for each, one after the other.

Printed: publications per minute of each (medians over rounds) and their ratio; the peak
resident memory of each worker process (sampled every 0.1 s with psutil) and of the `deposit`
processes; an idle worker's memory with pubbuild imported; and, from the tasks' own timings in
batch-report.json and the pages of each PDF, a least-squares fit of a task's processor time as
fixed + per article, and fixed + per page: the cost model of README's "Beyond one machine".
`uptime`'s load is printed beside the figures (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent
CORPUS = Path("/work/shared/corpus/l3s-gn1/html")


def make_publications(base: Path, count: int, corpus: Path) -> list[Path]:
    pages = sorted(corpus.glob("*.html"))
    out, used = [], 0
    for i in range(count):
        folder = base / f"p{i:03d}"
        (folder / "sources").mkdir(parents=True)
        entries = []
        for _ in range(1 + i % 5):
            page = pages[used % len(pages)]
            used += 1
            shutil.copyfile(page, folder / "sources" / page.name)
            entries.append(f"  - source: sources/{page.name}\n")
        (folder / "pubbuild.yaml").write_text(
            f"title: Bench pack {i}\nslug: bench-{i:03d}\ndate: 2024-06-01\narticles:\n" + "".join(entries))
        out.append(folder)
    return out


class PeakMemory:
    """Peak RSS per descendant process of ``root`` (a Popen's pid), sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak: dict[int, tuple[int, str]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    kind = "worker" if "spawn_main" in " ".join(proc.cmdline()) else proc.name()
                except psutil.Error:
                    continue
                if rss > self.peak.get(proc.pid, (0, ""))[0]:
                    self.peak[proc.pid] = (rss, kind)
            time.sleep(0.1)

    def done(self) -> dict[int, tuple[int, str]]:
        self.stop.set()
        self.thread.join()
        return self.peak


def run_batch(pubs: list[Path], out: Path) -> tuple[float, list[int], dict]:
    t = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "pubbuild"), "-q", "batch", *map(str, pubs), "--out-dir", str(out),
                             "--format", "deposit", "--workers", "2"], stdin=subprocess.DEVNULL)
    sampler = PeakMemory(proc.pid)
    status = proc.wait()
    seconds = time.perf_counter() - t
    peaks = sampler.done()
    if status != 0:
        raise SystemExit(f"pubbuild batch exited {status}")
    workers = sorted(rss for rss, kind in peaks.values() if kind == "worker")
    return seconds, workers, json.loads((out / "batch-report.json").read_text())


def run_loop(pubs: list[Path], out: Path) -> tuple[float, int]:
    t = time.perf_counter()
    peak = 0
    for pub in pubs:
        proc = subprocess.Popen([str(BIN / "pubbuild"), "-q", "deposit", str(pub / "pubbuild.yaml"),
                                 "-o", str(out / f"{pub.name}-deposit")], stdin=subprocess.DEVNULL)
        sampler = PeakMemory(proc.pid)
        if proc.wait() != 0:
            raise SystemExit(f"pubbuild deposit {pub} failed")
        peak = max([peak] + [rss for rss, _ in sampler.done().values()])
    return time.perf_counter() - t, peak


def idle_worker_mb() -> float:
    """A LocalCluster worker's RSS once pubbuild's build modules are imported, before any task."""
    from distributed import Client, LocalCluster

    def imported() -> int:
        import weasyprint  # noqa: F401


        return psutil.Process().memory_info().rss

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        return client.submit(imported).result() / 2**20


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def fit2(x1: list[float], x2: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x1 + c x2 (the normal equations, solved by Cramer's rule)."""
    rows = [(1.0, u, v) for u, v in zip(x1, x2)]
    m = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    rhs = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(3)]

    def det(a: list[list[float]]) -> float:
        return (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))

    d = det(m)
    return tuple(det([[rhs[i] if j == k else m[i][j] for j in range(3)] for i in range(3)]) / d
                 for k in range(3))  # type: ignore[return-value]


def pdf_pages(bag: Path) -> int:
    import pikepdf

    pdf = next((bag / "data" / "publication").glob("*.pdf"))
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publications", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        base = Path(tmp)
        pubs = make_publications(base / "in", args.publications, args.corpus)
        articles = sum(1 + i % 5 for i in range(args.publications))
        print(f"{args.publications} publications, {articles} corpus pages; load {load()}")
        batch_s, loop_s, worker_peaks, loop_peaks, reports = [], [], [], [], []
        for r in range(args.rounds):
            order = ("batch", "loop") if r % 2 == 0 else ("loop", "batch")
            for which in order:
                out = base / f"{which}-{r}"
                if which == "batch":
                    seconds, peaks, report = run_batch(pubs, out)
                    batch_s.append(seconds)
                    worker_peaks += peaks
                    reports.append((out, report))
                else:
                    seconds, peak = run_loop(pubs, out)
                    loop_s.append(seconds)
                    loop_peaks.append(peak)
                print(f"round {r + 1} {which}: {seconds:.1f} s "
                      f"({60 * args.publications / seconds:.1f} publications/min); load {load()}")
        b, lp = statistics.median(batch_s), statistics.median(loop_s)
        print(f"\nbatch (LocalCluster, 2 workers): {60 * args.publications / b:.1f} publications/min "
              f"(median {b:.1f} s)")
        print(f"loop of `pubbuild deposit`:      {60 * args.publications / lp:.1f} publications/min "
              f"(median {lp:.1f} s)")
        print(f"ratio loop/batch time: {lp / b:.2f}")
        print(f"peak RSS per worker: max {max(worker_peaks) / 2**20:.0f} MB, median "
              f"{statistics.median(worker_peaks) / 2**20:.0f} MB over {len(worker_peaks)} workers; "
              f"`pubbuild deposit` process: max {max(loop_peaks) / 2**20:.0f} MB")
        print(f"idle worker with pubbuild imported: {idle_worker_mb():.0f} MB")
        out, report = reports[-1]
        tasks = [p for p in report["publications"] if p["status"] == "built"]
        secs = [p["timings"]["cpu"] for p in tasks]
        walls = [p["timings"]["total"] for p in tasks]
        arts = [p["articles"] for p in tasks]
        pages = [pdf_pages(out / p["outputs"]["deposit"]["file"]) for p in tasks]
        a0, a1 = fit(arts, secs)
        p0, p1 = fit(pages, secs)
        print(f"\ntask processor time (in the worker, last batch round): {a0:.2f} s + {a1:.2f} s per "
              f"article; {p0:.2f} s + {p1:.3f} s per PDF page; {sum(pages) / sum(arts):.1f} pages per article")
        c0, c1, c2 = fit2(arts, pages, secs)
        print(f"both at once: {c0:.2f} s + {c1:.3f} s per article + {c2:.3f} s per PDF page")
        print(f"mean task: {statistics.fmean(secs):.2f} s processor, {statistics.fmean(walls):.2f} s wall, "
              f"for {statistics.fmean(arts):.1f} articles; load {load()}")


if __name__ == "__main__":
    main()
