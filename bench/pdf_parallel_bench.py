"""Benchmark: one WeasyPrint render of a pack against parts rendered in parallel and merged.

Builds deterministic 20- and 100-article packs (generated text in Latin,
Greek, Armenian and Cyrillic script, headings, lists, tables with header
cells, figures with alt text, links between articles) and prints, as medians
of several runs, each run in a fresh process:

* ``bare``: WeasyPrint alone on the exact HTML (pydyf as released),
* ``jobs1``: the single-render path (pydyf ``page_references`` workaround on),
* ``jobsN``: parts balanced by estimated cost, laid out in N worker processes,
  merged by :mod:`pubbuild.backends.pdf.merge`, page numbers stamped after the merge,

with wall time, peak RSS per process, pages per second and the ratios.

    PYTHONPATH=src python bench/pdf_parallel_bench.py [--runs 3] [--articles 20 100] [--jobs 2]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pubbuild.resources import styles_dir

ROOT = Path(__file__).resolve().parents[1]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
NO_NUMBERS = "@page { @bottom-center { content: none; } }"
PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4//8/w38GIAXDIBKE0D"
       "HxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg==")
SCRIPTS = {
    "en": "the of and council border talks road village water report river valley winter market "
          "school families minister agreement ceasefire convoy".split(),
    "el": "η το και συμβούλιο σύνορα συνομιλίες δρόμος χωριό νερό ποτάμι κοιλάδα χειμώνας".split(),
    "hy": "և այն խորհուրդ սահման բանակցություն ճանապարհ գյուղ ջուր գետ հովիտ ձմեռ շուկա".split(),
    "ru": "и в совет граница переговоры дорога село вода река долина зима рынок школа".split(),
}


# ---------------------------------------------------------------- the pack


def sentence(rng: random.Random, lang: str) -> str:
    words = [rng.choice(SCRIPTS[lang]) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def article(i: int, count: int, rng: random.Random) -> str:
    slug = f"a{i:03d}"
    lang = ["en", "en", "el", "hy", "ru"][i % 5]
    size = rng.choice([4, 6, 9, 14, 22])  # paragraphs: articles differ a lot in cost
    out = [f'<section class="article" id="{slug}" lang="{lang}"><header class="article-header">'
           f'<h1 id="{slug}-title">Article {i + 1}: {sentence(rng, lang)[:40]}</h1>'
           f'<p class="byline">By Desk {i % 7}</p></header>']
    for p in range(size):
        if p % 5 == 2:
            out.append(f"<h2 id=\"{slug}-s{p}\">{sentence(rng, lang)[:50]}</h2>")
        text = " ".join(sentence(rng, lang) for _ in range(rng.randint(3, 7)))
        if p == 1:
            other = f"a{(i + 7) % count:03d}-title"
            text += f' See <a href="#{other}">article {(i + 7) % count + 1}</a>.'
        out.append(f"<p>{text}</p>")
        if p == 3:
            out.append("<ul>" + "".join(f"<li>{sentence(rng, lang)}</li>" for _ in range(4)) + "</ul>")
        if p == 4:
            rows = "".join(f"<tr><td>{1990 + r}</td><td>{sentence(rng, lang)[:30]}</td><td>{r * 7}</td></tr>"
                           for r in range(6))
            out.append(f'<table><caption>Table {i + 1}</caption><thead><tr><th>Year</th><th>Event</th>'
                       f"<th>Count</th></tr></thead><tbody>{rows}</tbody></table>")
        if p == 5:
            out.append(f'<figure><img src="{PNG}" alt="Map for article {i + 1}" width="120" height="80">'
                       f"<figcaption>{sentence(rng, lang)}</figcaption></figure>")
    out.append("</section>\n")
    return "".join(out)


def pack(count: int) -> tuple[str, list[str]]:
    """(title page, articles) of a deterministic pack."""
    rng = random.Random(count)
    title = (f'<section class="titlepage"><p class="pub-title">Bench pack of {count}</p>'
             '<p class="pub-subtitle">Generated articles</p></section>\n')
    return title, [article(i, count, rng) for i in range(count)]


def document(body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>Bench pack</title>'
            '</head><body>\n' + body + "</body></html>\n")


# ---------------------------------------------------------------- one run (in a fresh process)


def _css(numbers: bool = True) -> list:
    from weasyprint import CSS

    sheets = [CSS(filename=str(styles_dir() / "print.css"))]
    return sheets if numbers else sheets + [CSS(string=NO_NUMBERS)]


def render_part(html: str) -> tuple[bytes, int]:
    """Worker: one part, laid out without page numbers; (PDF, peak RSS in KiB)."""
    from weasyprint import HTML

    data = HTML(string=html).write_pdf(stylesheets=_css(numbers=False), pdf_variant="pdf/ua-1",
                                       pdf_tags=True, pdf_identifier=b"bench")
    return data, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(mode: str, count: int, jobs: int, parts: int, out: Path) -> dict:
    import weasyprint  # noqa: F401  (imported before timing, as in the CLI)

    from pubbuild.backends.pdf import workarounds

    title, articles = pack(count)
    html = document(title + "".join(articles))
    start = time.perf_counter()
    extra: dict = {}
    if mode in ("bare", "jobs1"):
        from weasyprint import HTML

        if mode == "jobs1":
            workarounds.cache_page_references()
        HTML(string=html).write_pdf(str(out), stylesheets=_css(), pdf_variant="pdf/ua-1", pdf_tags=True,
                                    pdf_identifier=b"bench")
        workers = []
    else:
        import pikepdf

        from pubbuild.backends.pdf.merge import mark_cross_part_links, merge_parts
        from pubbuild.backends.pdf.page_numbers import arabic_labels, probe_footer, stamp_page_numbers
        from pubbuild.backends.pdf.workers import balance, estimate_cost, run_parallel

        workarounds.cache_page_references()
        runs = balance([estimate_cost(a) for a in articles], parts)
        bodies = [(title if n == 0 else "") + "".join(articles[i] for i in r) for n, r in enumerate(runs)]
        htmls = mark_cross_part_links([document(b) for b in bodies])
        t0 = time.perf_counter()
        results = run_parallel(render_part, htmls, jobs)
        t1 = time.perf_counter()
        blobs = [data for data, _ in results]
        workers = [rss for _, rss in results]
        footer = probe_footer(FONT, _css())
        total = sum(len(pikepdf.open(io.BytesIO(b)).pages) for b in blobs)
        stamp_time = []

        def finish(pdf):
            s = time.perf_counter()
            stamp_page_numbers(pdf, arabic_labels(total, blank=[0]), footer)
            stamp_time.append(time.perf_counter() - s)

        report = merge_parts(blobs, out, finish=finish)
        extra = {"render": t1 - t0, "merge": time.perf_counter() - t1 - stamp_time[0],
                 "stamp": stamp_time[0], "part_pages": report.pages, "cross_links": report.cross_links,
                 "retagged_fonts": report.retagged_fonts, "renamed_ids": report.renamed_ids}
    wall = time.perf_counter() - start
    import pikepdf

    with pikepdf.open(out) as pdf:
        pages = len(pdf.pages)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "pages": pages, "rss_parent": me.ru_maxrss, "rss_workers": workers,
            "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, **extra}


# ---------------------------------------------------------------- driver


def measure(mode: str, count: int, jobs: int, parts: int, out: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", mode, str(count), str(jobs), str(parts),
                           str(out)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def text_of(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--parts", type=int, nargs="+", default=None,
                        help="parts per parallel build (default: as many as jobs)")
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        mode, count, jobs, parts, out = args.one
        print(json.dumps(run(mode, int(count), int(jobs), int(parts), Path(out))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.articles:
            modes = [("bare", 1, 1), ("jobs1", 1, 1)] + [
                (f"jobs{args.jobs}/parts{p}", args.jobs, p) for p in (args.parts or [args.jobs])]
            results: dict[str, list[dict]] = {m: [] for m, _, _ in modes}
            for _ in range(args.runs):  # interleaved, so machine load hits every mode alike
                for mode, jobs, parts in modes:
                    out = Path(tmp) / f"{count}-{mode.replace('/', '-')}.pdf"
                    results[mode].append(measure(mode.split("/")[0] if "/" not in mode else "par",
                                                 count, jobs, parts, out))
            print(f"\n== {count} articles, {args.runs} runs each (medians) ==")
            base = statistics.median(r["wall"] for r in results["jobs1"])
            for mode, _, _ in modes:
                rs = results[mode]
                wall = statistics.median(r["wall"] for r in rs)
                pages = rs[0]["pages"]
                rss = max([r["rss_parent"] for r in rs] + [w for r in rs for w in r["rss_workers"]]) / 1024
                cpu = statistics.median(r["cpu"] for r in rs)
                line = (f"{mode:16s} wall {wall:7.2f} s  x{wall / base:5.3f} of jobs1  cpu {cpu:6.2f} s  "
                        f"{pages} pages  "
                        f"{pages / wall:6.1f} pages/s  peak RSS/process {rss:6.0f} MB")
                if rs[0]["rss_workers"]:
                    parent = max(r["rss_parent"] for r in rs) / 1024
                    workers = max(w for r in rs for w in r["rss_workers"]) / 1024
                    line += (f" (parent {parent:.0f}, workers {workers:.0f});  render "
                             f"{statistics.median(r['render'] for r in rs):.2f} s, merge "
                             f"{statistics.median(r['merge'] for r in rs):.2f} s, stamp "
                             f"{statistics.median(r['stamp'] for r in rs) * 1000:.0f} ms; parts "
                             f"{rs[0]['part_pages']} pages, {rs[0]['cross_links']} cross links, "
                             f"{rs[0]['retagged_fonts']} fonts retagged, {rs[0]['renamed_ids']} ids renamed")
                print(line, flush=True)
            bare = statistics.median(r["wall"] for r in results["bare"])
            print(f"jobs1 / bare WeasyPrint: {base / bare:.3f}")
            single = text_of(Path(tmp) / f"{count}-jobs1.pdf")
            for mode, _, _ in modes[2:]:
                same = text_of(Path(tmp) / f"{count}-{mode.replace('/', '-')}.pdf") == single
                print(f"{mode}: text (pdftotext) identical to jobs1: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
