"""Benchmark: `pubbuild build` cold (no cache) against warm (every article cached).

Prints medians of several runs of each, measured in the same run, and their ratio:

    PYTHONPATH=src python bench/bench_build.py [MANIFEST] [--runs N] [--jobs N]

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

from pubbuild.pack import build_all, normalise_articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", nargs="?", type=Path, default=Path("pubbuild.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    logging.getLogger("pubbuild").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(args.manifest.resolve().parent, project,
                        ignore=shutil.ignore_patterns("build", ".git", ".venv", "tests", "src"))
        manifest = project / args.manifest.name
        from pubbuild.build import load_manifest

        loaded = load_manifest(manifest)
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


if __name__ == "__main__":
    main()
