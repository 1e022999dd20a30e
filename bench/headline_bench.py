"""How often each extractor's article title is the headline the page shows.

The reader gives every article a title (the EPUB's contents, the PDF's bookmarks and the
pack's table show it), so a title that keeps the site's name ("Headline - Section | Site"),
is a line written for social media, or is the site's label ("The Daily Courier") states
something false about the article.  The corpus's references say which line is the headline:
on the text families (Dragnet, L3S-GN1, CleanEval) the ground truth keeps the headline as a
line of its own, so a title counts as right when its words are exactly one line's words; on
the readability family ``expected-metadata.json`` holds Readability's own title (which keeps
the site's name on some pages), compared exactly.

Pages are split into the same tuning and held-out parts as ``extraction_families.py``.
pubbuild's title is compared with readability-lxml's ``short_title()`` and trafilatura's
metadata title.

    python bench/headline_bench.py [--families l3s-gn1,dragnet] [--no-peers] [--misses N]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from extraction_families import FAMILIES, _scorer, part_of

URL = "http://fakehost/test/page.html"


def pubbuild_title(html: str, url: str) -> str:
    from pubbuild.reader.html import read_html

    return read_html(html, None, None, [], base_url=url).meta.title or ""


def readability_title(html: str, url: str) -> str:
    from readability import Document

    return Document(html, url=url).short_title() or ""


def trafilatura_title(html: str, url: str) -> str:
    from trafilatura.metadata import extract_metadata

    return extract_metadata(html, default_url=url).title or ""


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def _same_as(want: str) -> Callable[[str], bool]:
    wanted = " ".join(want.split())
    return lambda got: " ".join(got.split()) == wanted


def pages(family: str, data_root: Path, scorer) -> list[tuple[str, str, str, Callable[[str], bool]]]:
    """(page id, html, url, is_right(title)) for every page of ``family``."""
    out = []
    if family == "readability":
        for meta in sorted((data_root / family).glob("*/expected-metadata.json")):
            want = json.loads(meta.read_text("utf8")).get("title")
            if want:
                html = (meta.parent / "source.html").read_text("utf8", errors="replace")
                out.append((meta.parent.name, html, URL, _same_as(want)))
        return out
    for item in scorer.load_dataset(family, data_root, None, None):
        lines = {_words(line) for line in item["gt_text"].split("\n") if line.strip()}
        html = item["path"].read_text("utf8", errors="replace")
        out.append((item["id"], html, item["url"] or URL, lambda got, lines=lines: _words(got) in lines))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "score_extraction.py")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--no-peers", action="store_true", help="pubbuild alone")
    parser.add_argument("--misses", type=int, default=0, help="list N tuning pages where pubbuild's title is wrong")
    args = parser.parse_args(argv)
    if not args.scorer.is_file() or not args.data_root.is_dir():
        print(f"scorer or corpus not found ({args.scorer}, {args.data_root}); see --help", file=sys.stderr)
        return 2
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    scorer = _scorer(args.scorer)
    funcs: dict[str, Callable[[str, str], str]] = {"pubbuild": pubbuild_title}
    if not args.no_peers:
        funcs |= {"readability-lxml": readability_title, "trafilatura": trafilatura_title}
    print("titles that are the page's headline (tuning / held-out / whole; right of pages)")
    print(f"  {'family':<12} {'extractor':<17} {'tuning':>9} {'held-out':>9} {'whole':>9}")
    for family in (f for f in args.families.split(",") if f):
        found = pages(family, args.data_root, scorer)
        misses = []
        for name, func in funcs.items():
            right = {"tune": [0, 0], "held-out": [0, 0]}
            for page_id, html, url, is_right in found:
                try:
                    title = func(html, url)
                except Exception:  # noqa: BLE001 - a peer's crash is a wrong title
                    title = ""
                part = part_of(family, page_id)
                ok = is_right(title)
                right[part][0] += ok
                right[part][1] += 1
                if name == "pubbuild" and part == "tune" and not ok:
                    misses.append((page_id, title))
            whole = [right["tune"][0] + right["held-out"][0], right["tune"][1] + right["held-out"][1]]
            cells = " ".join(f"{a:>4}/{b:<4}" for a, b in (right["tune"], right["held-out"], whole))
            print(f"  {family:<12} {name:<17} {cells}")
        for page_id, title in misses[:args.misses]:
            print(f"      miss {page_id[:24]:<24} {title[:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
