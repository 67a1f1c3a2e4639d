"""The Parquet bar store: round trip, manifest of covered ranges and gaps, resume safety."""

from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.data import bar_store
from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.parquet_reader import read_parquet_bars
from tradekernel.adapters.data.series_name import (
    SeriesKey,
    looks_like_series_name,
    parse_series_name,
)
from tradekernel.adapters.data.store_reader import check_stored_series, load_stored_bars
from tradekernel.adapters.data.time_ranges import merge_ranges, subtract_ranges
from tradekernel.domain.errors import ConfigError, DataError

SOURCE = Path(__file__).resolve().parents[3] / "data" / "binance_ETH-BTC_2h.csv"
KEY = SeriesKey(exchange="binance", symbol="ETH/BTC", timeframe="2h")
STEP = 2 * 3_600_000


def _source_rows() -> tuple[list[int], list[list[float]]]:
    series = read_csv_bars(SOURCE, "ETH/BTC").series
    values = np.column_stack([series.open, series.high, series.low, series.close, series.volume])
    return series.ts_ms.tolist(), values.tolist()


def _fill(store: ParquetBarStore, ts: list[int], values: list[list[float]], page: int) -> None:
    for first in range(0, len(ts), page):
        chunk = slice(first, first + page)
        last = ts[chunk][-1]
        span = (ts[chunk][0], last + STEP)
        store.append(KEY, ts[chunk], values[chunk], span)


def test_stored_pages_read_back_equal_to_the_source_file(tmp_path: Path) -> None:
    ts, values = _source_rows()
    store = ParquetBarStore(tmp_path)
    _fill(store, ts, values, page=100)
    loaded = load_stored_bars(store, KEY, "ETH/BTC")
    source = read_csv_bars(SOURCE, "ETH/BTC").series
    for name in ("ts_ms", "open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(loaded.series, name), getattr(source, name)), name
    manifest = store.manifest(KEY)
    assert manifest.covered == ((ts[0], ts[-1] + STEP),)
    assert manifest.bars == 499
    # The source lacks the bar of 2020-04-25 02:00 UTC: the one known gap.
    assert manifest.gaps == ((1587780000000, 1587780000000 + STEP),)
    assert manifest.missing_bars == 1
    assert store.series_dir(KEY) == (
        tmp_path / "exchange=binance" / "market=spot" / "timeframe=2h" / "symbol=ETH-BTC"
    )


def test_compaction_folds_parts_and_keeps_bars_and_fingerprint(tmp_path: Path) -> None:
    ts, values = _source_rows()
    store = ParquetBarStore(tmp_path)
    _fill(store, ts, values, page=100)
    before = load_stored_bars(store, KEY, "ETH/BTC")
    assert len(list(store.series_dir(KEY).glob("*.parquet"))) == 5
    store.compact(KEY)
    (part,) = store.series_dir(KEY).glob("*.parquet")
    after = load_stored_bars(store, KEY, "ETH/BTC")
    assert after.fingerprint == before.fingerprint
    # A part is an ordinary Parquet bar file in the CSV columns.
    assert np.array_equal(read_parquet_bars(part, "ETH/BTC").series.close, before.series.close)
    assert check_stored_series(store, store.manifest(KEY)).report.rows == 499


def test_a_part_written_before_a_kill_is_read_once_when_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ts, values = _source_rows()
    store = ParquetBarStore(tmp_path)
    store.append(KEY, ts[:100], values[:100], (ts[0], ts[99] + STEP))

    def killed(path: Path, manifest: bar_store.SeriesManifest) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(bar_store, "_write_manifest", killed)
        with pytest.raises(KeyboardInterrupt):
            store.append(KEY, ts[100:200], values[100:200], (ts[100], ts[199] + STEP))
    assert store.manifest(KEY).covered == ((ts[0], ts[99] + STEP),)  # so it is fetched again
    store.append(KEY, ts[100:200], values[100:200], (ts[100], ts[199] + STEP))
    loaded = load_stored_bars(store, KEY, "ETH/BTC")
    assert loaded.series.ts_ms.tolist() == ts[:200]
    assert store.manifest(KEY).bars == 200
    check_stored_series(store, store.manifest(KEY))


def test_check_names_a_bad_bar_by_the_csv_readers_rule(tmp_path: Path) -> None:
    ts, values = _source_rows()
    values[7][1] = values[7][2] / 2  # high below low
    store = ParquetBarStore(tmp_path)
    _fill(store, ts, values, page=100)
    with pytest.raises(DataError, match=r"row 8: high .* is below low"):
        check_stored_series(store, store.manifest(KEY))


def test_reading_a_series_never_stored_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="tradekernel data download"):
        ParquetBarStore(tmp_path).read(KEY)


def test_bars_outside_their_range_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="outside the range"):
        ParquetBarStore(tmp_path).append(KEY, [STEP * 5], [[1.0, 1.0, 1.0, 1.0, 1.0]], (0, STEP))


def test_series_names_parse_with_the_market_type_from_the_symbol() -> None:
    spot = parse_series_name("Binance:btc/usdt:1m")
    assert (spot.exchange, spot.symbol, spot.timeframe, spot.market_type) == (
        "binance",
        "BTC/USDT",
        "1m",
        "spot",
    )
    swap = parse_series_name("binance:BTC/USDT:USDT:1h")
    assert (swap.symbol, swap.market_type, swap.name) == (
        "BTC/USDT:USDT",
        "swap",
        "binance:BTC/USDT:USDT:1h",
    )
    assert looks_like_series_name("binance:BTC/USDT:1m")
    assert not looks_like_series_name("bars.csv")
    with pytest.raises(ConfigError, match="unknown timeframe '7m'"):
        parse_series_name("binance:BTC/USDT:7m")


def test_ranges_merge_and_subtract() -> None:
    assert merge_ranges([(5, 7), (0, 2), (2, 3), (6, 9)]) == [(0, 3), (5, 9)]
    assert subtract_ranges((0, 10), [(2, 4), (6, 8)]) == [(0, 2), (4, 6), (8, 10)]
    assert subtract_ranges((0, 10), [(0, 10)]) == []
