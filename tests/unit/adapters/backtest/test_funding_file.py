"""Funding files: real Binance stamps floor to the funding time; bad files are refused."""

from decimal import Decimal
from pathlib import Path

import pytest
from tests.unit.adapters.backtest.perp_data import FUNDING_FILE

from tradekernel.adapters.backtest.funding import FundingSchedule, read_funding_csv

EIGHT_HOURS = 8 * 3_600_000


def test_the_bundled_binance_rates_land_on_funding_times() -> None:
    rates = read_funding_csv(FUNDING_FILE, EIGHT_HOURS)
    assert len(rates) == 91
    assert all(stamp % EIGHT_HOURS == 0 for stamp in rates)
    assert rates[1637193600000] == Decimal("0.0001")


def test_a_symbol_without_a_series_uses_the_constant() -> None:
    schedule = FundingSchedule(rates={"A": {0: Decimal(1)}}, constant=Decimal(2))
    assert schedule.rate("A", 0) == 1
    assert schedule.rate("A", EIGHT_HOURS) is None
    assert schedule.rate("B", EIGHT_HOURS) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ts,rate\n0,0.1\n", "header"),
        ("timestamp_ms,funding_rate\nx,0.1\n", "unreadable"),
        ("timestamp_ms,funding_rate\n0,NaN\n", "finite"),
        ("timestamp_ms,funding_rate\n1,0.1\n2,0.1\n", "second rate"),
    ],
)
def test_bad_funding_files_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "funding.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        read_funding_csv(path, EIGHT_HOURS)
