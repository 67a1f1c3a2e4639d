"""The strategy kit: parameters checked, the user's column and rule wrapped as plugins."""

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.strategy_kit import (
    column_param as column,
)
from tradekernel.shared.strategy_kit import (
    indicator,
    param,
)
from tradekernel.shared.strategy_kit import (
    opportunity_rule as opportunity,
)
from tradekernel.shared.strategy_kit import (
    previous_bar as previous,
)


def _bars(close: list[float]) -> BarSeries:
    values = np.asarray(close, dtype=np.float64)
    return BarSeries(
        symbol="X/Y",
        ts_ms=np.arange(len(values), dtype=np.int64) * 60_000,
        open=values,
        high=values,
        low=values,
        close=values,
        volume=np.ones_like(values),
    )


@indicator(period=param(3, min=1, max=100), warmup="period")
def change(bars: BarSeries, period: int) -> FloatArray:
    """Close minus the close `period` bars before."""
    out = np.full(len(bars), np.nan)
    out[period:] = bars.close[period:] - bars.close[:-period]
    return out


@opportunity(value=column("change"), confidence=0.7, level=0.0)
def turn(value: FloatArray, level: float) -> Any:
    """Buy when the value rises through `level`, sell when it falls through it."""
    before = previous(value)
    return np.where((before <= level) & (value > level), 1.0, 0.0) - np.where(
        (before >= level) & (value < level), 1.0, 0.0
    )


def test_an_indicator_is_a_context_worker_spec_with_checked_parameters() -> None:
    assert change.kind is PluginKind.CONTEXT_WORKER
    assert change.name == "change"
    assert change.summary == "Close minus the close `period` bars before."
    params = change.params()
    assert (params.key, params.period) == ("change", 3)
    assert change.provides(change.params(key="delta")) == ("delta",)
    with pytest.raises(ValueError, match="period must be >= 1, got 0"):
        change.params(period=0)
    with pytest.raises(ValueError, match="period must be <= 100, got 101"):
        change.params(period=101)


def test_an_indicator_computes_the_users_column_with_its_warmup() -> None:
    worker: Any = change.factory(change.params(key="delta", period=2))
    assert (worker.name, worker.outputs, worker.warmup) == ("delta", ("delta",), 2)
    column_ = worker.compute(_bars([1.0, 2.0, 4.0, 7.0]))["delta"]
    np.testing.assert_array_equal(column_, [np.nan, np.nan, 3.0, 5.0])


def test_an_indicator_returning_the_wrong_length_is_refused() -> None:
    @indicator()
    def short(bars: BarSeries) -> FloatArray:
        return np.zeros(1)

    worker: Any = short.factory(short.params())
    with pytest.raises(ValueError, match=r"indicator short returned shape \(1,\), expected \(3,\)"):
        worker.compute(_bars([1.0, 2.0, 3.0]))


def test_a_warmup_naming_no_parameter_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="warmup names no parameter 'length'"):
        indicator(period=3, warmup="length")(lambda bars, period: bars.close)


def test_an_opportunity_spec_requires_its_columns_and_checks_confidence() -> None:
    assert turn.kind is PluginKind.OPPORTUNITY
    assert turn.requires(turn.params(value="delta")) == ("delta",)
    assert turn.params().confidence == 0.7
    with pytest.raises(ValueError, match=r"confidence must be <= 1\.0"):
        turn.params(confidence=1.5)


_ASSESSMENT = ContextAssessment(
    assessment_id="a", symbol="X/Y", ts_ms=0, strength=Decimal(0), weakness=Decimal(0)
)


def _snapshot(values: FloatArray, index: int) -> FeatureSnapshot:
    def present(i: int) -> dict[str, float]:
        return {} if i < 0 or np.isnan(values[i]) else {"change": float(values[i])}

    return FeatureSnapshot(
        symbol="X/Y",
        ts_ms=index * 60_000,
        close=1.0,
        current=present(index),
        previous=present(index - 1),
    )


@given(
    st.lists(
        st.one_of(st.just(float("nan")), st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0])),
        min_size=1,
        max_size=40,
    )
)
def test_the_candidate_mask_marks_exactly_the_bars_where_evaluate_signals(
    raw: list[float],
) -> None:
    values = np.asarray(raw, dtype=np.float64)
    worker: Any = turn.factory(turn.params())
    mask = worker.candidate_mask(_bars([1.0] * len(raw)), {"change": values})
    for index in range(len(raw)):
        signal = worker.evaluate(_snapshot(values, index), _ASSESSMENT)
        assert (signal is not None) == bool(mask[index]), index
        if signal is not None:
            before, now = values[index - 1] if index else np.nan, values[index]
            assert signal.side is (Side.BUY if now > before else Side.SELL)
            assert signal.confidence == Decimal("0.700000")
            assert signal.source == "turn"
            assert "change" in signal.reason


def test_previous_shifts_one_bar_later() -> None:
    np.testing.assert_array_equal(previous(np.array([1.0, 2.0, 3.0])), [np.nan, 1.0, 2.0])
