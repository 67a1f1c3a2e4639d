"""The side-by-side benchmark's own parts: the generated bars and the trade comparison."""

from pathlib import Path

import numpy as np
from benchmarks.generated_bars import write_bars_csv
from benchmarks.peers.run import Measured, format_table

from tradekernel.adapters.data.loader import load_bars


def test_one_seed_writes_one_file_and_another_seed_another(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"

    write_bars_csv(first, 500, 7)
    write_bars_csv(again, 500, 7)
    write_bars_csv(other, 500, 8)

    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_the_generated_bars_load_as_consistent_one_minute_bars(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    write_bars_csv(path, 1_000, 3)

    series = load_bars(path, "BTC/USD").series

    assert len(series.close) == 1_000
    assert set(np.diff(series.ts_ms).tolist()) == {60_000}
    assert bool(np.all(series.low <= np.minimum(series.open, series.close)))
    assert bool(np.all(series.high >= np.maximum(series.open, series.close)))


def _measured(name: str, trades: list[tuple[int, str, int, str]]) -> Measured:
    return Measured(name, 2.0, 100.0, 1.0, trades, "")


def test_the_table_names_the_first_trade_that_differs_from_ours() -> None:
    ours = _measured("ours", [(1, "10.00", 2, "11.00"), (3, "12.00", 4, "13.00")])
    same = _measured("same", list(ours.trades or []))
    moved = _measured("moved", [(1, "10.00", 2, "11.00"), (3, "12.01", 4, "13.00")])
    fewer = _measured("fewer", [(1, "10.00", 2, "11.00")])

    table = format_table([ours, same, moved, fewer], ours)

    assert "same" in table.splitlines()[3]
    assert "DIFFERENT from trade 2" in table.splitlines()[4]
    assert "DIFFERENT from trade 2" in table.splitlines()[5]
    assert "1.00x" in table.splitlines()[2]
