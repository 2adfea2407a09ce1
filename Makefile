# Two set-up commands for a newcomer: `make site` and `make test`.
# Each creates .venv on first use and reinstalls only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: site test serve bench clean compat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

site: $(STAMP)
	$(BIN)/layerpress build --source content --dest site

serve: $(STAMP)
	$(BIN)/layerpress serve --source content

test: $(DEV_STAMP)
	$(BIN)/python -m pytest

# Compare with Debian's Jekyll: `make compat BLOGS="path/to/blog other/blog"` (default: the fixtures).
BLOGS ?= tests/compat/fixture_blog tests/compat/fixture_kramdown
compat: $(STAMP)
	$(BIN)/python tools/compat.py --verbose $(BLOGS)

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf site content/.layerpress-cache
