"""The build, under one name: :func:`build` writes one format (``pubbuild epub``, ``pubbuild pdf``),
:func:`build_all` every format in one run (``pubbuild build``, the preview, the batch tasks).

Recipe: load the manifest -> normalise the articles (:func:`build_all`: from the article cache
when unchanged, the rest in parallel, :mod:`.cache`) -> assemble the publication
(:mod:`.publication`) -> refuse to replace an input -> render every backend over the same
publication (:func:`pubbuild.pipeline.render`, paginated backends first, their page map handed on).
Each output is written to a temporary file beside the target and renamed into place only when its
backend succeeded, so a failed build never leaves a partial or stale file under the final name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import backends, pipeline
from ..model import Publication
from ..pipeline import output_path
from ..progress import NULL_PROGRESS, Progress
from .cache import CacheStats, normalise_articles
from .publication import assemble, input_files, load_manifest, load_project, refuse_replacing_inputs


@dataclass(slots=True)
class BuildResult:
    """The outcome of :func:`build_all`."""

    outputs: dict[str, Path]
    """Backend name -> file written."""
    publication: Publication
    """The publication every backend rendered."""
    diagnostics: list
    """Article and backend diagnostics."""
    stats: CacheStats
    """Cache hits and misses of the normalisation stage."""
    page_map: list | None = None
    """Where each page of the paginated edition begins, as handed to the other backends."""


def build(fmt: str, target: Path | None = None, output: Path | None = None,
          options: backends.BuildOptions | None = None,
          progress: Progress = NULL_PROGRESS) -> tuple[Path, Publication, list]:
    """Build one format; return the output path, the publication and the diagnostics."""
    backend_cls = backends.get(fmt)
    manifest, pub = load_project(target)
    path = output_path(pub, backend_cls, output)
    refuse_replacing_inputs([path], input_files(pub, manifest.path))
    diags = [d for a in pub.articles for d in a.diagnostics]
    pipeline.render(pub, [fmt], options, lambda cls: path, diags=diags, record=False,
                    progress=progress)
    return path, pub, diags


def build_all(target: Path | None = None, out_dir: Path | None = None,
              options: backends.BuildOptions | None = None, jobs: int | None = None,
              formats: list[str] | None = None, cache: bool = True,
              progress: Progress = NULL_PROGRESS,
              on_publication: Callable[[Publication], None] | None = None) -> BuildResult:
    """Build every format (or ``formats``) of the publication at ``target``."""
    manifest = load_manifest(target)
    articles, stats = normalise_articles(manifest, jobs, cache, progress)
    pub = assemble(manifest, articles)
    if on_publication is not None:
        on_publication(pub)
    diags = [d for a in pub.articles for d in a.diagnostics]

    def where(cls: type[backends.Backend]) -> Path:
        return pipeline.output_path(pub, cls, None if out_dir is None else out_dir / f"{pub.slug}{cls.suffix}")

    refuse_replacing_inputs([where(cls) for cls in pipeline.ordered(formats)],
                            input_files(pub, manifest.path))
    done = pipeline.render(pub, formats, options, where, diags=diags, progress=progress)
    page_map = next((r.backend.page_map for r in done if r.backend and r.backend.page_map), None)
    return BuildResult({r.name: r.path for r in done}, pub, diags, stats, page_map)
