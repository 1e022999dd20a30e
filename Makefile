# pubbuild developer commands.  `make sample` and `make test` each install what they
# need from nothing (a virtual environment in .venv, system libraries via apt when root).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: sample test ace clean

$(BIN)/.installed: pyproject.toml
	bash tools/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## sample: build the sample publication into build/ (EPUB and PDF)
sample: $(BIN)/.installed
	$(BIN)/pubbuild build pubbuild.yaml

## test: run the test suite (EPUBCheck runs on every EPUB the tests build)
test: $(BIN)/.installed
	$(BIN)/python -m pytest

## ace: check the sample EPUB and the every-script test pack with Ace by DAISY (installs Ace and
## chromium when missing)
ace: sample
	$(BIN)/pubbuild -q epub tests/roots/scripts-pack/pubbuild.yaml -o build/scripts-pack.epub
	bash tools/ace.sh build/*.epub

clean:
	rm -rf build .cache/ace
