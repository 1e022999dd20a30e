"""Performance guard: pubbuild's main paths between git refs, paired in one run.

Compares, for two or more git refs (default: the last release tag, or
:data:`FALLBACK_BASE` when the repository has none, against the work tree):

* ``pdf1``: ``pubbuild pdf --jobs 1`` on a 100-article pack;
* ``pdf2``: ``pubbuild pdf --jobs 2`` on the same pack;
* ``epub``: ``pubbuild epub`` on the same pack;
* ``normalize``: ``pubbuild normalize --out-dir`` on 181 saved news pages;

and, run once per round whatever the refs, what a user could use instead:

* ``weasyprint``: bare WeasyPrint (``pdf/ua-1``) on the HTML the work tree lays
  out for the pack (``--emit-html``: the same articles concatenated);
* ``pandoc``: ``pandoc -t epub3`` on the pack's article files (when installed);
* ``trafilatura``: trafilatura's HTML extraction of the 181 pages (when importable).

Each ref is checked out with ``git worktree add`` into a temporary folder and
run from its ``src`` (``PYTHONPATH``) with this Python, so every ref uses the
same installed libraries.  The pack is built at run time, in a temporary
folder, from real article bodies of the shared corpus (``--corpus``): the
Readability family's ``expected.html`` (its Chinese page included) and, to
reach ``--articles``, Dragnet's ground-truth article texts as paragraphs.
Nothing of the corpus is written into the repository.

Every measurement is a fresh process (``python -m pubbuild ...``) started on
a project with no ``build/`` folder (so no article cache); in each round the
paths and refs run interleaved, the order rotating from round to round, so
that the machine's load hits them alike.  Printed: medians of wall time,
the highest peak resident memory (``VmHWM``) of the main process and of any
other process of the run (pool workers, forked layout children), sampled
from ``/proc`` every 20 ms and bounded by ``wait4``'s own peak of the whole
tree; the 1-minute load average; and ratios against the first ref and
against the alternatives; for ``pdf2``, the CPU seconds of its two busiest direct children
(the pool workers, each with the layouts it forked), as the balance of the cut.  Outputs
of the refs are compared by SHA-256
(``SOURCE_DATE_EPOCH`` is set) and the table says whether they match.

The runs share the user's cache folder, where the first pubbuild run after installing
leaves an unpacked copy of the language model for the later ones (``--cold-cache`` gives
each run an empty one instead, to measure that first run).

Never a test: it prints figures, it fails nothing.

    python bench/perf_guard.py                       # last tag (or e0e12a8) vs the work tree
    python bench/perf_guard.py --refs e0e12a8 main WORKTREE --runs 3
    python bench/perf_guard.py --paths epub normalize --runs 5
    python bench/perf_guard.py --paths epub normalize --cold-cache
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The tree before the last two rounds of features (issue 26's reference) when
#: the repository has no release tag yet.
FALLBACK_BASE = "e0e12a8"
WORKTREE = "WORKTREE"
PATHS = ("pdf1", "pdf2", "epub", "normalize")
ALTERNATIVES = {"pdf1": "weasyprint", "pdf2": "weasyprint", "epub": "pandoc",
                "normalize": "trafilatura"}
EPOCH = "1717200000"
NEWS_PAGES = 181


# ----------------------------------------------------------------- the inputs

_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _page(title: str, body: str, lang: str | None = None) -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f"<!DOCTYPE html>\n<html{lang_attr}><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head>\n<body><article>\n{body}\n"
            "</article></body></html>\n")


def _readability_articles(corpus: Path) -> list[tuple[str, str]]:
    """(title, page) for each Readability test page whose expected body is long enough
    to be an article (the short ones test one parser feature each)."""
    found = []
    for folder in sorted((corpus / "readability").iterdir()):
        expected = folder / "expected.html"
        if not expected.is_file() or expected.stat().st_size < 3000:
            continue
        meta = folder / "expected-metadata.json"
        title = folder.name
        if meta.is_file():
            title = json.loads(meta.read_text(encoding="utf-8")).get("title") or title
        found.append((title, _page(title, expected.read_text(encoding="utf-8"))))
    return found


def _text_articles(corpus: Path, family: str, wanted: int) -> list[tuple[str, str]]:
    """(title, page) from a family's ground-truth texts: the first line is the title,
    each further line a paragraph."""
    truth = json.loads((corpus / family / "ground-truth.json").read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    if wanted <= 0:
        return found
    for key in sorted(truth):
        text = _CONTROLS.sub("", truth[key].get("articleBody", ""))  # stray bytes of the scrape
        lines = [line.strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        if sum(map(len, lines)) < 2500 or len(lines) < 4:
            continue
        title = lines[0][:120]
        body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
        found.append((title, _page(title, f"<h1>{html.escape(title)}</h1>\n{body}", "en")))
        if len(found) == wanted:
            break
    return found


def make_pack(folder: Path, corpus: Path, count: int) -> Path:
    """Write the pack's articles and manifest into ``folder``; return the manifest."""
    articles = _readability_articles(corpus)[:count]
    articles += _text_articles(corpus, "dragnet", count - len(articles))
    if len(articles) < count:
        raise SystemExit(f"the corpus gives only {len(articles)} articles")
    (folder / "articles").mkdir(parents=True)
    lines = ["title: Performance guard pack", "language: en",
             "creators: [{name: Bench Desk, role: compiler}]", "date: 2024-06-01", "articles:"]
    for n, (_title, page) in enumerate(articles, 1):
        name = f"articles/a{n:03d}.html"
        (folder / name).write_text(page, encoding="utf-8")
        lines.append(f"  - source: {name}")
    manifest = folder / "pubbuild.yaml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def news_pages(corpus: Path, count: int) -> list[Path]:
    """Saved news pages (L3S-GN1, then Dragnet) for ``normalize``."""
    pages = sorted((corpus / "l3s-gn1" / "html").glob("*.html"))
    pages += sorted((corpus / "dragnet" / "html").glob("*.html"), key=lambda p: p.name)
    return pages[:count]


# ------------------------------------------------------------- one measurement

@dataclass
class Run:
    wall: float
    cpu: float
    """User + system CPU seconds of the process and every process it waited for (its pool
    workers and forked layouts): on a loaded machine the steadier figure."""
    main_kib: int
    others_kib: int
    tree_kib: int
    load: float
    digest: str = ""
    children_cpu: list[float] = field(default_factory=list)
    """CPU seconds of each direct child of the main process with its own waited-for children
    (``pdf --jobs 2``: each pool worker's share), largest first; from ``/proc``, sampled."""


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_ticks(pid: int) -> tuple[int, int] | None:
    """(parent pid, CPU clock ticks of ``pid`` and of the children it waited for)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after the name: state ppid ... utime(12th) stime cutime cstime
    return int(fields[1]), sum(int(f) for f in fields[11:15])


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run ``argv``; wall time and the peak resident memory of each of its processes."""
    load = os.getloadavg()[0]
    peaks: dict[int, int] = {}
    ticks: dict[int, tuple[int, int]] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in [proc.pid, *_descendants(proc.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _hwm(pid))
                if pid != proc.pid and (seen := _cpu_ticks(pid)) is not None:
                    ticks[pid] = seen
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                         f"{stderr.decode(errors='replace')[-3000:]}")
    main = max(peaks.pop(proc.pid, 0), 0)
    others = max(peaks.values(), default=0)
    # wait4's ru_maxrss is the highest peak of the process and the children it waited
    # for: exact where sampling may miss a child's last 20 ms.
    tree = max(usage.ru_maxrss, main, others)
    cpu = usage.ru_utime + usage.ru_stime
    hz = os.sysconf("SC_CLK_TCK")
    children = sorted((t / hz for parent, t in ticks.values() if parent == proc.pid), reverse=True)
    return Run(wall, cpu, main, others, tree, load, children_cpu=[round(c, 2) for c in children])


def digest(path: Path) -> str:
    if path.is_dir():
        sha = hashlib.sha256()
        for file in sorted(path.rglob("*")):
            if file.is_file():
                sha.update(file.name.encode() + b"\0" + file.read_bytes())
        return sha.hexdigest()[:12]
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@dataclass
class Subject:
    """One ref: where its source tree and its copy of the inputs live."""
    ref: str
    tree: Path
    pack: Path
    """The pack, the same folder for every ref: the PDF names images after their path, so
    only builds in one place can be compared byte for byte."""
    out: Path
    runs: dict[str, list[Run]] = field(default_factory=dict)
    cold: bool = False
    """Each run gets an empty user cache folder (``XDG_CACHE_HOME``): the first run after
    installing, which makes the language model's unpacked copy (:mod:`pubbuild.passes.langmodel`)."""

    def env(self) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(self.tree / "src"), SOURCE_DATE_EPOCH=EPOCH)
        env.pop("PUBBUILD_JOBS", None)
        return env

    def command(self, path: str, out: Path, pages: list[Path]) -> list[str]:
        cli = [sys.executable, "-m", "pubbuild"]
        if path == "pdf1":
            return [*cli, "pdf", "-q", "--jobs", "1", "-o", str(out), "pubbuild.yaml"]
        if path == "pdf2":
            return [*cli, "pdf", "-q", "--jobs", "2", "-o", str(out), "pubbuild.yaml"]
        if path == "epub":
            return [*cli, "epub", "-q", "-o", str(out), "pubbuild.yaml"]
        return [*cli, "normalize", "-q", "--out-dir", str(out), *map(str, pages)]

    def measure(self, path: str, pages: list[Path]) -> Run:
        shutil.rmtree(self.pack / "build", ignore_errors=True)  # no article cache
        suffix = {"pdf1": ".pdf", "pdf2": ".pdf", "epub": ".epub", "normalize": ""}[path]
        out = self.out / f"{path}{suffix}"
        if out.is_dir():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        env = self.env()
        with tempfile.TemporaryDirectory(prefix="cache-", dir=self.out.parent) as cache:
            if self.cold:
                env["XDG_CACHE_HOME"] = cache
            run = run_once(self.command(path, out, pages), self.pack, env)
        run.digest = digest(out)
        self.runs.setdefault(path, []).append(run)
        return run


def checkout(ref: str, into: Path) -> Path:
    if ref == WORKTREE:
        return REPO
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet",
                    str(into), ref], check=True)
    return into


def default_base() -> str:
    tag = subprocess.run(["git", "-C", str(REPO), "describe", "--tags", "--abbrev=0"],
                         capture_output=True, text=True, check=False)
    return tag.stdout.strip() if tag.returncode == 0 and tag.stdout.strip() else FALLBACK_BASE


# --------------------------------------------------------------- alternatives

TRAFILATURA = """
import sys, pathlib, trafilatura
out = pathlib.Path(sys.argv[1]); out.mkdir(exist_ok=True)
for name in sys.argv[2:]:
    page = pathlib.Path(name)
    text = trafilatura.extract(page.read_text(encoding="utf-8", errors="replace"),
                               output_format="html", include_links=True, include_images=True,
                               include_tables=True, include_formatting=True) or ""
    (out / (page.stem + ".html")).write_text(text, encoding="utf-8")
"""


def alternatives(wanted: list[str], work: Path, pages: list[Path]) -> dict[str, list[str]]:
    """The commands of the alternatives that are installed and wanted."""
    commands: dict[str, list[str]] = {}
    if "weasyprint" in wanted:
        commands["weasyprint"] = [sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/ua-1",
                                  "-u", work.as_uri() + "/", str(work / "laid-out.html"),
                                  str(work / "weasyprint.pdf")]
    if "pandoc" in wanted and shutil.which("pandoc"):
        articles = sorted(str(p) for p in (work / "articles").glob("*.html"))
        commands["pandoc"] = ["pandoc", "-f", "html", "-t", "epub3", "--metadata",
                              "title=Performance guard pack", "--metadata", "lang=en",
                              "-o", str(work / "pandoc.epub"), *articles]
    if "trafilatura" in wanted:
        probe = subprocess.run([sys.executable, "-c", "import trafilatura"], capture_output=True,
                               check=False)
        if probe.returncode == 0:
            commands["trafilatura"] = [sys.executable, "-c", TRAFILATURA,
                                       str(work / "trafilatura"), *map(str, pages)]
    return commands


# ------------------------------------------------------------------- the table

def _mb(kib: int) -> str:
    return f"{kib / 1024:.0f}" if kib else "-"


def report(subjects: list[Subject], alt_runs: dict[str, list[Run]], paths: list[str]) -> None:
    base = subjects[0]
    loads = [r.load for s in subjects for rs in s.runs.values() for r in rs]
    loads += [r.load for rs in alt_runs.values() for r in rs]
    print(f"\n{os.cpu_count()} cores; 1-minute load average at the starts of the runs "
          f"{min(loads):.2f}..{max(loads):.2f}; medians of {len(base.runs[paths[0]])} rounds")
    header = "| path | ref | wall s (runs) | CPU s | peak MB main | peak MB others | × " + \
             base.ref + " wall, CPU | × alternative wall, CPU | output |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for path in paths:
        alt = ALTERNATIVES[path]
        alt_median = statistics.median(r.wall for r in alt_runs[alt]) if alt in alt_runs else None
        alt_cpu = statistics.median(r.cpu for r in alt_runs[alt]) if alt in alt_runs else None
        base_median = statistics.median(r.wall for r in base.runs[path])
        base_cpu = statistics.median(r.cpu for r in base.runs[path])
        for subject in subjects:
            runs = subject.runs[path]
            median = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            walls = ", ".join(f"{r.wall:.2f}" for r in runs)
            others = max(r.others_kib for r in runs)
            same = "same" if runs[-1].digest == base.runs[path][-1].digest else "differs"
            alt_ratio = (f"{median / alt_median:.2f}, {cpu / alt_cpu:.2f} ({alt})"
                         if alt_median and alt_cpu else "-")
            print(f"| {path} | {subject.ref} | {median:.2f} ({walls}) | {cpu:.2f} | "
                  f"{_mb(max(r.main_kib for r in runs))} | {_mb(others)} | "
                  f"{median / base_median:.2f}, {cpu / base_cpu:.2f} | {alt_ratio} | "
                  f"{runs[-1].digest} {same} |")
    for subject in subjects:  # pdf --jobs 2: how evenly the pack was cut between the workers
        shares = [r.children_cpu[:2] for r in subject.runs.get("pdf2", []) if len(r.children_cpu) >= 2]
        if shares:
            big, small = (statistics.median(s[i] for s in shares) for i in (0, 1))
            print(f"pdf2 @ {subject.ref}: workers' CPU (medians) {big:.2f} and {small:.2f} s, "
                  f"the busier {big / small:.2f}x the other")
    for name, runs in alt_runs.items():
        median = statistics.median(r.wall for r in runs)
        print(f"| {name} | (installed) | {median:.2f} ({', '.join(f'{r.wall:.2f}' for r in runs)}) | "
              f"{statistics.median(r.cpu for r in runs):.2f} | {_mb(max(r.main_kib for r in runs))} | {_mb(max(r.others_kib for r in runs))} | "
              "- | - | - |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", nargs="+", metavar="REF",
                        help=f"git refs to compare, the first the base; {WORKTREE} is the work tree "
                             f"as it is (default: the last tag, else {FALLBACK_BASE}, and {WORKTREE})")
    parser.add_argument("--runs", type=int, default=3, help="rounds (default: %(default)s)")
    parser.add_argument("--articles", type=int, default=100, help="articles in the pack")
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    parser.add_argument("--cold-cache", action="store_true",
                        help="every run of a ref starts with an empty user cache folder, as the first "
                             "run after installing does (the language model is then unpacked and copied)")
    parser.add_argument("--no-alternatives", action="store_true",
                        help="skip bare WeasyPrint, pandoc and trafilatura")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus"
                        if (REPO.parent / "shared" / "corpus").is_dir() else Path("/work/shared/corpus"))
    args = parser.parse_args()
    # A TERM (a time limit) still removes the checked-out trees (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    refs = args.refs or [default_base(), WORKTREE]
    with tempfile.TemporaryDirectory(prefix="perf-guard-") as tmp:
        work = Path(tmp)
        pack = work / "pack"
        make_pack(pack, args.corpus, args.articles)
        pages = news_pages(args.corpus, NEWS_PAGES)
        subjects: list[Subject] = []
        try:
            for n, ref in enumerate(refs):
                tree = checkout(ref, work / f"tree{n}")
                subjects.append(Subject(ref, tree, pack, work / f"out{n}", cold=args.cold_cache))
            wanted = [] if args.no_alternatives else sorted({ALTERNATIVES[p] for p in args.paths})
            if "weasyprint" in wanted:  # the HTML the work tree lays out, for bare WeasyPrint
                head = subjects[-1]
                subprocess.run([sys.executable, "-m", "pubbuild", "pdf", "-q", "--jobs", "1",
                                "--emit-html", str(pack / "laid-out.html"), "-o",
                                str(work / "warm.pdf"), "pubbuild.yaml"], cwd=head.pack,
                               env=head.env(), check=True)
            commands = alternatives(wanted, pack, pages)
            jobs = [(s, p) for p in args.paths for s in subjects] + [(None, a) for a in commands]
            alt_runs: dict[str, list[Run]] = {a: [] for a in commands}
            print(f"refs: {', '.join(f'{s.ref} ({s.tree})' for s in subjects)}; "
                  f"{args.articles} articles; {len(pages)} news pages; alternatives: "
                  f"{', '.join(commands) or 'none'}; user cache: "
                  f"{'empty for every run' if args.cold_cache else 'as it is'}", flush=True)
            for round_ in range(args.runs):
                shift = round_ % len(jobs)
                for subject, path in jobs[shift:] + jobs[:shift]:
                    if subject is None:
                        run = run_once(commands[path], pack, dict(os.environ))
                        alt_runs[path].append(run)
                        label = path
                    else:
                        run = subject.measure(path, pages)
                        label = f"{path} @ {subject.ref}"
                    workers = (f", workers' CPU {' + '.join(f'{c:.2f}' for c in run.children_cpu[:2])} s"
                               if path == "pdf2" and run.children_cpu else "")
                    print(f"  round {round_ + 1}: {label:28s} {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  main "
                          f"{_mb(run.main_kib)} MB, others {_mb(run.others_kib)} MB, "
                          f"load {run.load:.2f}{workers}", flush=True)
            report(subjects, alt_runs, args.paths)
        finally:
            for subject in subjects:
                if subject.tree != REPO:
                    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                    str(subject.tree)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
