"""Timeline of one ``pubbuild pdf --jobs N`` build: what each process does, and when.

Runs the command line in this process with the PDF path's steps wrapped (nothing in
the library changes): every wrapped call logs its start and end, with the process
that ran it, to a shared file; workers and forked layout processes inherit the
wrappers.  Prints, per process, its steps on one time axis (seconds since this
script started, before pubbuild is imported), each process's CPU seconds, and the
main process's serial head (before the first layout starts) and tail (after the
last worker's layout is drawn); then the critical path, step by step.

Never a test: it prints figures.

    python bench/pdf_timeline.py PACK/pubbuild.yaml [--jobs 2] [--out /tmp/x.pdf]
"""

from __future__ import annotations

import argparse
import functools
import importlib.abc
import importlib.machinery
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import ClassVar

T0 = time.time()
LOG: Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _event(kind: str, label: str) -> None:
    line = f"{time.time() - T0:.4f}\t{os.getpid()}\t{os.getppid()}\t{_cpu():.3f}\t{kind}\t{label}\n"
    fd = os.open(LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _wrap(owner, name: str, label=None) -> None:
    original = getattr(owner, name, None)
    if original is None:  # an older tree (the timeline runs against any ref's src)
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        text = label(*args, **kwargs) if label else name
        _event("begin", text)
        try:
            return original(*args, **kwargs)
        finally:
            _event("end", text)
    setattr(owner, name, wrapper)


def instrument() -> None:
    _event("mark", "imports start")
    from pubbuild.assemble import publication
    from pubbuild.backends.pdf import backend, parallel_layout, workers

    _event("mark", "imports done")
    for name in ("read_articles", "assemble", "load_manifest"):
        _wrap(publication, name)
    for name in ("write", "document", "stylesheets", "check_fonts", "_lay_out"):
        _wrap(backend.PdfBackend, name)
    for name in ("cut", "register_fonts", "merge", "_phase_two", "_layouts", "lay_out",
                 "_blank_page"):
        _wrap(parallel_layout, name)

    def doc_label(html, ctx, *a, **k):
        return f"render {len(html) // 1000}kB draw={k.get('draw', True)}"
    _wrap(parallel_layout, "render", doc_label)
    _wrap(parallel_layout, "_init_worker")
    try:
        from pubbuild.assemble import shared_read
    except ImportError:
        pass
    else:
        _wrap(shared_read, "_read_share", lambda keys, root: f"read {len(keys)} articles")
    from pubbuild.backends.pdf import merge as merging

    for name in ("_prepare", "_copy", "_join", "resolve_cross_links", "finish"):
        _wrap(merging._Merged, name)
    _wrap(merging, "merge_parts")
    _wrap(parallel_layout, "open_part")
    _wrap(parallel_layout, "_stamp_numbers")
    import pikepdf

    _wrap(pikepdf.Pdf, "save", lambda *a, **k: "pikepdf save")
    _wrap(parallel_layout, "_render_many", lambda task, *a, **k: f"_render_many {[d[0] for d in task[0]]}")
    _wrap(workers, "in_child", lambda f, *a, **k: f"in_child {f.__name__}")
    parallel_layout.in_child = workers.in_child
    sys.meta_path.insert(0, _TimedImports())


def _wrap_drawing(module) -> None:
    original = module.Document.write_pdf

    def write_pdf(self, *args, **kwargs):
        _event("begin", f"draw {len(self.pages)} pages")
        try:
            return original(self, *args, **kwargs)
        finally:
            _event("end", f"draw {len(self.pages)} pages")
    module.Document.write_pdf = write_pdf


class _TimedImports(importlib.abc.MetaPathFinder):
    """Logs the import of WeasyPrint (where the build first imports it, not here) and wraps
    its drawing once ``weasyprint.document`` is loaded."""

    TIMED: ClassVar[dict] = {"weasyprint": None, "weasyprint.document": _wrap_drawing}

    def find_spec(self, name, path, target=None):
        if name not in self.TIMED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader, after = spec.loader, self.TIMED[name]

        class Timed(importlib.abc.Loader):
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                _event("begin", f"import {name}")
                try:
                    loader.exec_module(module)
                finally:
                    _event("end", f"import {name}")
                if after is not None:
                    after(module)
        spec.loader = Timed()
        return spec


def report() -> None:
    rows = [line.split("\t") for line in LOG.read_text().splitlines()]
    by_pid: dict[str, list] = defaultdict(list)
    parent: dict[str, str] = {}
    main = str(os.getpid())
    for t, pid, ppid, cpu, kind, label in rows:
        by_pid[pid].append((float(t), float(cpu), kind, label))
        parent[pid] = ppid
    names = {main: "main"}
    for pid in by_pid:
        if pid != main:
            names[pid] = ("worker" if parent[pid] == main else f"child of {parent[pid]}") + f" {pid}"
    for pid, events in by_pid.items():
        print(f"\n== {names[pid]} (first event {events[0][0]:.2f} s, last {events[-1][0]:.2f} s, "
              f"CPU {events[-1][1] - (0 if pid == main else events[0][1]):.2f} s in its events)")
        depth = 0
        opened: list = []
        for t, cpu, kind, label in events:
            if kind == "begin":
                opened.append((t, cpu, label))
                depth += 1
            elif kind == "end":
                depth -= 1
                start, cpu0, _ = opened.pop()
                print(f"  {'  ' * depth}{start:7.2f} -> {t:7.2f}  ({t - start:6.2f} s wall, "
                      f"{cpu - cpu0:6.2f} s CPU)  {label}")
            else:
                print(f"  {t:7.2f}  {label}  (CPU so far {cpu:.2f})")
    summary(by_pid, parent, main)


def summary(by_pid: dict[str, list], parent: dict[str, str], main: str) -> None:
    """The serial head and tail, each worker's layout share, in wall and CPU seconds."""
    def cpu_at(events: list, label: str, kind: str) -> tuple[float, float]:
        return next((t, c) for t, c, k, text in events if k == kind and text == label)

    ends = by_pid[main]
    handoff_t, handoff_cpu = cpu_at(ends, "lay_out", "begin")
    laid_t, laid_cpu = cpu_at(ends, "lay_out", "end")
    end_t, end_cpu = ends[-1][0], ends[-1][1]
    workers = [pid for pid in by_pid if parent[pid] == main and any(
        text.startswith("_render_many") for _, _, _, text in by_pid[pid])]
    shares = []
    for pid in workers:
        events = by_pid[pid]
        first = next((t, c) for t, c, k, text in events if k == "begin" and text.startswith("_render_many"))
        own = events[-1][1] - first[1]
        kids = sum(e[-1][1] - e[0][1] for child, e in by_pid.items() if parent[child] == pid)
        shares.append((events[-1][0], first[0], own + kids))
    others = sum(e[-1][1] - e[0][1] for pid, e in by_pid.items()
                 if pid != main and pid not in workers and parent[pid] not in workers)
    read_cpu = sum(c1 - c0 for pid in workers for (t0, c0, k0, x0), (t1, c1, k1, x1)
                   in _pairs(by_pid[pid], "read "))
    print("\nsummary (seconds since the script started; CPU = user + system):")
    print(f"  head: documents handed to the workers at {handoff_t:.2f} s; main CPU by then "
          f"{handoff_cpu:.2f} s; the workers' reading {read_cpu:.2f} s CPU")
    for last, first, cpu in shares:
        print(f"  worker: layouts {first:.2f} -> {last:.2f} s ({last - first:.2f} s), CPU {cpu:.2f} s")
    print(f"  main during the layouts: {laid_cpu - handoff_cpu:.2f} s CPU; other processes of "
          f"main (the contents) {others:.2f} s CPU")
    print(f"  tail: layouts done at {laid_t:.2f} s, end at {end_t:.2f} s; main CPU "
          f"{end_cpu - laid_cpu:.2f} s")
    critical = handoff_cpu + max(cpu for _, _, cpu in shares) + (end_cpu - laid_cpu)
    print(f"  critical path in CPU seconds (main's head + the busier worker's layouts + main's "
          f"tail): {critical:.2f} s")


def _pairs(events: list, prefix: str):
    opened: dict[str, tuple] = {}
    for event in events:
        _, _, kind, text = event
        if not text.startswith(prefix):
            continue
        if kind == "begin":
            opened[text] = event
        elif kind == "end" and text in opened:
            yield opened.pop(text), event


def main() -> int:
    global LOG
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    LOG = Path(tempfile.mkstemp(prefix="pdf-timeline-", suffix=".tsv")[1])
    os.chdir(args.manifest.parent)
    instrument()
    from pubbuild.cli import main as cli

    out = args.out or Path(tempfile.mkdtemp()) / "out.pdf"
    _event("begin", "cli")
    code = cli(["pdf", "-q", "--jobs", str(args.jobs), "-o", str(out), args.manifest.name])
    _event("end", "cli")
    report()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"\nwall {time.time() - T0:.2f} s; CPU main {_cpu():.2f} s, children "
          f"{kids.ru_utime + kids.ru_stime:.2f} s; load {os.getloadavg()[0]:.2f}")
    LOG.unlink()
    return code


if __name__ == "__main__":
    sys.exit(main())
