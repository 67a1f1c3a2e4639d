"""`tradekernel data download | list | check` on the loopback venue, then the store read by
name from `backtest` and `check-lookahead`, at the data's timeframe and resampled."""

import re
from pathlib import Path

import pytest
from tests.integration.backtest.backtest_blueprints import SMA_CROSS
from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.data.binance_klines import SOURCE, download_argv

from tradekernel.bootstrap.cli import main

NAME = "binance:ETH/BTC:1h"


@pytest.fixture
def store(eth_btc_venue: FakeBinance, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store filled by `data download` (twice: the second run fetches nothing)."""
    config = tmp_path / "exchange.toml"
    config.write_text(
        f'[ccxt]\napi_base_url = "{eth_btc_venue.base_url}"\n'
        "enable_rate_limit = false\ntimeout_ms = 2000\n"
    )
    store = tmp_path / "store"
    # --end as epoch ms of 2020-05-17 18:00 UTC, just after the last bar.
    argv = download_argv(config, store, end="1589738400000")
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert f"{NAME}: 499 bars fetched in 5 request(s); stored 499 bars" in first
    assert "no gaps" in first
    assert main(argv) == 0
    assert f"{NAME}: 0 bars fetched in 0 request(s); stored 499 bars" in capsys.readouterr().out
    return store


def test_list_and_check_show_the_downloaded_series(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "list", "--store", str(store)]) == 0
    listed = capsys.readouterr().out
    assert f"{NAME}: 499 bars, covering 2020-04-26T23:00Z -> 2020-05-17T18:00Z" in listed
    assert main(["data", "check", "--store", str(store)]) == 0
    assert "checked 1 series" in capsys.readouterr().out


def test_a_corrupt_part_fails_the_check(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (part,) = store.rglob("*.parquet")
    part.write_bytes(b"not parquet")
    assert main(["data", "check", "--store", str(store)]) == 1
    assert "BAD" in capsys.readouterr().out


def _plan_hash(out: str) -> str:
    found = re.search(r"run plan hash (\w+)", out)
    assert found is not None, out
    return found.group(1)


def test_backtest_from_the_store_equals_the_backtest_from_the_source_file(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same run id (in two databases, so neither is renamed): it is otherwise derived
    # from the data's fingerprint, which hashes a file's bytes but a stored series' bars.
    same = ["--quiet", "--run-id", "same"]
    db = ["--db", str(tmp_path / "file.db"), *same]
    assert main(["backtest", "--config", str(SMA_CROSS), "--data", str(SOURCE), *db]) == 0
    from_file = capsys.readouterr().out
    named = f"BTC/USD={NAME}"
    db = ["--db", str(tmp_path / "store.db"), *same]
    assert (
        main(["backtest", "--config", str(SMA_CROSS), "--data", named, "--store", str(store), *db])
        == 0
    )
    from_store = capsys.readouterr().out
    assert _plan_hash(from_store) == _plan_hash(from_file)
    assert "499 bars from" in from_store
    assert (
        main(["check-lookahead", "--config", str(SMA_CROSS), "--data", NAME, "--store", str(store)])
        == 0
    )
    assert "clean" in capsys.readouterr().out


def test_a_coarser_blueprint_runs_on_resampled_bars_and_says_so(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blueprint = tmp_path / "sma_4h.toml"
    blueprint.write_text(SMA_CROSS.read_text().replace('timeframe = "1h"', 'timeframe = "4h"'))
    argv = ["backtest", "--config", str(blueprint), "--data", NAME, "--store", str(store)]
    db = ["--db", str(tmp_path / "runs.db")]
    assert main([*argv, *db, "--quiet"]) == 0
    out = capsys.readouterr().out
    # 499 hourly bars from 23:00: the first bucket (20:00-24:00) and the last are partial.
    assert "124 bars from" in out
    assert "resampled from 1h bars (2 incomplete bucket(s) dropped: 2 at the edges" in out
    # The run recorded the series directory: replay finds the bars and resamples them again.
    assert main(["replay", *db]) == 0
    assert "identical" in capsys.readouterr().out


def test_a_name_not_in_the_store_is_a_data_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["backtest", "--config", str(SMA_CROSS), "--data", "binance:XRP/BTC:1h"]
    code = main([*argv, "--store", str(tmp_path / "empty"), "--db", str(tmp_path / "r.db")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no bars stored for binance:XRP/BTC:1h" in err and "Traceback" not in err


def test_a_symbol_the_venue_does_not_list_is_refused_before_any_candle_request(
    eth_btc_venue: FakeBinance, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "exchange.toml"
    config.write_text(f'[ccxt]\napi_base_url = "{eth_btc_venue.base_url}"\n')
    argv = ["data", "download", "--exchange", "binance", "--symbols", "ETH/BTC,NOPE/BTC"]
    argv += ["--timeframe", "1h", "--start", "2020-05-01", "--store", str(tmp_path / "s")]
    assert main([*argv, "--exchange-config", str(config), "--quiet"]) == 2
    assert "no spot market NOPE/BTC on binance" in capsys.readouterr().err
    assert eth_btc_venue.calls("GET", "/api/v3/klines") == []
