# Two entry points a fresh machine needs: `make demo` and `make test`.
# Each creates .venv on first use and installs what it needs into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast test-tui test-integration lint screenshots demo-snapshot bench clean falkordb

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(MAKE) --no-print-directory falkordb
	touch $@ $(VENV)/.runtime

# FalkorDB embedded runs the graph-export Cypher in the tests. falkordblite declares Python >= 3.12
# (the test extra installs it there) but builds and runs on 3.11 (a few minutes: it compiles redis
# and the FalkorDB module). Where it cannot be built, its tests skip and say so.
falkordb: | $(BIN)/python
	@$(BIN)/python -c 'import redislite.falkordb_client' 2>/dev/null \
	  || $(BIN)/python -m pip install -q --ignore-requires-python 'falkordblite>=0.11' \
	  || echo "falkordblite could not be built here: the FalkorDB graph-export tests will skip"

demo: $(VENV)/.runtime
	$(BIN)/lambdascope demo

# Test tiers: `test` is the whole suite (the command the README gives); `test-fast` the unit tier
# to run on every change; `test-tui` (Pilot, SVG snapshots) and `test-integration` (moto over HTTP)
# before you stop.
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 -q

test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 -q tests/unit

test-tui: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 -q tests/tui

test-integration: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 -q tests/integration

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

screenshots: $(VENV)/.dev
	$(BIN)/python screenshots/generate.py

demo-snapshot: $(VENV)/.dev
	$(BIN)/python -m estate.sources.demo_builder.build
	$(BIN)/python -m estate.sources.demo_builder.build --later

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
