"""Normaliser benchmark: extraction quality and in-process speed on the Readability corpus.

Runs the shared scorer (``../shared/tools/score_extraction.py``) in-process on
pubbuild and, with ``--baselines``, on readability-lxml and trafilatura, then
prints text F1, heading / list-item / paragraph agreement and pages per second.
Speed is also measured directly, interleaving the extractors round by round so
that a busy machine slows them alike; the medians and the ratio to
readability-lxml measured in the same rounds are what to quote.

    python bench/normalize_bench.py [--baselines] [--rounds 5] [--data-root ../shared/corpus]

or through the scorer directly (``pubbuild`` here is ``FUNC(html, url) -> str``)::

    python3 ../shared/tools/score_extraction.py run --dataset readability \
        --data-root ../shared/corpus --py bench/normalize_bench.py:pubbuild --format html

The corpus pages stay outside the project; this script only reads them.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
URL = "http://fakehost/test/page.html"  # the URL the scorer passes (Readability's tests)


def pubbuild(html: str, url: str) -> str:
    """The normalised body exactly as ``pubbuild normalize --format html`` prints it."""
    from pubbuild.normalize import normalize_html

    return normalize_html(html, url)


def _warm_up() -> None:
    """Pay one-off costs before timing: imports and the language model's load."""
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL)
    from pubbuild.passes.language import detect

    detect("Loading the language identification model once, as any long-running process would.")
    pubbuild("<p>warm up</p>", URL)


# Importing this module (as the scorer's ``--py bench/normalize_bench.py:pubbuild`` does)
# pays the one-off costs up front, as a long-running ``pubbuild normalize`` process would;
# the scorer's own warm-up call only covers a page that declares its language.
_warm_up()


def _scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer, name: str, spec: str, data_root: Path) -> dict:
    """Run the shared scorer in-process; return its summary."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        argv = ["score_extraction.py", "run", "--dataset", "readability", "--data-root", str(data_root),
                "--py", spec, "--format", "html", "--name", name, "--n-bootstrap", "200",
                "--out", str(out)]
        old, sys.argv = sys.argv, argv
        try:
            with redirect_stdout(io.StringIO()):
                scorer.main()
        finally:
            sys.argv = old
        return json.loads(out.read_text())


def speed(funcs: dict, pages: list[str], rounds: int) -> dict[str, list[float]]:
    """Pages per second of each function, interleaved round by round."""
    rates: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.perf_counter()
            for html in pages:
                func(html, URL)
            rates[name].append(len(pages) / (time.perf_counter() - start))
    return rates


META_FIELDS = ("title", "byline", "lang", "siteName", "publishedTime", "excerpt")


def _same(field: str, got: str | None, want: str) -> bool:
    got, want = " ".join((got or "").lower().split()), " ".join(want.lower().split())
    if not got:
        return False
    if field == "publishedTime":
        return got[:10] == want[:10]
    if field == "lang":
        return got.split("-")[0] == want.split("-")[0]
    if field == "byline":
        return got in want or want in got
    return got == want


def metadata_scores(data_root: Path, baselines: bool) -> dict[str, dict[str, int]]:
    """Fields matching ``expected-metadata.json`` (Readability's own metadata), per extractor."""
    from pubbuild.passes import run_passes
    from pubbuild.reader.html import read_html

    counts: dict[str, dict[str, int]] = {"expected": dict.fromkeys(META_FIELDS, 0),
                                         "pubbuild": dict.fromkeys(META_FIELDS, 0)}
    if baselines:
        from trafilatura.metadata import extract_metadata

        counts["trafilatura"] = dict.fromkeys(META_FIELDS, 0)
    for page in sorted((data_root / "readability").glob("*/expected-metadata.json")):
        want = json.loads(page.read_text("utf8"))
        html = (page.parent / "source.html").read_text("utf8", errors="replace")
        article = read_html(html, None, None, [], base_url=URL)
        run_passes(article, "-")
        m = article.meta
        got = {"pubbuild": {"title": m.title, "byline": ", ".join(m.authors), "lang": m.language,
                            "siteName": m.site_name, "publishedTime": m.published, "excerpt": m.description}}
        if baselines:
            t = extract_metadata(html)
            got["trafilatura"] = {"title": t.title, "byline": t.author, "lang": None, "siteName": t.sitename,
                                  "publishedTime": t.date, "excerpt": t.description}
        for field in META_FIELDS:
            if want.get(field) is None:
                continue
            counts["expected"][field] += 1
            for name, values in got.items():
                counts[name][field] += _same(field, values[field], want[field])
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "score_extraction.py")
    parser.add_argument("--baselines", action="store_true", help="also score readability-lxml and trafilatura")
    parser.add_argument("--rounds", type=int, default=5, help="speed rounds (default 5)")
    args = parser.parse_args(argv)
    if not args.scorer.is_file() or not (args.data_root / "readability").is_dir():
        print(f"scorer or corpus not found ({args.scorer}, {args.data_root}); see --help", file=sys.stderr)
        return 2
    scorer = _scorer(args.scorer)
    runs = {"pubbuild": f"{__file__}:pubbuild"}
    if args.baselines:
        runs["readability-lxml"] = f"{HERE / 'baselines.py'}:readability"
        runs["trafilatura"] = f"{HERE / 'baselines.py'}:trafilatura"
    print(f"{'extractor':<18} {'F1':>6} {'P':>6} {'R':>6} {'head':>6} {'li':>6} {'p':>6} {'fail':>5}")
    for name, spec in runs.items():
        s = score(scorer, name, spec, args.data_root)["summary"]
        m, st = s["shingle4"], s["structure"]
        print(f"{name:<18} {m['f1']:>6.3f} {m['precision']:>6.3f} {m['recall']:>6.3f} "
              f"{st['h']['mean_agreement']:>6.3f} {st['li']['mean_agreement']:>6.3f} "
              f"{st['p']['mean_agreement']:>6.3f} {s['failures']:>5}")
    meta = metadata_scores(args.data_root, args.baselines)
    print("\nmetadata fields matching Readability's expected-metadata.json:")
    print(f"  {'extractor':<16} " + " ".join(f"{f:>13}" for f in META_FIELDS))
    for name in [n for n in meta if n != "expected"]:
        print(f"  {name:<16} " + " ".join(f"{meta[name][f]:>6}/{meta['expected'][f]:<6}" for f in META_FIELDS))
    pages = [p.read_text("utf8", errors="replace")
             for p in sorted((args.data_root / "readability").glob("*/source.html"))]
    funcs = {"pubbuild": pubbuild}
    sys.path.insert(0, str(HERE))
    import baselines

    funcs["readability-lxml"] = baselines.readability
    funcs["readability-lxml"](pages[0], URL)
    rates = speed(funcs, pages, args.rounds)
    print_speed(rates, f"{len(pages)} pages, {args.rounds} interleaved rounds")
    return 0


def print_speed(rates: dict[str, list[float]], what: str) -> None:
    """Medians of each extractor's rates and of pubbuild's ratio to readability-lxml's, round by round."""
    print(f"\nspeed, {what} (pages/s in-process):")
    for name, values in rates.items():
        print(f"  {name:<18} median {statistics.median(values):6.1f}   runs "
              + " ".join(f"{v:.1f}" for v in values))
    import os

    for peer in (name for name in rates if name != "pubbuild"):
        ratios = [a / b for a, b in zip(rates["pubbuild"], rates[peer], strict=True)]
        print(f"  pubbuild / {peer}, same rounds: median {statistics.median(ratios):.2f}x")
    print(f"  load average while measured: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
