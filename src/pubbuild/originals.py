"""The original files of a publication, as given: every article source, every local
image the articles use and the cover.  The archival PDF carries them as associated
files and a deposit stores them beside it; both name them by their path in the
project, so nothing depends on where the project lies on this machine."""

from __future__ import annotations

from pathlib import Path

from .model import Publication
from .reader.base import media_types as source_media_types
from .textutil import images

#: Media types of the files a project holds, by suffix (never from the system's
#: mime.types, which differs between machines and would make outputs differ).
MEDIA_TYPES = {**source_media_types(), ".svg": "image/svg+xml", ".png": "image/png",
               ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".bmp": "image/bmp", ".tif": "image/tiff",
               ".tiff": "image/tiff", ".yaml": "application/yaml", ".yml": "application/yaml"}


def media_type(path: Path | str) -> str:
    """The media type of a project file, from its suffix."""
    return MEDIA_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def original_files(pub: Publication) -> dict[str, Path]:
    """Project-relative POSIX path -> file, for every source, local image and the
    cover, sorted by path."""
    found: dict[str, Path] = {}
    candidates = [a.source for a in pub.articles if a.source is not None]
    candidates += [i.local for a in pub.articles for i in images(a.blocks) if i.local is not None]
    if pub.meta.cover is not None:
        candidates.append(pub.meta.cover)
    root = pub.root.resolve()
    for path in candidates:
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue  # the readers never keep files outside the project
        found.setdefault(rel, path)
    return dict(sorted(found.items()))
