from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategy_inputs_builder import make_inputs, working_order

from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.features.strategy.scheduled import ScheduledParams, ScheduledPlanner, ScheduleMode
from tradekernel.orchestration.kernel.plugin_contract import candidate_mask_of
from tradekernel.shared.bars import BarSeries

DAY = 86_400_000
HOUR = 3_600_000


def dca(**kw: object) -> ScheduledPlanner:
    fields: dict[str, object] = {
        "mode": ScheduleMode.DCA,
        "cadence_ms": DAY,
        "quote_amount": Decimal(50),
    }
    fields.update(kw)
    return ScheduledPlanner(ScheduledParams(**fields))  # type: ignore[arg-type]


def rebalance(**kw: object) -> ScheduledPlanner:
    fields: dict[str, object] = {
        "mode": ScheduleMode.REBALANCE,
        "cadence_ms": DAY,
        "target_weight": Decimal("0.5"),
        "tolerance": Decimal("0.05"),
    }
    fields.update(kw)
    return ScheduledPlanner(ScheduledParams(**fields))  # type: ignore[arg-type]


def test_dca_buys_the_quote_amount_on_the_epoch_aligned_bar_only() -> None:
    planner = dca()
    (directive,) = planner.plan(make_inputs(ts_ms=20_000 * DAY, close=25_000.0))
    assert (directive.side, directive.scope) == (Side.BUY, DirectiveScope.NEW_TRADE)
    assert directive.size.policy is SizingPolicy.EXPLICIT
    assert directive.size.quantity == Decimal("0.002")
    assert directive.size.max_notional == Decimal(50)
    assert planner.plan(make_inputs(ts_ms=20_000 * DAY + HOUR)) == ()


def test_dca_with_bar_ms_fires_on_the_first_bar_inside_each_window() -> None:
    # A 5-hour cadence on hourly bars with an offset: windows start at 2h, 7h, 12h, ...
    planner = dca(cadence_ms=5 * HOUR, offset_ms=2 * HOUR, bar_ms=HOUR)
    fired = [h for h in range(24) if planner.plan(make_inputs(ts_ms=h * HOUR))]
    assert fired == [2, 7, 12, 17, 22]
    # On 3-hour bars (bar_ms = 3h), the first bar inside each 5h window fires.
    coarse = dca(cadence_ms=5 * HOUR, bar_ms=3 * HOUR)
    fired = [h for h in range(0, 30, 3) if coarse.plan(make_inputs(ts_ms=h * HOUR))]
    assert fired == [0, 6, 12, 15, 21, 27]


def test_dca_skips_while_an_order_of_the_symbol_is_working() -> None:
    assert dca().plan(make_inputs(ts_ms=0, open_orders=(working_order(),))) == ()


@given(
    cadence=st.integers(min_value=1, max_value=50),
    offset=st.integers(min_value=0, max_value=49),
    bar=st.integers(min_value=1, max_value=50),
    times=st.lists(st.integers(min_value=-500, max_value=5_000), max_size=40),
)
def test_candidate_times_matches_plan_and_a_naive_rule(
    cadence: int, offset: int, bar: int, times: list[int]
) -> None:
    if offset >= cadence or bar > cadence:
        return
    planner = dca(cadence_ms=cadence, offset_ms=offset, bar_ms=bar)
    mask = planner.candidate_times(np.array(times, dtype=np.int64))
    naive = [any((t - k - offset) % cadence == 0 for k in range(bar)) for t in times]
    assert mask.tolist() == naive
    assert [bool(planner.plan(make_inputs(ts_ms=t))) for t in times] == naive


def test_is_due_compares_cadence_windows_of_consecutive_bars() -> None:
    planner = dca()
    assert planner.is_due(DAY, None)
    assert planner.is_due(DAY + HOUR, DAY - HOUR)
    assert not planner.is_due(DAY + 2 * HOUR, DAY + HOUR)
    assert planner.is_due(5 * DAY + 7, 2 * DAY)


def test_planner_is_a_candidate_mask_over_bar_series() -> None:
    planner = dca(cadence_ms=4, bar_ms=1)
    ts = np.arange(10, dtype=np.int64)
    values = np.ones(10)
    bars = BarSeries(
        symbol="BTC/USDT",
        ts_ms=ts,
        open=values,
        high=values,
        low=values,
        close=values,
        volume=values,
    )
    assert candidate_mask_of(planner) is not None
    assert planner.candidate_mask(bars, {}).tolist() == [t % 4 == 0 for t in range(10)]


def test_rebalance_buys_the_shortfall_beyond_tolerance() -> None:
    # equity 10000, target 5000, held 40 * 100 = 4000: buy 1000 / 100 = 10.
    (directive,) = rebalance().plan(make_inputs(ts_ms=0, position="40", close=100.0))
    assert (directive.side, directive.scope) == (Side.BUY, DirectiveScope.NEW_TRADE)
    assert directive.size.quantity == Decimal(10)


def test_rebalance_sells_the_excess_as_a_close() -> None:
    (directive,) = rebalance().plan(make_inputs(ts_ms=0, position="60", close=100.0))
    assert (directive.side, directive.scope) == (Side.SELL, DirectiveScope.CLOSE_EXISTING)
    assert directive.size.quantity == Decimal(10)


def test_rebalance_within_tolerance_or_off_cadence_does_nothing() -> None:
    assert rebalance().plan(make_inputs(ts_ms=0, position="54", close=100.0)) == ()
    assert rebalance().plan(make_inputs(ts_ms=HOUR, position="10", close=100.0)) == ()


def test_rebalance_to_zero_weight_sells_at_most_the_position() -> None:
    (directive,) = rebalance(target_weight=Decimal(0)).plan(
        make_inputs(ts_ms=0, position="30", close=100.0)
    )
    assert directive.size.quantity == Decimal(30)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quote_amount": None}, "ScheduledParams.quote_amount: required when mode = 'dca'"),
        ({"cadence_ms": 0}, "ScheduledParams.cadence_ms: expected >= 1, got 0"),
        ({"offset_ms": DAY}, "ScheduledParams.offset_ms: expected < cadence_ms"),
        ({"bar_ms": 2 * DAY}, "ScheduledParams.bar_ms: expected <= cadence_ms"),
        ({"cadence_ms": True}, "ScheduledParams.cadence_ms: expected an integer, got bool"),
        ({"mode": "weekly"}, "ScheduledParams.mode: expected one of 'dca', 'rebalance'"),
    ],
)
def test_bad_params_name_the_field(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "mode": ScheduleMode.DCA,
        "cadence_ms": DAY,
        "quote_amount": Decimal(1),
    }
    fields.update(kwargs)
    with pytest.raises(ValueError) as info:
        ScheduledParams(**fields)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_rebalance_requires_a_target_weight() -> None:
    with pytest.raises(ValueError, match=r"ScheduledParams\.target_weight: required"):
        ScheduledParams(mode=ScheduleMode.REBALANCE, cadence_ms=DAY)
