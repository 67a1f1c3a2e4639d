"""Timestamp units and bar spacing checked against the blueprint's timeframe."""

from pathlib import Path

import pytest

from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.spacing import check_spacing
from tradekernel.domain.errors import DataError

HOUR_MS = 3_600_000


def _write(tmp_path: Path, timestamps: list[int], name: str = "bars.csv") -> Path:
    lines = ["timestamp_ms,open,high,low,close,volume"]
    lines += [f"{ts},10,11,9,10,1" for ts in timestamps]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _check(path: Path, timeframe: str = "1h", length: int = HOUR_MS) -> None:
    check_spacing(load_bars(path, "BTC/USD"), timeframe, length)


def test_small_synthetic_timestamps_one_timeframe_apart_are_accepted(tmp_path: Path) -> None:
    _check(_write(tmp_path, [0, HOUR_MS, 2 * HOUR_MS]))
    _check(_write(tmp_path, [1000, 2000, 3000]), "1s-test", 1000)


def test_gaps_of_whole_bars_are_accepted_and_one_bar_has_no_spacing(tmp_path: Path) -> None:
    _check(_write(tmp_path, [0, HOUR_MS, 4 * HOUR_MS, 5 * HOUR_MS]))
    _check(_write(tmp_path, [1_700_000_000_000]))


def test_seconds_are_named_as_seconds_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [1_700_000_000 + i * 3600 for i in range(5)])
    with pytest.raises(DataError) as caught:
        _check(path)
    assert caught.value.file == str(path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}:3: timestamps look like seconds: bars are 3600")


def test_four_hour_bars_under_a_one_hour_blueprint_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [1_700_000_000_000 + i * 4 * HOUR_MS for i in range(5)])
    with pytest.raises(DataError) as caught:
        _check(path)
    assert str(caught.value) == (
        f"{path}:3: bars are 4h apart, the blueprint's timeframe is 1h: resample the data, "
        "or set blueprint.timeframe to match it"
    )


def test_the_line_named_is_the_first_of_the_usual_spacing(tmp_path: Path) -> None:
    # Steps of 7 and 8 minutes first, then 15-minute bars: line 5 is the first 15 minutes on.
    start = 1_700_000_000_000
    path = _write(
        tmp_path, [start, start + 7 * 60_000, *(start + i * 900_000 for i in range(1, 6))]
    )
    with pytest.raises(DataError) as caught:
        _check(path)
    assert caught.value.line == 5
    assert "bars are 15m apart" in str(caught.value)


@pytest.mark.parametrize(("scale", "unit"), [(1_000, "microseconds"), (1_000_000, "nanoseconds")])
def test_microseconds_and_nanoseconds_are_refused_by_magnitude_when_read(
    tmp_path: Path, scale: int, unit: str
) -> None:
    path = _write(tmp_path, [(1_700_000_000_000 + i * HOUR_MS) * scale for i in range(3)])
    with pytest.raises(DataError) as caught:
        load_bars(path, "BTC/USD")
    assert caught.value.line == 2
    assert f"looks like {unit}" in str(caught.value)
