"""Parquet reader (same checks, row numbers) and the bundled real datasets."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tradekernel.adapters.data.bundled import (
    DEFAULT_DATASET,
    bundled_names,
    bundled_path,
)
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.parquet_reader import read_parquet_bars
from tradekernel.domain.errors import DataError

ETH_BTC_2H = Path(__file__).resolve().parents[3] / "data" / "binance_ETH-BTC_2h.csv"


def to_parquet(path: Path, columns: dict[str, list[float] | list[int]]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def test_parquet_round_trip_equals_the_csv_it_came_from(tmp_path: Path) -> None:
    from_csv = read_csv_bars(ETH_BTC_2H, "ETH/BTC").series
    path = to_parquet(
        tmp_path / "eth.parquet",
        {
            "timestamp_ms": from_csv.ts_ms.tolist(),
            "open": from_csv.open.tolist(),
            "high": from_csv.high.tolist(),
            "low": from_csv.low.tolist(),
            "close": from_csv.close.tolist(),
            "volume": from_csv.volume.tolist(),
        },
    )
    loaded = load_bars(path, "ETH/BTC")
    for name in ("ts_ms", "open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(loaded.series, name), getattr(from_csv, name)), name
    assert loaded.series.ts_ms.dtype == np.int64
    assert loaded.report.missing_bars == 1
    assert len(loaded.fingerprint) == 64


def test_parquet_bad_value_names_the_row(tmp_path: Path) -> None:
    path = to_parquet(
        tmp_path / "bad.parquet",
        {
            "timestamp_ms": [1, 2, 3],
            "open": [1.0, 1.0, 1.0],
            "high": [2.0, 2.0, 0.5],
            "low": [0.5, 0.5, 0.4],
            "close": [1.0, 1.0, 0.45],
            "volume": [1.0, 1.0, 1.0],
        },
    )
    with pytest.raises(DataError, match=r"row 3: high 0\.5 is below max\(open, close\)") as info:
        read_parquet_bars(path, "X")
    assert (info.value.file, info.value.line) == (str(path), 3)


def test_parquet_null_and_missing_column_are_reported(tmp_path: Path) -> None:
    nulls = tmp_path / "nulls.parquet"
    pq.write_table(
        pa.table(
            {
                "timestamp_ms": [1, 2],
                "open": [1.0, None],
                "high": [1.0, 1.0],
                "low": [1.0, 1.0],
                "close": [1.0, 1.0],
                "volume": [1.0, 1.0],
            }
        ),
        nulls,
    )
    with pytest.raises(DataError, match="row 2: open is null") as info:
        read_parquet_bars(nulls, "X")
    assert info.value.line == 2
    missing = to_parquet(tmp_path / "missing.parquet", {"timestamp_ms": [1], "open": [1.0]})
    with pytest.raises(DataError, match=r"missing column.*high, low, close, volume"):
        read_parquet_bars(missing, "X")


def test_corrupt_parquet_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_parquet_bars(path, "X")


def test_bundled_default_is_the_long_contiguous_coinbase_series() -> None:
    assert DEFAULT_DATASET == "coinbase_BTC-USD_1h.csv"
    assert bundled_names() == (
        "binance_BTC-USDT_4h.csv",
        "binance_XRP-USDT-PERP_1h.csv",
        "binance_XRP-USDT-PERP_1h_mark.csv",
        "binance_XRP-USDT-PERP_funding_8h.csv",
        "coinbase_BTC-USD_1h.csv",
    )
    loaded = load_bars(bundled_path(), "BTC/USD")
    report = loaded.report
    assert report.rows == 20111
    assert report.interval_ms == 3_600_000
    assert report.is_contiguous
    assert loaded.fingerprint == (
        "818af22694445bbff5718f682e4028d24f5d4e7f7b834f83ece563d52ebe1f7f"
    )
    assert int(np.count_nonzero(loaded.series.volume == 0)) == 28


def test_bundled_binance_4h_has_499_bars() -> None:
    loaded = load_bars(bundled_path("binance_BTC-USDT_4h.csv"), "BTC/USDT")
    assert (loaded.report.rows, loaded.report.interval_ms) == (499, 4 * 3_600_000)
    assert loaded.fingerprint == (
        "e0e4d6c8166c1965784c9c640115acb67f0610ed43c262172f3660dee2b66921"
    )


def test_unknown_bundled_name_lists_what_exists() -> None:
    with pytest.raises(DataError, match=r"no bundled dataset 'nope\.csv'; available: binance"):
        bundled_path("nope.csv")
