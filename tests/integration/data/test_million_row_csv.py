"""A 1,000,000-row CSV loads (vectorised path) and a bad line deep inside is still located."""

from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.domain.errors import DataError

ROWS = 1_000_000


def generated_csv(path: Path, rows: int, *, bad_row: int | None = None) -> Path:
    rng = np.random.default_rng(7)
    ts = 1_600_000_000_000 + np.arange(rows, dtype=np.int64) * 60_000
    close = 1000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, rows)))
    open_ = np.concatenate(([1000.0], close[:-1]))
    high = np.maximum(open_, close) * 1.001
    low = np.minimum(open_, close) * 0.999
    volume = rng.random(rows) * 10
    table = np.column_stack((open_, high, low, close, volume))
    lines = [
        f"{t},{o:.2f},{h:.2f},{lo:.2f},{c:.2f},{v:.4f}"
        for t, (o, h, lo, c, v) in zip(ts.tolist(), table.tolist(), strict=True)
    ]
    if bad_row is not None:
        lines[bad_row] = f"{ts[bad_row]},1,1,1,1,oops"
    path.write_text("timestamp_ms,open,high,low,close,volume\n" + "\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_one_million_rows_load_with_exact_first_and_last_bars(tmp_path: Path) -> None:
    loaded = read_csv_bars(generated_csv(tmp_path / "big.csv", ROWS), "SYN/USD")
    assert len(loaded.series) == ROWS
    assert loaded.report.rows == ROWS
    assert loaded.report.interval_ms == 60_000
    assert loaded.report.is_contiguous
    assert int(loaded.series.ts_ms[-1]) == 1_600_000_000_000 + (ROWS - 1) * 60_000
    first, last = (tmp_path / "big.csv").read_text().splitlines()[1 :: ROWS - 1]
    assert loaded.series.close[0] == float(first.split(",")[4])
    assert loaded.series.volume[-1] == float(last.split(",")[5])


@pytest.mark.slow
def test_bad_value_deep_in_a_million_rows_names_its_line(tmp_path: Path) -> None:
    path = generated_csv(tmp_path / "bad.csv", ROWS, bad_row=876_543)
    with pytest.raises(DataError, match="volume is not a number: 'oops'") as info:
        read_csv_bars(path, "SYN/USD")
    assert info.value.line == 876_543 + 2
