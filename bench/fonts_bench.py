"""Benchmark: the PDF of a publication built by two pubbuild source trees (before and after a
change to the fonts), runs interleaved, medians and their ratio measured in the same run.

    python bench/fonts_bench.py --before OLD/src --after src [MANIFEST] [--runs N]

Each run is a fresh process (``python -m pubbuild -q pdf``), as a user's build is, with the
project copied to a temporary folder so that no normalisation cache carries over.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(tree: Path, manifest: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(manifest.parent, project,
                        ignore=shutil.ignore_patterns("build", ".git", ".venv", "tests", "src", "bench"))
        env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pubbuild", "-q", "pdf", str(project / manifest.name),
                        "-o", str(Path(tmp) / "out.pdf")], env=env, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", nargs="?", type=Path, default=Path("pubbuild.yaml"))
    parser.add_argument("--before", type=Path, required=True, help="src folder of the old tree")
    parser.add_argument("--after", type=Path, required=True, help="src folder of the new tree")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    manifest = args.manifest.resolve()
    times: dict[str, list[float]] = {"before": [], "after": []}
    ratios = []
    for _ in range(args.runs):
        b = one(args.before, manifest)
        a = one(args.after, manifest)
        times["before"].append(b)
        times["after"].append(a)
        ratios.append(a / b)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")
    print(f"after/before: median ratio {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
