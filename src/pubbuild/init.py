"""``pubbuild init``: a new project that builds as it is.

It writes a commented manifest, one example article and two starter
stylesheets (applied after the house styles, :mod:`pubbuild.styles`), and never
overwrites a file: when any of them exists, nothing is
written and every clash is reported.
"""

from __future__ import annotations

import datetime as _dt
import logging
from pathlib import Path

from .assemble.manifest import slugify
from .errors import ConfigurationError

logger = logging.getLogger(__name__)

MANIFEST = """\
# pubbuild manifest: `pubbuild build` makes the EPUB and the PDF into build/,
# `pubbuild check` reports what to fix, `pubbuild deposit` writes an archival bag.
# Every key is described in pubbuild's README ("The manifest").
title: {title}
subtitle: A briefing pack
language: en
creators:
  - name: Your Name
    role: compiler
date: {date}
description: What this pack is for, in a sentence or two.
introduction: |
  The editor's introduction, in Markdown. Say why these articles belong together.
parts:
  - title: First part
    introduction: What the articles in this part have in common (Markdown).
    articles:
      - source: sources/example-article.md
        authors: [Pubbuild Editorial Desk]
        site: Your publication
        url: https://example.org/articles/example-article
        published: {date}
        retrieved: {date}
        note: An editor's note shown before the article (Markdown).
      # Add saved web pages (.html), drafts (.md, .txt) the same way:
      # - source: sources/saved-page.html
      #   retrieved: 2024-06-01
"""

ARTICLE = """\
# How to Make a Briefing Pack

Save each article you want in the pack (a saved web page, a CMS export, or a draft
in Markdown or plain text) into `sources/`, then list it in `pubbuild.yaml`.

## What pubbuild does with it

pubbuild finds the article on a saved page, drops the page furniture, and rebuilds
the article's structure:

- headings that skip levels are repaired;
- images keep their text alternatives, and those without one are reported;
- passages in other languages keep their language.

> A pack is only as useful as the sources it names.

## What to check before sending

Run `pubbuild check`: it lists every finding with its file and line, and exits with
status 1 when anything must be fixed.
"""


#: The project's own stylesheets: comments only until the editor adds a rule, so a new
#: project builds exactly as one without them.
STYLESHEETS = {
    "epub.css": """\
/* Your rules for the EPUB. They apply after pubbuild's own stylesheet, so a rule
   here wins over the house rule it matches; see README, "Styles".
   url() may name files inside this project only (fonts, images): they are packed
   into the stylesheet. For example:

   h1 { color: #1f3a5f; }
*/
""",
    "print.css": """\
/* Your rules for the PDF. They apply after pubbuild's own print stylesheet; the
   page size and margins set in pubbuild.yaml (pdf:) or on the command line win
   over an @page rule here; see README, "Styles". For example:

   @page { size: 148mm 210mm; }
   p { text-align: left; }
*/
""",
}


def init_project(directory: Path, title: str | None = None) -> list[Path]:
    """Create a project in ``directory``; return the files written."""
    directory = directory.absolute()
    if directory.exists() and not directory.is_dir():
        raise ConfigurationError(f"{directory}: exists and is not a folder")
    title = title or _title_from(directory)
    files: dict[Path, str] = {
        directory / "pubbuild.yaml": MANIFEST.format(title=_yaml_text(title),
                                                     date=_dt.date.today().isoformat()),
        directory / "sources" / "example-article.md": ARTICLE,
    }
    for name, text in STYLESHEETS.items():
        files[directory / "styles" / name] = text
    clashes = [p for p in files if p.exists() or p.is_symlink()]
    if clashes:
        raise ConfigurationError(
            f"{directory}: {len(clashes)} file{'s' * (len(clashes) != 1)} already exist; nothing written",
            [f"{p}: already exists; refusing to overwrite" for p in clashes])
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as fh:  # "x": never replace a file created meanwhile
            fh.write(text)
        written.append(path)
        logger.info("created %s", path)
    return written


def _title_from(directory: Path) -> str:
    name = slugify(directory.name, "").replace("-", " ").strip()
    return name.capitalize() if name else "My briefing pack"


def _yaml_text(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (titles may hold colons or quotes)."""
    import json

    return json.dumps(text, ensure_ascii=False)
