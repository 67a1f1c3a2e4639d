"""A `data download` process killed (SIGKILL) mid-download, then run again: the second run
asks only for what the first did not store, and the store equals the source bars."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tests.integration.ccxt.fake_binance import FakeBinance, Fault
from tests.integration.data.binance_klines import SOURCE, download_argv

from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.series_name import parse_series_name
from tradekernel.adapters.data.store_reader import check_stored_series, load_stored_bars
from tradekernel.bootstrap.cli import main

KLINES = "/api/v3/klines"
WAIT_S = 30


def test_a_killed_download_process_resumes_and_equals_the_source(
    eth_btc_venue: FakeBinance, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "exchange.toml"
    config.write_text(f'[ccxt]\napi_base_url = "{eth_btc_venue.base_url}"\ntimeout_ms = 5000\n')
    store = tmp_path / "store"
    # Each candle answer is slowed, so the kill lands mid-download.
    eth_btc_venue.script(
        *[Fault(kind="delay_after_accept", method="GET", path=KLINES, delay_s=0.5)] * 5
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tradekernel.bootstrap.cli", *download_argv(config, store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT_S
    while len(eth_btc_venue.calls("GET", KLINES)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT_S)
    first = len(eth_btc_venue.calls("GET", KLINES))
    assert 3 <= first < 5, "the kill must land mid-download"
    key = parse_series_name("binance:ETH/BTC:1h")
    kept = ParquetBarStore(store).manifest(key)
    assert kept.bars < 499
    assert main(download_argv(config, store)) == 0
    resumed = len(eth_btc_venue.calls("GET", KLINES)) - first
    assert resumed == 5 - kept.bars // 100  # only the pages the killed run had not stored
    assert "stored 499 bars" in capsys.readouterr().out
    stored = load_stored_bars(ParquetBarStore(store), key, "ETH/BTC").series
    source = read_csv_bars(SOURCE, "ETH/BTC").series
    for name in ("ts_ms", "open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(stored, name), getattr(source, name)), name
    check_stored_series(ParquetBarStore(store), ParquetBarStore(store).manifest(key))
