"""The kernel table (`PlanningKernel.precompute`): a shortcut that must change no plan.

Planning a precomputed series reads each bar's features as one row, reads its assessment
from the aggregator's scored row (building a snapshot only where a worker or planner reads
one), and calls only the signal workers whose candidate bit is set. The same contexts with
the table stripped take the column-by-column path and call every worker; both must give
byte-identical plans on real data, with every opportunity and threat worker and every
aggregator component kind in the blueprint.
"""

import tomllib
from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import CATALOG, RICH_BLUEPRINT, context_at, real_series

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.directives import SizeDirective, StrategyDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.domain.ports.plugins import PlannerActivity
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.orchestration.activity import activity, candidate_bits, signal_workers
from tradekernel.orchestration.canonical import canonical_json
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.kernel_factory import build_kernel
from tradekernel.orchestration.plugin_contract import candidate_mask_of
from tradekernel.orchestration.snapshots import snapshot_at, table_snapshot
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
SERIES = real_series(KERNEL)
WITHOUT_TABLE = {symbol: attrs.evolve(s, table=None) for symbol, s in SERIES.items()}


def _both_ways(index: int, held: Decimal, with_order: bool) -> tuple[str, str]:
    kwargs = {"cash": Decimal(50000), "held": held, "with_order": with_order}
    with_table = KERNEL.plan(context_at(KERNEL, SERIES, index, **kwargs))  # type: ignore[arg-type]
    plain = KERNEL.plan(context_at(KERNEL, WITHOUT_TABLE, index, **kwargs))  # type: ignore[arg-type]
    return canonical_json(with_table), canonical_json(plain)


def test_precompute_attaches_a_table_of_this_kernels_workers() -> None:
    for series in SERIES.values():
        table = series.table
        assert table is not None and table.bits is not None
        assert table.scores is not None and table.scores.shape == (len(series), 3 + 8)
        assert table.computed_for(signal_workers(KERNEL.spec))
        assert table.rows.shape == (len(series), len(table.names))
        for number, name in enumerate(table.names):
            np.testing.assert_array_equal(table.rows[:, number], series.features[name])
            # the columns are views of the rows: the table costs no second copy
            assert np.shares_memory(series.features[name], table.rows)
        np.testing.assert_array_equal(table.complete, ~np.isnan(table.rows).any(axis=1))


def test_each_bit_is_its_workers_mask() -> None:
    workers = signal_workers(KERNEL.spec)
    assert len(workers) == 8
    for series in SERIES.values():
        bits = series.table.bits  # type: ignore[union-attr]
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
    fast, plain = _both_ways(index, held, with_order)
    assert fast == plain


def test_every_bar_of_a_stretch_plans_the_same_with_and_without_the_table() -> None:
    signals = 0
    for index in range(1000, 1400):
        fast, plain = _both_ways(index, Decimal("0.0173"), False)
        assert fast == plain
        signals += fast.count('"signal_id"')
    assert signals > 20  # the stretch exercises the workers, not only the skip


def test_a_table_of_another_kernel_is_not_used() -> None:
    # Same features, fewer workers: the bits would name the wrong workers.
    other = PlanningKernel(attrs.evolve(KERNEL.spec, opportunities=KERNEL.spec.opportunities[1:]))
    mine = {symbol: other.precompute(s) for symbol, s in WITHOUT_TABLE.items()}
    for index in range(1000, 1100, 7):
        kwargs = {"cash": Decimal(50000), "held": Decimal(0), "with_order": False}
        foreign = other.plan(context_at(other, SERIES, index, **kwargs))  # type: ignore[arg-type]
        own = other.plan(context_at(other, mine, index, **kwargs))  # type: ignore[arg-type]
        assert canonical_json(foreign) == canonical_json(own)


def test_activity_reads_the_bits_and_equals_the_masks() -> None:
    for symbol, series in SERIES.items():
        from_bits = activity(KERNEL.spec, series)
        from_masks = activity(KERNEL.spec, WITHOUT_TABLE[symbol])
        np.testing.assert_array_equal(from_bits.flat, from_masks.flat)
        np.testing.assert_array_equal(from_bits.exposed, from_masks.exposed)


def test_slicing_and_new_columns_keep_the_table_honest() -> None:
    series = SERIES["BTC/USD"]
    window = series.head(500)
    assert window.table is not None and window.table.bits is not None
    np.testing.assert_array_equal(window.table.rows, series.table.rows[:500])  # type: ignore[union-attr]
    assert len(window.table.bits) == len(window.table.complete) == 500
    assert window.table.scores is not None
    np.testing.assert_array_equal(window.table.scores, series.table.scores[:500])  # type: ignore[union-attr,index]
    # new columns can change the masks: the table is dropped, not left stale
    extra = series.with_features({"extra": np.zeros(len(series))})
    assert extra.table is None


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
    series = KERNEL.precompute(bare.with_features(arrays))
    assert series.table is not None
    row = table_snapshot(series, series.table, index)
    column = snapshot_at(series, series.features, index)
    assert set(arrays) <= set(series.table.names)
    assert row.current == column.current and dict(row.previous) == dict(column.previous)
    assert (row.symbol, row.ts_ms, row.close) == (column.symbol, column.ts_ms, column.close)


def test_more_workers_than_one_word_get_no_bits() -> None:
    assert candidate_bits((object(),) * 65, SERIES["BTC/USD"]) is None
    assert bit_dtype(8) is np.uint8 and bit_dtype(9) is np.uint16 and bit_dtype(64) is np.uint64
    with pytest.raises(ValueError, match="65 candidate bits"):
        bit_dtype(65)


def test_assessments_from_snapshots_and_from_scored_rows_plan_the_same() -> None:
    # The scored rows alone stripped: every symbol builds its snapshot and calls assess.
    unscored = {
        symbol: attrs.evolve(s, table=attrs.evolve(s.table, scores=None))
        for symbol, s in SERIES.items()
    }
    kwargs = {"cash": Decimal(50000), "held": Decimal("0.0173"), "with_order": False}
    regimes = set()
    for index in range(700, 1300, 3):
        scored = KERNEL.plan(context_at(KERNEL, SERIES, index, **kwargs))  # type: ignore[arg-type]
        plain = KERNEL.plan(context_at(KERNEL, unscored, index, **kwargs))  # type: ignore[arg-type]
        assert canonical_json(scored) == canonical_json(plain)
        regimes |= {a.regime for a in scored.assessments}
    assert len(regimes) == 2  # trending and ranging bars both planned


def test_a_table_without_bits_calls_every_worker_and_plans_the_same() -> None:
    # What the kernel does with a table of more than 64 workers: the row read stays, the
    # worker skipping goes, and the plan is the one the column path gives.
    no_bits = {
        symbol: attrs.evolve(s, table=attrs.evolve(s.table, bits=None))
        for symbol, s in SERIES.items()
    }
    kwargs = {"cash": Decimal(50000), "held": Decimal("0.0173"), "with_order": True}
    signals = 0
    for index in range(1000, 1300, 3):
        fast = KERNEL.plan(context_at(KERNEL, no_bits, index, **kwargs))  # type: ignore[arg-type]
        plain = KERNEL.plan(context_at(KERNEL, WITHOUT_TABLE, index, **kwargs))  # type: ignore[arg-type]
        assert canonical_json(fast) == canonical_json(plain)
        signals += len(fast.opportunities)
    assert signals > 0
    assert all(s.table is not None and s.table.bits is None for s in no_bits.values())


def test_precomputing_twice_returns_the_same_series() -> None:
    series = SERIES["BTC/USDT"]
    assert KERNEL.precompute(series) is series  # no second copy of the rows


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
    mine = {symbol: foreign.precompute(s) for symbol, s in WITHOUT_TABLE.items()}
    kwargs = {"cash": Decimal(50000), "held": Decimal("0.0173"), "with_order": False}
    planned = 0
    for index in range(1000, 1060, 4):
        fast = foreign.plan(context_at(foreign, mine, index, **kwargs))  # type: ignore[arg-type]
        plain = foreign.plan(context_at(foreign, WITHOUT_TABLE, index, **kwargs))  # type: ignore[arg-type]
        assert canonical_json(fast) == canonical_json(plain)
        planned += sum(1 for e in fast.execution_directives if e.directive.symbol == "BTC/USDT")
    assert planned == 15
