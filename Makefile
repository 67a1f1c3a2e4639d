# tradekernel developer commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `run` needs only the runtime dependencies, `test` the dev extra on top. The
# dev install touches both (it contains the runtime one), so `make test` then `make run`
# installs nothing more, and `make run` then `make test` adds the dev tools.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck contracts cycles pytest browser bytecode bench bench-peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The bundled backtest reads CSV: no `parquet` extra is needed; `report` draws the
# interactive report.html (Plotly, ~70 MB installed; without it the page is plain).
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[report]'
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set (as on our
# machines) Python then compiles all ~420 modules again at every start: ~0.35 s of CPU
# on each run. Writing the bytecode as a wheel install does costs ~0.1 s when it is up to
# date; an edited module is still read from its source (the .pyc's mtime check).
bytecode: $(RUN_STAMP)
	$(BIN)/python -m compileall -q src/tradekernel

## run: install the runtime dependencies (and the report extra) and run the main job, a backtest on the bundled real data
run: $(RUN_STAMP) bytecode
	$(BIN)/tradekernel backtest

## test: install the dev extra and run every gate: ruff, mypy --strict, contracts, cycles, pytest
test: lint typecheck contracts cycles pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports --config contracts/importlinter.toml

cycles: $(DEV_STAMP)
	$(BIN)/python -m tools.cycles src/tradekernel

pytest: $(DEV_STAMP) browser
	$(BIN)/python -m pytest

# The dashboard's browser tests drive Debian's chromium (never a downloaded browser). Where
# it is missing and we are root (CI is), install it; otherwise say why the tests will skip.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing chromium for the dashboard's browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "$(CHROMIUM) missing and not root: the browser tests will be skipped"; \
		fi; \
	fi

## bench: side-by-side benchmarks, reported as ratios (not part of make test)
bench: $(DEV_STAMP) bytecode
	$(BIN)/python -m benchmarks.run

# The peers live in their own environment so their numeric stack never meets ours.
BENCH_VENV := .bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): benchmarks/peers/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/peers/requirements.txt
	touch $(BENCH_STAMP)

## bench-peers: tradekernel, vectorbt and backtesting.py on the same 1M bars, side by side (not part of make test)
# `make bench-peers GRID=1` adds the 100-point SMA period grid, ours against backtesting.py's
# Backtest.optimize: ~100 backtests a side on the 1M bars, it takes long (see docs/backtesting.md).
bench-peers: $(RUN_STAMP) $(BENCH_STAMP) bytecode
	$(BIN)/python -m benchmarks.peers.run $(if $(GRID),--grid)

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist src/*.egg-info
	find src -name __pycache__ -type d -prune -exec rm -rf {} +
