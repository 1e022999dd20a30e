"""Extraction quality on every corpus family, pubbuild against readability-lxml, trafilatura and resiliparse.

Scores the four extractors in the same run with the shared scorer
(``../shared/tools/score_extraction.py``, imported, not copied) on the four
families of ``../shared/corpus`` (readability, dragnet, l3s-gn1, cleaneval).
Each family is split deterministically into a *tuning* part (~70 %) and a
*held-out* part (~30 %) by a hash of the page id, so that a change tuned on
one part can be checked on pages it was not tuned on.  For each part and the
whole family it prints text F1 (the AEB shingle-4 metric), pages with empty
output, and on the readability family the heading / list-item / paragraph
agreement; then, per family and part, the margin over the better peer and the
pages where pubbuild's output is empty while a peer finds text.  Then it
measures in-process speed against readability-lxml and trafilatura,
interleaving them round by round on a fixed sample of pages of every family,
and prints the medians, the median of the per-round ratios and the load.

    python bench/extraction_families.py [--families readability,dragnet] [--rounds 5]
        [--worst 10] [--peer-cache DIR]

``--peer-cache DIR`` keeps the peers' outputs between runs (they do not change
while pubbuild is tuned); the figures to quote come from a run without it.
The corpus pages stay outside the project; this script only reads them.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import logging
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from normalize_bench import print_speed, speed

FAMILIES = ("readability", "dragnet", "l3s-gn1", "cleaneval")
PARTS = ("tune", "held-out", "whole")
#: Share of each family, by hash of the page id, that tuning may look at.
TUNE_SHARE = 0.7


def part_of(family: str, page_id: str) -> str:
    """``tune`` or ``held-out``: a stable split that no change to the code can move."""
    digest = hashlib.sha1(f"{family}/{page_id}".encode()).digest()
    return "tune" if int.from_bytes(digest[:4], "big") / 2**32 < TUNE_SHARE else "held-out"


def _scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extractors() -> dict:
    import baselines
    from normalize_bench import pubbuild

    return {"pubbuild": pubbuild, "readability-lxml": baselines.readability,
            "trafilatura": baselines.trafilatura, "resiliparse": baselines.resiliparse}


def run_family(scorer, family: str, data_root: Path, funcs: dict, cache: Path | None) -> tuple[list, dict]:
    """Outputs of every extractor on every page of ``family`` (the scorer's items and outputs)."""
    items = scorer.load_dataset(family, data_root, None, None)
    outputs: dict[str, list] = {}
    for name, func in funcs.items():
        cached = cache / f"{name}-{family}.json" if cache is not None and name != "pubbuild" else None
        if cached is not None and cached.is_file():
            outputs[name] = [tuple(o) for o in json.loads(cached.read_text("utf8"))]
            continue
        outs = []
        for it in items:
            html = it["path"].read_text("utf8", errors="replace")
            start = time.perf_counter()
            try:
                out, err = func(html, it["url"]) or "", None
            except Exception as exc:  # noqa: BLE001 - a peer's crash is a failed page, as in the scorer
                out, err = "", f"{type(exc).__name__}: {exc}"[:300]
            outs.append((out, time.perf_counter() - start, err))
        outputs[name] = outs
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(outs), "utf8")
    return items, outputs


def summarise(scorer, family: str, items: list, outputs: dict) -> dict:
    """Per extractor and part: the scorer's summary and per-page results."""
    result: dict = {}
    for name, outs in outputs.items():
        result[name] = {}
        for part in PARTS:
            chosen = [i for i, it in enumerate(items) if part == "whole" or part_of(family, it["id"]) == part]
            if not chosen:
                continue
            summary, pages = scorer.score([items[i] for i in chosen], [outs[i] for i in chosen], "html", 0, 0)
            result[name][part] = {"summary": summary, "pages": pages, "n": len(chosen)}
    return result


def print_family(family: str, result: dict) -> None:
    print(f"\n== {family}")
    print(f"  {'extractor':<17} {'part':<9} {'pages':>5} {'F1':>6} {'P':>6} {'R':>6} {'empty':>5} "
          f"{'head':>6} {'li':>6} {'p':>6}")
    for name, parts in result.items():
        for part, r in parts.items():
            s = r["summary"]
            m = s["shingle4"]
            st = s.get("structure")
            structure = (f"{st['h']['mean_agreement']:>6.3f} {st['li']['mean_agreement']:>6.3f} "
                         f"{st['p']['mean_agreement']:>6.3f}") if st else ""
            print(f"  {name:<17} {part:<9} {r['n']:>5} {m['f1']:>6.3f} {m['precision']:>6.3f} "
                  f"{m['recall']:>6.3f} {s['empty_outputs']:>5} {structure}")


def print_worst(family: str, result: dict, count: int) -> None:
    """The tuning part's pages where pubbuild trails the better peer most (only tuning pages are shown)."""
    ours = {p["id"]: p for p in result["pubbuild"]["tune"]["pages"]}
    peers = [{p["id"]: p for p in result[n]["tune"]["pages"]} for n in result if n != "pubbuild"]
    gaps = sorted(((max(pr[i]["f1"] for pr in peers) if peers else 1.0) - p["f1"], i)
                  for i, p in ours.items())
    print(f"  worst tuning pages ({family}): id, pubbuild F1 P R, best peer F1")
    for gap, i in sorted(gaps, reverse=True)[:count]:
        p = ours[i]
        print(f"    {i:<40} {p['f1']:.3f} {p['precision']:.3f} {p['recall']:.3f}  "
              f"{max(pr[i]['f1'] for pr in peers) if peers else 0:.3f}")


#: The issue's target: text F1 at least the better peer's plus this, on every part of every family.
MARGIN = 0.01


def print_verdict(everything: dict) -> None:
    """Per family and part: pubbuild's text F1, the better peer's, the margin, and the pages
    where pubbuild gives nothing while a peer gives text."""
    print(f"\nverdict (target: F1 >= better peer + {MARGIN}, no empty page where a peer finds text)")
    print(f"  {'family':<12} {'part':<9} {'pubbuild':>8} {'best peer':>22} {'margin':>7} {'met':>4} empty-vs-peer")
    for family, result in everything.items():
        peers = [n for n in result if n != "pubbuild"]
        for part in PARTS:
            if part not in result["pubbuild"]:
                continue
            ours = result["pubbuild"][part]
            f1 = ours["summary"]["shingle4"]["f1"]
            best = max(peers, key=lambda n: result[n][part]["summary"]["shingle4"]["f1"], default=None)
            best_f1 = result[best][part]["summary"]["shingle4"]["f1"] if best else 0.0
            empty = [p["id"] for i, p in enumerate(ours["pages"]) if p["pred_tokens"] == 0
                     and any(result[n][part]["pages"][i]["pred_tokens"] for n in peers)]
            print(f"  {family:<12} {part:<9} {f1:>8.3f} {best or '-':>14} {best_f1:.3f} {f1 - best_f1:>+7.3f} "
                  f"{'yes' if f1 >= best_f1 + MARGIN else 'no':>4} {', '.join(empty) or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "score_extraction.py")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--rounds", type=int, default=5, help="speed rounds (default 5; 0 skips)")
    parser.add_argument("--speed-pages", type=int, default=40, help="pages per family timed (default 40)")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst tuning pages per family")
    parser.add_argument("--peer-cache", type=Path, help="reuse the peers' outputs saved here")
    parser.add_argument("--no-peers", action="store_true", help="score pubbuild alone")
    parser.add_argument("--json", type=Path, help="write every per-page result here")
    args = parser.parse_args(argv)
    if not args.scorer.is_file() or not args.data_root.is_dir():
        print(f"scorer or corpus not found ({args.scorer}, {args.data_root}); see --help", file=sys.stderr)
        return 2
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL)
    scorer = _scorer(args.scorer)
    funcs = _extractors()
    if args.no_peers:
        funcs = {"pubbuild": funcs["pubbuild"]}
    families = [f for f in args.families.split(",") if f]
    everything = {}
    sample: list[str] = []
    for family in families:
        items, outputs = run_family(scorer, family, args.data_root, funcs, args.peer_cache)
        result = summarise(scorer, family, items, outputs)
        everything[family] = result
        print_family(family, result)
        if args.worst:
            print_worst(family, result, args.worst)
        step = max(1, len(items) // args.speed_pages)
        sample += [it["path"].read_text("utf8", errors="replace") for it in items[::step][:args.speed_pages]]
    if args.json:
        args.json.write_text(json.dumps({f: {n: {p: r["pages"] for p, r in parts.items()}
                                             for n, parts in res.items()} for f, res in everything.items()}),
                             "utf8")
    if not args.no_peers:
        print_verdict(everything)
    if args.rounds and not args.no_peers:
        timed = {"pubbuild": funcs["pubbuild"], "readability-lxml": funcs["readability-lxml"],
                 "trafilatura": funcs["trafilatura"]}
        rates = speed(timed, sample, args.rounds)
        print_speed(rates, f"{len(sample)} pages of {', '.join(families)}, {args.rounds} interleaved rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
