"""Text fidelity: which of the reader's steps and passes lose, add or glue words of the article kept.

The extraction score compares word 4-grams, so a word dropped, added or glued to its
neighbour after the article has been chosen costs as much as a wrong choice of block.
This script separates the two.  For every page of the *tuning* part of each family
(``bench/extraction_families.py``'s split; held-out pages are never read here) it
takes the text of the article's block as it stands before the ``headline`` stage,
before ``convert``, after the reader, and after each pass, each read by the shared
scorer's own HTML flattener, and prints per family and step:

* the words lost and added (multisets of ``\\w+`` tokens, as the scorer counts them),
  and how many of the lost ones the reference text holds and the final text lacks;
* text F1 (the scorer's metric) of the text at that step, so that a step's cost or
  gain reads directly;
* word pairs glued together or split apart against the reference ("endStart").

With ``--pages N`` it lists the N pages each step changes most.

    python bench/text_fidelity.py [--families l3s-gn1,dragnet] [--pages 5]

The corpus pages stay outside the project; this script only reads them.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from extraction_families import FAMILIES, _scorer, part_of

_TOKEN = re.compile(r"\w+")


@contextmanager
def tapped(taps: dict[str, str]) -> Iterator[None]:
    """The reader's stages with a tap before ``headline`` and ``convert`` that keeps the
    article block's text (the default chain is put back after)."""
    from lxml import etree

    from pubbuild.reader import stages

    def tap(name: str):
        def run(state) -> None:
            if state.container is not None:
                taps.setdefault(name, etree.tostring(state.container, encoding="unicode", method="html"))
        return run

    chain = stages.default_stages()
    chain.before("headline", "tap_headline", tap("block"))
    chain.before("convert", "tap_convert", tap("headline"))
    saved, stages.STAGES = stages.STAGES, chain
    try:
        yield
    finally:
        stages.STAGES = saved


def steps_of(html: str, url: str, flatten) -> dict[str, str]:
    """The text of one page at each step, in order: ``block`` (chosen and cleaned),
    ``headline`` (title and subtitle out), ``reader`` (the model), then one per pass."""
    from pubbuild.normalize import render
    from pubbuild.passes import PASSES, PassContext
    from pubbuild.reader.html import read_html

    taps: dict[str, str] = {}
    with tapped(taps):
        article = read_html(html, None, None, [], base_url=url)
    out = {name: flatten(taps[name]) for name in ("block", "headline") if name in taps}
    out["reader"] = flatten(render(article, "html"))
    ctx = PassContext("-", article.diagnostics)
    for name, func in PASSES.get_rules():
        func(article, ctx)
        out[name] = flatten(render(article, "html"))
    return out


def glued(text: str, reference: str) -> tuple[int, int]:
    """Tokens of ``text`` that are two adjacent reference tokens run together, and
    reference tokens that ``text`` splits in two."""
    ours, ref = _TOKEN.findall(text), _TOKEN.findall(reference)
    ours_set, ref_set = Counter(ours), Counter(ref)
    ref_pairs = {a + b for a, b in pairwise(ref)}
    our_pairs = {a + b for a, b in pairwise(ours)}
    return (sum(n for t, n in ours_set.items() if t not in ref_set and t in ref_pairs),
            sum(n for t, n in ref_set.items() if t not in ours_set and t in our_pairs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "score_extraction.py")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--pages", type=int, default=0, help="list the N pages each step changes most")
    args = parser.parse_args(argv)
    if not args.scorer.is_file() or not args.data_root.is_dir():
        print(f"scorer or corpus not found ({args.scorer}, {args.data_root}); see --help", file=sys.stderr)
        return 2
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL)
    scorer = _scorer(args.scorer)

    def flatten(markup: str) -> str:
        return scorer.to_text_struct(markup, "html")[0]

    for family in [f for f in args.families.split(",") if f]:
        items = [it for it in scorer.load_dataset(family, args.data_root, None, None)
                 if part_of(family, it["id"]) == "tune"]
        texts = [steps_of(it["path"].read_text("utf8", errors="replace"), it["url"], flatten) for it in items]
        names = list(texts[0]) if texts else []
        lost: Counter[str] = Counter()
        added: Counter[str] = Counter()
        wanted: Counter[str] = Counter()
        worst: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for it, steps in zip(items, texts, strict=True):
            reference = Counter(_TOKEN.findall(it["gt_text"]))
            final = Counter(_TOKEN.findall(steps[names[-1]]))
            before: Counter[str] | None = None
            for name in names:
                now = Counter(_TOKEN.findall(steps.get(name, "")))
                if before is not None:
                    gone, new = before - now, now - before
                    want = sum(min(n, max(0, reference[w] - final[w])) for w, n in gone.items())
                    lost[name] += sum(gone.values())
                    added[name] += sum(new.values())
                    wanted[name] += want
                    if gone or new:
                        worst[name].append((want, sum(new.values()), it["id"]))
                before = now
        print(f"\n== {family} (tuning part, {len(items)} pages)")
        print(f"  {'step':<16} {'F1':>6} {'lost':>6} {'wanted':>6} {'added':>6} {'glued':>6} {'split':>6}")
        previous: list | None = None
        for name in names:
            outs = [(steps.get(name, ""), 0.0, None) for steps in texts]
            if outs != previous:  # (most passes change no page: their figures are the step before's)
                summary, _ = scorer.score(items, outs, "text", 0, 0)
                glue = [glued(steps.get(name, ""), it["gt_text"]) for it, steps in zip(items, texts, strict=True)]
                previous = outs
            print(f"  {name:<16} {summary['shingle4']['f1']:>6.4f} {lost[name]:>6} {wanted[name]:>6} "
                  f"{added[name]:>6} {sum(g for g, _ in glue):>6} {sum(s for _, s in glue):>6}")
        for name in names if args.pages else ():
            for want, new, page in sorted(worst[name], reverse=True)[:args.pages]:
                print(f"    {name:<14} {page:<40} wanted words lost {want}, words added {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
