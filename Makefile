# pubbuild developer commands.  `make sample` and `make test` each install what they
# need from nothing (a virtual environment in .venv, system libraries via apt when root).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: sample test test-fast typecheck ace clean

$(BIN)/.installed: pyproject.toml
	bash tools/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## sample: build the sample publication into build/ (EPUB and PDF)
sample: $(BIN)/.installed
	$(BIN)/pubbuild build pubbuild.yaml

# Two test processes (pytest-xdist), each with one EPUBCheck JVM; a module's tests stay together
# (--dist loadfile) so that its module-scoped builds are made once.  PYTEST_JOBS=0 runs in-process.
PYTEST_JOBS ?= 2
PYTEST_XDIST := $(if $(filter 0,$(PYTEST_JOBS)),,-n $(PYTEST_JOBS) --dist loadfile)

## test: type-check, then run the whole test suite (EPUBCheck runs on every EPUB the tests build)
test: typecheck
	$(BIN)/python -m pytest $(PYTEST_XDIST); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; exit $$status

## test-fast: the tests not marked slow (no PDF layout of whole packs, no servers or browsers)
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_XDIST) -m "not slow"

## typecheck: mypy over src/ (strict where pyproject.toml's [tool.mypy] says so)
typecheck: $(BIN)/.installed
	$(BIN)/python -m mypy

## ace: check the sample EPUB and the every-script test pack with Ace by DAISY (installs Ace and
## chromium when missing)
ace: sample
	$(BIN)/pubbuild -q epub tests/roots/scripts-pack/pubbuild.yaml -o build/scripts-pack.epub
	bash tools/ace.sh build/*.epub

clean:
	rm -rf build .cache/ace
