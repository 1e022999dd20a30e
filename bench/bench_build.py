"""Benchmark: `pubbuild build` cold (no cache) against warm (every article cached).

Prints medians of several runs of each, measured in the same run, and their ratio; then
what loading the cache costs per build, the JSON entries it uses against the pickles it used
before (issue 12), on the same articles in the same run:

    PYTHONPATH=src python bench/bench_build.py [MANIFEST] [--runs N] [--jobs N] [--cache-only]

Tests never time anything; this script is where the figures come from.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pubbuild.assemble.build import build_all
from pubbuild.assemble.cache import normalise_articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", nargs="?", type=Path, default=Path("pubbuild.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cache-only", action="store_true", help="only the cache load figures")
    args = parser.parse_args()
    logging.getLogger("pubbuild").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(args.manifest.resolve().parent, project,
                        ignore=shutil.ignore_patterns("build", ".git", ".venv", "tests", "src"))
        manifest = project / args.manifest.name
        from pubbuild.assemble.publication import load_manifest

        loaded = load_manifest(manifest)
        if args.cache_only:
            normalise_articles(loaded, args.jobs, cache=True)
            cache_load(project, loaded, args.runs)
            return
        figures: dict[str, list[float]] = {"normalise cold": [], "normalise warm": [],
                                           "build cold": [], "build warm": []}
        for _ in range(args.runs):
            shutil.rmtree(project / "build", ignore_errors=True)
            t = time.perf_counter()
            normalise_articles(loaded, args.jobs, cache=True)
            figures["normalise cold"].append(time.perf_counter() - t)
            t = time.perf_counter()
            normalise_articles(loaded, args.jobs, cache=True)
            figures["normalise warm"].append(time.perf_counter() - t)
            shutil.rmtree(project / "build", ignore_errors=True)
            t = time.perf_counter()
            build_all(manifest, jobs=args.jobs)
            figures["build cold"].append(time.perf_counter() - t)
            t = time.perf_counter()
            result = build_all(manifest, jobs=args.jobs)
            figures["build warm"].append(time.perf_counter() - t)
            assert not result.stats.normalised
        medians = {k: statistics.median(v) for k, v in figures.items()}
        for name, value in medians.items():
            print(f"{name:16} median {value * 1000:8.1f} ms over {args.runs} runs")
        print(f"normalisation: warm/cold = {medians['normalise warm'] / medians['normalise cold']:.3f}")
        print(f"whole build:   warm/cold = {medians['build warm'] / medians['build cold']:.3f}")
        cache_load(project, loaded, args.runs)


def cache_load(project: Path, loaded, runs: int) -> None:
    """Median time to load every cache entry once, as a warm build does: the JSON entries
    (read, parse, check, decode) against the pickle entries the cache used before (read,
    unpickle, check the dependencies), of the same articles."""
    import pickle

    from pubbuild.assemble.cache import ArticleCache, _dependencies

    store = ArticleCache(project)
    keys = [store.key(s.source, project, s.overrides) for s in loaded.articles]
    articles = [store.get(k) for k in keys]
    assert all(a is not None for a in articles)
    pickles = project / "build" / ".cache" / "pickles"
    pickles.mkdir()
    for k, a in zip(keys, articles):  # as pubbuild 0.1 wrote them
        (pickles / f"{k}.pickle").write_bytes(pickle.dumps((1, _dependencies(a), a),
                                                           protocol=pickle.HIGHEST_PROTOCOL))

    def old_get(key: str):
        with (pickles / f"{key}.pickle").open("rb") as fh:
            fmt, deps, article = pickle.load(fh)
        assert fmt == 1 and all(Path(p).is_file() == exists for p, exists in deps)
        return article

    figures: dict[str, list[float]] = {"json": [], "pickle": []}
    for _ in range(max(runs, 20)):
        for name, get in (("json", store.get), ("pickle", old_get)):
            t = time.perf_counter()
            for k in keys:
                get(k)
            figures[name].append(time.perf_counter() - t)
    json_ms, pickle_ms = (statistics.median(figures[k]) * 1000 for k in ("json", "pickle"))
    sizes = {name: sum(f.stat().st_size for f in folder.glob(pattern)) for name, folder, pattern in
             (("json", store.dir, "*.json"), ("pickle", pickles, "*.pickle"))}
    print(f"cache load ({len(keys)} entries): json {json_ms:.2f} ms ({sizes['json']} bytes), "
          f"pickle {pickle_ms:.2f} ms ({sizes['pickle']} bytes), json/pickle = {json_ms / pickle_ms:.2f}")


if __name__ == "__main__":
    main()
