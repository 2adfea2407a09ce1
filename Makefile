# Two set-up commands for a newcomer: `make site` and `make test`.
# Each creates .venv on first use and reinstalls only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: site test lint serve bench clean compat ort reference

# ONNX Runtime Web for the explorer's "your own image" (layerpress.explorer.reader_images):
# the ES module and its one WebAssembly file, taken from the npm package into the theme
# (templates/ort/, not in git: the .wasm is 14 MB). See docs/explorer.md.
ORT_VERSION := 1.30.0
ORT_DIR := templates/ort
ORT_STAMP := $(ORT_DIR)/.onnxruntime-web-$(ORT_VERSION)

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

# Lint, type-check and check the layers first (settings in pyproject.toml); any finding fails the target.
lint: $(DEV_STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint $(DEV_STAMP) $(ORT_STAMP)
	$(BIN)/python -m pytest

# Compare with Debian's Jekyll: `make compat BLOGS="path/to/blog other/blog"` (default: the fixtures).
BLOGS ?= tests/compat/fixture_blog tests/compat/fixture_kramdown tests/compat/fixture_minima tests/compat/fixture_datamodel \
         tests/compat/fixture_paginate tests/compat/fixture_theme_sample
compat: $(STAMP)
	$(BIN)/python tools/compat.py --verbose $(BLOGS)

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf site content/.layerpress-cache

ort: $(ORT_STAMP)

$(ORT_STAMP):
	rm -rf $(ORT_DIR) $(ORT_DIR).tmp && mkdir -p $(ORT_DIR).tmp
	cd $(ORT_DIR).tmp && npm pack --silent onnxruntime-web@$(ORT_VERSION) >/dev/null \
	  && tar xzf onnxruntime-web-$(ORT_VERSION).tgz package/dist/ort.wasm.bundle.min.mjs package/dist/ort-wasm-simd-threaded.wasm
	mkdir -p $(ORT_DIR) && mv $(ORT_DIR).tmp/package/dist/* $(ORT_DIR)/ && rm -rf $(ORT_DIR).tmp
	printf 'onnxruntime-web $(ORT_VERSION) from npm (https://www.npmjs.com/package/onnxruntime-web),\nCopyright (c) Microsoft Corporation, MIT License (https://github.com/microsoft/onnxruntime/blob/main/LICENSE).\n' > $(ORT_DIR)/NOTICE
	touch $@

# The figure kinds' reference page, generated from their KEYS (a test checks it is up to date).
reference: $(STAMP)
	$(BIN)/python -m generator.figures.reference > docs/reference/figures.md
	$(BIN)/python -m generator.config_reference > docs/reference/config.md
	$(BIN)/python -m generator.models.reference > docs/reference/models.md
