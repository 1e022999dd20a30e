"""``pubbuild normalize``: articles in, normalised body / model / text out.

One process handles many files; the readers' imports are paid once.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from . import modeljson, partfiles
from .diagnostics import Diagnostic
from .errors import OutputError, PubbuildError, SourceError
from .model import Article
from .reader import READERS, read_file
from .textutil import block_text
from .writer.xhtml import XhtmlWriter

logger = logging.getLogger(__name__)


def collect(paths: list[Path]) -> list[Path]:
    """Files named, and every article file inside folders named, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS))
        else:
            out.append(path)
    return out


def render(article: Article, fmt: str, root: Path | None = None) -> str:
    """The article as normalised HTML body, JSON model, or plain text.

    In the JSON model, paths inside ``root`` (the project) are written relative to
    it, so that the same project gives the same JSON in any folder.
    """
    if fmt == "html":
        writer = XhtmlWriter(article)
        return writer.blocks(article.blocks) + writer.notes(article.notes)
    if fmt == "text":
        text = block_text(article.blocks, marked=True)
        notes = [f"[{note.label}] " + block_text(note.children, " ", marked=True) for note in article.notes]
        return text + "".join(f"\n\n{n}" for n in (["Notes", *notes] if notes else [])) + "\n"
    data = {"meta": dataclasses.asdict(article.meta),
            "blocks": modeljson.encode(article.blocks, root),
            "notes": modeljson.encode(article.notes, root),
            "diagnostics": [d.as_dict() for d in article.diagnostics]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def normalize_html(html: str, url: str | None = None, fmt: str = "html") -> str:
    """Normalise one page given as text (the in-process entry the benchmark uses)."""
    from .passes import run_passes
    from .reader.html import read_html

    article = read_html(html, None, None, [], base_url=url)
    run_passes(article, "-")
    return render(article, fmt)


def normalize_paths(paths: list[Path], out_dir: Path | None, fmt: str,
                    emit: Callable[[str], None], stdin: Path | None = None,
                    diags: list[Diagnostic] | None = None) -> int:
    """Normalise every file; return 0, or the highest exit status of the files that failed
    (2 for bad input).  ``stdin`` is the file standard input was saved to: it is named by its
    own name, its folder bounding what it may refer to.  Each article's diagnostics are
    appended to ``diags`` (for the caller to report)."""
    failed = 0
    files = collect(paths)
    if not files:
        raise SourceError("no article files found in " + ", ".join(map(str, paths)))
    if out_dir is not None:
        from .assemble.publication import refuse_replacing_inputs

        refuse_replacing_inputs([out_dir / f"{p.stem}.{fmt}" for p in files], files)
        out_dir.mkdir(parents=True, exist_ok=True)
    # Temporaries a killed run left are swept per output, which lists the folder each time:
    # quadratic over a folder of many pages.  Only a folder that holds hidden names can hold one.
    sweep = out_dir is not None and _has_hidden(out_dir)
    for path in files:
        try:
            article = read_file(path, path.parent if path == stdin else None)
        except PubbuildError as exc:
            for line in exc.lines():
                logger.error("%s", line)
            failed = max(failed, exc.exit_code)
            continue
        if diags is not None:
            diags.extend(article.diagnostics)
        text = render(article, fmt)
        if out_dir is None:
            emit(text)
        else:
            _write(out_dir / f"{path.stem}.{fmt}", text, sweep)
    return failed


def _has_hidden(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.startswith(".") for entry in entries)
    except OSError:
        return True  # sweep as before; it ignores a folder it cannot list


def _write(target: Path, text: str, sweep: bool = True) -> None:
    """``text`` into ``target`` through a temporary that goes whatever happens (a full
    disk is exit 2 naming the file, never a traceback or a ``.part`` left behind)."""
    if sweep:
        partfiles.sweep(target.parent, target.name)
    try:
        with partfiles.temporary(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
