"""The prepared market (`PlanningKernel.prepare`): a shortcut that must change no plan.

Planning with a prepared market reads each bar's features as one row, reads its assessment
from the aggregator's scored row (building a snapshot only where a worker or planner reads
one), and calls only the signal workers whose candidate bit is set. The reference is the
same market with its bits and scores stripped (every worker called, every assessment from
the snapshot), whose row reads equal column reads (`snapshot_at`): both must give
byte-identical plans on real data, with every opportunity and threat worker and every
aggregator component kind in the blueprint.
"""

import tomllib
from collections.abc import Callable
from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import CATALOG, RICH_BLUEPRINT, context_at, real_market

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.directives import SizeDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.activity import activity, candidate_bits, signal_workers
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_contract import candidate_mask_of
from tradekernel.orchestration.kernel.prepared_market import (
    PreparedHistory,
    PreparedMarket,
    prepare_history,
)
from tradekernel.orchestration.kernel.snapshots import snapshot_at, table_snapshot
from tradekernel.orchestration.records.canonical import canonical_json
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.kernel_table import bit_dtype

EVERY_SIGNAL = (
    RICH_BLUEPRINT
    + """
[[context.workers]]
type = "volume_percentile"
key = "volume_pct"
period = 50

[[context.workers]]
type = "candle_body"
key = "body"

[[context.workers]]
type = "adx"
key = "adx"
period = 14

# Every component kind, so plans also compare assessments read from scored rows.
[context.aggregator]
type = "score"
method = "weighted"

[[context.aggregator.components]]
name = "trend"
kind = "trend"
column = "sma_slow"

[[context.aggregator.components]]
name = "momentum"
kind = "momentum"
column = "rsi"
weight = "2"

[[context.aggregator.components]]
name = "regime"
kind = "regime"
column = "adx.trending"
weight = "0.5"

[[context.aggregator.components]]
name = "volume"
kind = "volume"
column = "volume_pct"

[[signals.opportunities]]
type = "donchian_breakout"
high = "dc.high"
low = "dc.low"

[[signals.opportunities]]
type = "volume_spike"
threshold = 0.8

[[signals.threats]]
type = "volatility_spike"
column = "atr_14"
threshold = 0.01

[[signals.threats]]
type = "liquidity_collapse"
column = "volume_pct"

[[signals.threats]]
type = "exposure_concentration"
cap = "0.05"

[[strategy.planners]]
type = "position_management"
breakeven_trigger_pct = "0.005"
trail_pct = "0.02"
trail_column = "dc.high"
"""
)
KERNEL = build_kernel(
    parse_blueprint(tomllib.loads(EVERY_SIGNAL), CATALOG, file="every_signal.toml"), CATALOG
)
MARKET = real_market(KERNEL)
SERIES = dict(MARKET.series)
KWARGS = {"cash": Decimal(50000), "held": Decimal("0.0173"), "with_order": False}


def _stripped(kernel: PlanningKernel, market: PreparedMarket, **fields: None) -> PreparedMarket:
    """Return `market` with the named table fields (bits, scores) set to None."""
    return PreparedMarket(
        kernel,
        kernel.spec,
        {
            symbol: attrs.evolve(held, table=attrs.evolve(held.table, **fields))
            for symbol, held in market.histories.items()
        },
    )


PLAIN = _stripped(KERNEL, MARKET, bits=None, scores=None)


def _plans(
    kernel: PlanningKernel, first: PreparedMarket | None, second: PreparedMarket | None
) -> Callable[..., tuple[Plan, Plan]]:
    """Return `plans(index, **account)`: the plans of one context with either market."""

    def both(index: int, **kwargs: object) -> tuple[Plan, Plan]:
        context = context_at(kernel, SERIES, index, **kwargs)  # type: ignore[arg-type]
        return kernel.plan(context, first), kernel.plan(context, second)

    return both


def _texts(plans: tuple[Plan, Plan]) -> tuple[str, str]:
    return canonical_json(plans[0]), canonical_json(plans[1])


FAST_AND_PLAIN = _plans(KERNEL, MARKET, PLAIN)


def test_prepare_builds_a_table_of_this_kernels_workers() -> None:
    assert MARKET.prepared_by(KERNEL)
    for held in MARKET.histories.values():
        series, table = held.series, held.table
        assert table.bits is not None
        assert table.scores is not None and table.scores.shape == (len(series), 3 + 8)
        assert table.rows.shape == (len(series), len(table.names))
        for number, name in enumerate(table.names):
            np.testing.assert_array_equal(table.rows[:, number], series.features[name])
            # the columns are views of the rows: the table costs no second copy
            assert np.shares_memory(series.features[name], table.rows)
        np.testing.assert_array_equal(table.complete, ~np.isnan(table.rows).any(axis=1))


def test_each_bit_is_its_workers_mask() -> None:
    workers = signal_workers(KERNEL.spec)
    assert len(workers) == 8
    for held in MARKET.histories.values():
        bits, series = held.table.bits, held.series
        assert bits is not None
        for number, worker in enumerate(workers):
            bit = (bits >> number) & 1
            candidate_mask = candidate_mask_of(worker)
            if candidate_mask is not None:
                expected = candidate_mask(series, series.features)
                np.testing.assert_array_equal(bit.astype(bool), expected)
            else:
                assert bit.all()  # account-based workers are called on every bar


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=2999),
    held=st.sampled_from([Decimal(0), Decimal("0.0173"), Decimal("0.6")]),
    with_order=st.booleans(),
)
def test_the_table_changes_no_plan(index: int, held: Decimal, with_order: bool) -> None:
    fast, plain = _texts(
        FAST_AND_PLAIN(index, cash=Decimal(50000), held=held, with_order=with_order)
    )
    assert fast == plain


def test_every_bar_of_a_stretch_plans_the_same_with_and_without_the_table() -> None:
    signals = 0
    for index in range(1000, 1400):
        fast, plain = _texts(FAST_AND_PLAIN(index, **KWARGS))
        assert fast == plain
        signals += fast.count('"signal_id"')
    assert signals > 20  # the stretch exercises the workers, not only the skip


def test_without_a_market_each_window_is_prepared_on_the_fly_with_the_same_plan() -> None:
    on_the_fly = _plans(KERNEL, MARKET, None)
    for index in range(1000, 1100, 9):
        prepared, fresh = _texts(on_the_fly(index, **KWARGS))
        assert prepared == fresh


def test_a_market_of_another_kernel_is_refused() -> None:
    # Same features, fewer workers: the bits would name the wrong workers.
    other = PlanningKernel(attrs.evolve(KERNEL.spec, opportunities=KERNEL.spec.opportunities[1:]))
    context = context_at(other, SERIES, 1000, **KWARGS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="another kernel"):
        other.plan(context, MARKET)
    assert not MARKET.prepared_by(other)


def test_activity_reads_the_bits_and_equals_the_masks() -> None:
    for symbol, series in SERIES.items():
        from_bits = MARKET.activity(symbol)
        from_masks = activity(KERNEL.spec, series)
        np.testing.assert_array_equal(from_bits.flat, from_masks.flat)
        np.testing.assert_array_equal(from_bits.exposed, from_masks.exposed)


def test_a_prepared_history_holds_its_windows_and_nothing_else() -> None:
    held = MARKET.histories["BTC/USD"]
    series = held.series
    ts_ms, close = series.ts_ms.item(499), series.close.item(499)
    assert held.holds(499, ts_ms, close)
    assert not held.holds(len(series), ts_ms, close)  # beyond the prepared bars
    assert not held.holds(499, ts_ms, close * 2)  # a revised bar
    assert not held.holds(499, ts_ms + 1, close)  # another bar time


def test_preparing_a_prepared_series_again_reuses_its_rows() -> None:
    again = KERNEL.prepare(SERIES)
    for symbol, held in MARKET.histories.items():
        assert again.histories[symbol].table.rows is held.table.rows  # no second copy
    # Columns that are not the rows' columns, in order, are stacked afresh.
    series = SERIES["BTC/USD"]
    reversed_order = attrs.evolve(series, features=dict(reversed(series.features.items())))
    fresh = prepare_history(KERNEL.spec, reversed_order)
    assert fresh.table.rows is not MARKET.histories["BTC/USD"].table.rows
    np.testing.assert_array_equal(fresh.table.rows, MARKET.histories["BTC/USD"].table.rows[:, ::-1])


def test_planning_with_a_market_prepares_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared: list[str] = []

    def counting(spec: object, series: BarSeries) -> PreparedHistory:
        prepared.append(series.symbol)
        return prepare_history(spec, series)  # type: ignore[arg-type]

    monkeypatch.setattr(
        "tradekernel.orchestration.kernel.assessment_stage.prepare_history", counting
    )
    context = context_at(KERNEL, SERIES, 1200, **KWARGS)  # type: ignore[arg-type]
    KERNEL.plan(context, MARKET)
    assert prepared == []
    KERNEL.plan(context)
    assert prepared == ["BTC/USD", "BTC/USDT"]


values = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.just(float("nan")))


@given(
    columns=st.dictionaries(
        st.text(min_size=1, max_size=5), st.lists(values, min_size=4, max_size=4), max_size=5
    ),
    index=st.integers(min_value=0, max_value=3),
)
def test_a_row_read_equals_the_column_read(columns: dict[str, list[float]], index: int) -> None:
    arrays = {name: np.array(column, dtype=np.float64) for name, column in columns.items()}
    ts = np.arange(4, dtype=np.int64)
    price = np.ones(4)
    bare = BarSeries(
        symbol="X/Y", ts_ms=ts, open=price, high=price, low=price, close=price, volume=price
    )
    held = prepare_history(KERNEL.spec, bare.with_features(arrays))
    series = held.series
    row = table_snapshot(series, held.table, index)
    column = snapshot_at(series, series.features, index)
    assert set(arrays) <= set(held.table.names)
    assert row.current == column.current and dict(row.previous) == dict(column.previous)
    assert (row.symbol, row.ts_ms, row.close) == (column.symbol, column.ts_ms, column.close)


def test_more_workers_than_one_word_get_no_bits() -> None:
    assert candidate_bits((object(),) * 65, SERIES["BTC/USD"]) is None
    assert bit_dtype(8) is np.uint8 and bit_dtype(9) is np.uint16 and bit_dtype(64) is np.uint64
    with pytest.raises(ValueError, match="65 candidate bits"):
        bit_dtype(65)


def test_assessments_from_snapshots_and_from_scored_rows_plan_the_same() -> None:
    # The scored rows alone stripped: every symbol builds its snapshot and calls assess.
    scored_and_not = _plans(KERNEL, MARKET, _stripped(KERNEL, MARKET, scores=None))
    regimes = set()
    for index in range(700, 1300, 3):
        scored, plain = scored_and_not(index, **KWARGS)
        assert canonical_json(scored) == canonical_json(plain)
        regimes |= {a.regime for a in scored.assessments}
    assert len(regimes) == 2  # trending and ranging bars both planned


def test_a_table_without_bits_calls_every_worker_and_plans_the_same() -> None:
    # What the kernel does with a table of more than 64 workers: the row read stays, the
    # worker skipping goes, and the plan is the one the plain market gives.
    no_bits = _plans(KERNEL, _stripped(KERNEL, MARKET, bits=None), PLAIN)
    signals = 0
    for index in range(1000, 1300, 3):
        fast, plain = no_bits(index, cash=Decimal(50000), held=Decimal("0.0173"), with_order=True)
        assert canonical_json(fast) == canonical_json(plain)
        signals += len(fast.opportunities)
    assert signals > 0


class _DirectsTheOtherSymbol:
    """A planner acting only where exposed, directing the other symbol (never exposed)."""

    name = "foreign"
    activity = PlannerActivity.EXPOSED

    def plan(self, inputs: StrategyInputs) -> tuple[StrategyDirective, ...]:
        if inputs.symbol != "BTC/USD":
            return ()
        return (
            StrategyDirective(
                directive_id=f"dir-foreign-{inputs.ts_ms}",
                source=self.name,
                symbol="BTC/USDT",
                ts_ms=inputs.ts_ms,
                side=Side.BUY,
                scope=DirectiveScope.NEW_TRADE,
                confidence=Decimal("0.9"),
                size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=Decimal("0.001")),
                reason="test: direct the symbol whose snapshot nobody read",
            ),
        )


def test_a_directive_for_a_symbol_whose_snapshot_was_deferred_gets_it() -> None:
    # No signal worker: nothing reads BTC/USDT's snapshot but the trade planners.
    spec = attrs.evolve(
        KERNEL.spec, opportunities=(), threats=(), strategies=(_DirectsTheOtherSymbol(),)
    )
    foreign = PlanningKernel(spec)
    mine = foreign.prepare(SERIES)
    both = _plans(foreign, mine, _stripped(foreign, mine, bits=None, scores=None))
    planned = 0
    for index in range(1000, 1060, 4):
        fast, plain = both(index, **KWARGS)
        assert canonical_json(fast) == canonical_json(plain)
        planned += sum(1 for e in fast.execution_directives if e.directive.symbol == "BTC/USDT")
    assert planned == 15
