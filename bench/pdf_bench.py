"""PDF build benchmark: what pubbuild adds on top of WeasyPrint's own render.

Generates a deterministic 20-article publication (self-written text with
headings, lists, a table, an SVG chart, links and passages in Armenian,
Russian and Greek), then times, alternating and after one warm-up of each:

* ``pubbuild``: the whole ``pubbuild pdf`` build in-process (read, normalise,
  HTML, font check, layout, tagging repairs, XMP, write);
* ``backend``: the PDF backend alone on the already-read publication;
* ``weasyprint``: a bare WeasyPrint render (pdf/ua-1) of the very HTML pubbuild
  lays out (``--emit-html``), with the same fonts and stylesheet.

Prints medians of the runs, the ratios measured in the same run and pages per
second.  Usage: ``python bench/pdf_bench.py [--runs 5] [--articles 20]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = ["library", "reading", "room", "visitors", "river", "valley", "archive", "letter", "alphabet", "winter", "harvest", "council", "bridge", "market", "school", "teacher", "report", "figure", "survey", "village", "mountain", "road", "evening", "morning", "season", "record", "account", "measure", "change", "people", "question", "answer", "history", "language", "border", "city", "region", "network", "station", "window", "paper", "ink"]
FOREIGN = [("hy", "Լեզուն ժողովրդի հոգին է։"), ("ru", "спасибо большое за вечер"),
           ("el", "γράμματα και λέξεις")]
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">'
       '<title>Bars</title>' + "".join(
           f'<rect x="{20 + i * 60}" y="{150 - h}" width="40" height="{h}" fill="#1f3a5f"/>'
           for i, h in enumerate((40, 90, 120, 70, 140, 60))) + "</svg>")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))


def article(n: int) -> str:
    rng = random.Random(n)
    out = [(f'<html lang="en"><head><meta charset="utf-8"><title>Article {n}: the {rng.choice(WORDS)} '
            f"{rng.choice(WORDS)}</title><meta name=\"author\" content=\"Writer {n}\">"
            f'<meta name="dcterms.date" content="2024-03-{n % 28 + 1:02d}"></head><body><article>'),
           f"<h1>Article {n}: the {rng.choice(WORDS)} {rng.choice(WORDS)}</h1>"]
    for s in range(4):
        out.append(f"<h2>Section {s + 1}: {rng.choice(WORDS)}</h2>")
        for _ in range(3):
            out.append(f"<p>{paragraph(rng)} See <a href=\"https://example.org/{n}/{s}\">"
                       f"the {rng.choice(WORDS)} notes</a>.</p>")
        lang, text = FOREIGN[(n + s) % 3]
        out.append(f'<blockquote lang="{lang}"><p>{text}</p></blockquote>')
    out.append("<ul>" + "".join(f"<li>{sentence(rng)}</li>" for _ in range(5)) + "</ul>")
    rows = "".join(f"<tr><th scope=\"row\">{rng.choice(WORDS)}</th><td>{rng.randint(1, 900)}</td>"
                   f"<td>{rng.randint(1, 99)}%</td></tr>" for _ in range(8))
    out.append(f"<table><caption>Counts, article {n}</caption><thead><tr><th>Place</th>"
               f"<th>Visits</th><th>Share</th></tr></thead><tbody>{rows}</tbody></table>")
    out.append('<figure><img src="chart.svg" alt="Bar chart of six made-up values">'
               "<figcaption>Six made-up values.</figcaption></figure>")
    out.append(f"<p>{paragraph(rng)}</p></article></body></html>")
    return "\n".join(out)


def make_project(folder: Path, count: int) -> Path:
    (folder / "chart.svg").write_text(SVG, encoding="utf-8")
    names = []
    for n in range(1, count + 1):
        name = f"article-{n:02d}.html"
        (folder / name).write_text(article(n), encoding="utf-8")
        names.append(name)
    manifest = folder / "pubbuild.yaml"
    manifest.write_text("title: Benchmark Pack\nlanguage: en\ndate: 2024-06-01\n"
                        "creators: [Bench Desk]\narticles:\n"
                        + "".join(f"  - {n}\n" for n in names), encoding="utf-8")
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()

    import logging

    import pikepdf
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from pubbuild import backends
    from pubbuild.assemble.build import build
    from pubbuild.assemble.publication import load_publication

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = make_project(folder, args.articles)
        html = folder / "laid-out.html"
        build("pdf", manifest, folder / "warm.pdf",
              backends.BuildOptions(extra={"emit_html": str(html)}))
        pages = len(pikepdf.open(folder / "warm.pdf").pages)

        def full() -> None:
            build("pdf", manifest, folder / "full.pdf")

        pub = load_publication(manifest)

        steps: dict[str, list[float]] = {"html": [], "fonts": [], "repair": []}

        def backend() -> None:
            b = backends.get("pdf")(backends.BuildOptions())
            b.write(pub, folder / "backend.pdf")
            for key, values in steps.items():
                values.append(b.timings[key])

        def bare() -> None:
            fc = FontConfiguration()
            HTML(filename=str(html), base_url=folder.as_uri() + "/").render(
                font_config=fc).write_pdf(str(folder / "bare.pdf"), pdf_variant="pdf/ua-1")

        times: dict[str, list[float]] = {"pubbuild": [], "backend": [], "weasyprint": []}
        cpu: dict[str, list[float]] = {k: [] for k in times}
        bare()  # warm-up
        order = [("weasyprint", bare), ("pubbuild", full), ("backend", backend)]
        for run in range(args.runs):
            # Rotate the order so that no variant always runs after the same one.
            for name, fn in order[run % 3:] + order[:run % 3]:
                gc.collect()
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                times[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
        med = {k: statistics.median(v) for k, v in times.items()}
        mcpu = {k: statistics.median(v) for k, v in cpu.items()}
        own = {k: statistics.median(v) for k, v in steps.items()}
        print(f"{args.articles} articles, {pages} pages, {args.runs} runs each (medians)")
        for name, label in (("weasyprint", "bare WeasyPrint render of the same HTML"),
                            ("backend", "pubbuild PDF backend (publication already read)"),
                            ("pubbuild", "pubbuild pdf, whole build")):
            runs = ", ".join(f"{t:.2f}" for t in times[name])
            print(f"  {label:50s} {med[name]:6.2f} s  ({runs})")
        print(f"ratio backend / WeasyPrint:  {med['backend'] / med['weasyprint']:.3f} "
              f"(overhead {100 * (med['backend'] / med['weasyprint'] - 1):+.1f}%)")
        print(f"ratio whole build / WeasyPrint: {med['pubbuild'] / med['weasyprint']:.3f} "
              f"(overhead {100 * (med['pubbuild'] / med['weasyprint'] - 1):+.1f}%)")
        print(f"CPU-time ratios (less sensitive to other load): backend {mcpu['backend'] / mcpu['weasyprint']:.3f}, "
              f"whole build {mcpu['pubbuild'] / mcpu['weasyprint']:.3f} "
              f"(CPU medians: WeasyPrint {mcpu['weasyprint']:.2f} s, backend {mcpu['backend']:.2f} s, "
              f"whole build {mcpu['pubbuild']:.2f} s)")
        ours = sum(own.values())
        print("pubbuild's own steps inside the backend (medians): "
              + ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in own.items())
              + f"; total {1000 * ours:.0f} ms = {100 * ours / med['weasyprint']:.1f}% of the bare render")
        print(f"pages per second: {pages / med['pubbuild']:.1f} (whole build), "
              f"{pages / med['weasyprint']:.1f} (bare WeasyPrint)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
