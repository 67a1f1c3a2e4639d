"""A replayed paper run's columns, computed once, equal the per-cycle computation."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.orchestration.kernel.kernel_fixtures import rich_kernel

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.orchestration.paper.bar_source import ReplaySource
from tradekernel.orchestration.paper.known_features import KnownFeatures
from tradekernel.shared.bars import BarSeries

KERNEL = rich_kernel()
FILE = load_bars(bundled_path("coinbase_BTC-USD_1h.csv"), "BTC/USD").series
SERIES = FILE.head(1500)
KNOWN = KnownFeatures(KERNEL, ReplaySource({"BTC/USD": SERIES}))


def _prepared(history: BarSeries) -> BarSeries:
    return KERNEL.prepare({"BTC/USD": history}).series["BTC/USD"]


def _same_columns(got: BarSeries, want: BarSeries) -> None:
    assert sorted(got.features) == sorted(want.features)
    for name, column in want.features.items():
        np.testing.assert_array_equal(got.features[name], column, err_msg=name)


@settings(max_examples=40, deadline=None)
@given(count=st.integers(min_value=1, max_value=1500))
def test_the_cut_full_columns_equal_the_columns_of_the_history(count: int) -> None:
    history = SERIES.head(count)
    _same_columns(KNOWN.of("BTC/USD", history), _prepared(history))


def test_a_history_that_is_not_the_recorded_one_is_computed_on_its_own() -> None:
    shifted = BarSeries(
        symbol="BTC/USD",
        ts_ms=SERIES.ts_ms[:200],
        open=SERIES.open[:200],
        high=SERIES.high[:200] * 2,
        low=SERIES.low[:200] * 2,
        close=SERIES.close[:200] * 2,
        volume=SERIES.volume[:200],
    )
    _same_columns(KNOWN.of("BTC/USD", shifted), _prepared(shifted))
    assert not np.array_equal(
        KNOWN.of("BTC/USD", shifted).features["sma_fast"][-1:],
        KNOWN.of("BTC/USD", SERIES.head(200)).features["sma_fast"][-1:],
    )


def test_a_source_that_does_not_know_its_bars_computes_every_cycle() -> None:
    unknown = KnownFeatures(KERNEL, object())
    history = SERIES.head(300)
    _same_columns(unknown.of("BTC/USD", history), _prepared(history))


def test_a_history_longer_than_the_recorded_series_is_computed_on_its_own() -> None:
    longer = FILE.head(1600)
    assert len(longer) > len(SERIES)
    _same_columns(KNOWN.of("BTC/USD", longer), _prepared(longer))


def test_the_recorded_series_is_prepared_once_for_the_kernel() -> None:
    assert KNOWN.market.prepared_by(KERNEL)
    held = KNOWN.market.histories["BTC/USD"]
    assert held.holds(699, SERIES.ts_ms.item(699), SERIES.close.item(699))
