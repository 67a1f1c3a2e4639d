# tradekernel developer commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck contracts cycles pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install and run the main job, a backtest on the bundled real data
run: $(STAMP)
	$(BIN)/tradekernel backtest

## test: install the dev extra and run every gate: ruff, mypy --strict, contracts, cycles, pytest
test: lint typecheck contracts cycles pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports --config contracts/importlinter.toml

cycles: $(STAMP)
	$(BIN)/python -m tools.cycles src/tradekernel

pytest: $(STAMP)
	$(BIN)/python -m pytest

## bench: side-by-side benchmarks, reported as ratios (not part of make test)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build dist src/*.egg-info
