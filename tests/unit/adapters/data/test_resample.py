"""Resampling equals an independent aggregation; partial buckets are dropped and counted."""

from pathlib import Path

import numpy as np
import pytest

from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.resample import resample

DATA = Path(__file__).resolve().parents[3] / "data"
HOUR = 3_600_000


def _aggregate_by_hand(path: Path, bucket_ms: int, ratio: int) -> list[tuple[float, ...]]:
    """Group the CSV rows by UTC bucket in plain Python; keep only full buckets."""
    groups: dict[int, list[list[float]]] = {}
    lines = path.read_text().splitlines()[1:]
    for line in lines:
        row = [float(x) for x in line.split(",")]
        groups.setdefault(int(row[0]) // bucket_ms * bucket_ms, []).append(row)
    out = []
    for start, rows in sorted(groups.items()):
        if len(rows) != ratio:
            continue
        volume = 0.0
        for row in rows:
            volume += row[5]
        out.append(
            (
                float(start),
                rows[0][1],
                max(r[2] for r in rows),
                min(r[3] for r in rows),
                rows[-1][4],
                volume,
            )
        )
    return out


@pytest.mark.parametrize(
    ("name", "source_ms", "target_ms"),
    [
        ("binance_ETH-BTC_1h.csv", HOUR, 4 * HOUR),
        ("binance_ETH-BTC_1h.csv", HOUR, 24 * HOUR),
        ("binance_ETH-BTC_2h.csv", 2 * HOUR, 8 * HOUR),
        ("bittrex_TRX-BTC_5m.csv", 300_000, HOUR),
    ],
)
def test_resampled_bars_equal_an_independent_aggregation(
    name: str, source_ms: int, target_ms: int
) -> None:
    path = DATA / name
    series = read_csv_bars(path, "X/Y").series
    coarse, report = resample(series, source_ms, target_ms)
    expected = _aggregate_by_hand(path, target_ms, target_ms // source_ms)
    got = list(
        zip(
            coarse.ts_ms.astype(float).tolist(),
            coarse.open.tolist(),
            coarse.high.tolist(),
            coarse.low.tolist(),
            coarse.close.tolist(),
            coarse.volume.tolist(),
            strict=True,
        )
    )
    assert got == expected  # exact, volume included
    assert report.buckets == len(expected)
    assert np.all(coarse.ts_ms % target_ms == 0)


def test_edge_and_gap_buckets_are_dropped_and_counted() -> None:
    # 2h bars, one missing on 2020-04-25 02:00: its 8h bucket is holed; both edges partial.
    series = read_csv_bars(DATA / "binance_ETH-BTC_2h.csv", "X/Y").series
    _, report = resample(series, 2 * HOUR, 8 * HOUR)
    assert (report.dropped_at_edges, report.dropped_in_gaps) == (2, 1)


def test_a_target_not_a_multiple_of_the_source_is_refused() -> None:
    series = read_csv_bars(DATA / "binance_ETH-BTC_2h.csv", "X/Y").series
    with pytest.raises(ValueError, match="cannot resample"):
        resample(series, 2 * HOUR, 3 * HOUR)
