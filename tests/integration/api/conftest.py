"""A real run store for the API and dashboard tests: a small backtest and a paper run.

Both are made once per session by the CLI: the ATR breakout example on the bundled 499
real 4-hour BTC/USDT bars (it trades there: 32 round trips);
a test that changes the store (a halt) works on its own copy.
"""

import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.integration.backtest.backtest_blueprints import REPO_ROOT

from tradekernel.adapters.api.app import build_app
from tradekernel.adapters.api.auth import ApiTokens
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.operator_console import StoreConsole

BREAKOUT = REPO_ROOT / "examples" / "breakout_atr.toml"
BARS = REPO_ROOT / "src" / "tradekernel" / "data" / "binance_BTC-USDT_4h.csv"
CONTROL_TOKEN = "control-secret-token"
READ_TOKEN = "read-only-token"
BACKTEST_RUN = "bt-small"
PAPER_RUN = "paper-small"


@pytest.fixture(scope="session")
def recorded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "runs.db"
    common = ["--config", str(BREAKOUT), "--db", str(db), "--quiet"]
    backtest = ["backtest", *common, "--data", str(BARS), "--run-id", BACKTEST_RUN]
    assert main(backtest) == 0
    assert main(["paper", *common, "--replay", str(BARS), "--run-id", PAPER_RUN]) == 0
    return db


@pytest.fixture
def store_copy(recorded_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "runs.db"
    shutil.copyfile(recorded_db, copy)
    return copy


@pytest.fixture
def tokens() -> ApiTokens:
    return ApiTokens(control=CONTROL_TOKEN, read=READ_TOKEN)


def app_over(db: Path, tokens: ApiTokens) -> FastAPI:
    """Return the application over `db`, as `tradekernel serve` composes it."""
    return build_app(StoreConsole(db), tokens)
