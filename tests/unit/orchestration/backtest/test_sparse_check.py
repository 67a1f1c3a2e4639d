"""`verify_sparse` and its pure comparison: agreement, and the first bar a mask lied about."""

from collections.abc import Mapping
from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.domain.enums import Side
from tradekernel.domain.orders import Fill
from tradekernel.domain.ports.plugins import OpportunityWorker
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.backtest.sparse_check import (
    RecordedPlan,
    SparseCheck,
    describe_check,
    fill_difference,
    plan_difference,
    verify_sparse,
)
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_contract import candidate_mask_of
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray

BLUEPRINT, _CATALOG = load(bundled_blueprint())
SERIES = load_bars(bundled_path(), "BTC/USD").series.head(3000)


def _plan(ts_ms: int, digest: str = "h", symbols: tuple[str, ...] = ("BTC/USD",)) -> RecordedPlan:
    return RecordedPlan(ts_ms=ts_ms, plan_hash=digest, symbols=symbols)


def test_equal_plan_sequences_have_no_difference() -> None:
    plans = [_plan(1), _plan(5, "g")]
    assert plan_difference(plans, list(plans)) is None


def test_a_plan_only_the_dense_run_made_is_named_at_its_bar() -> None:
    found = plan_difference([_plan(1), _plan(3, "x"), _plan(5)], [_plan(1), _plan(5)])
    assert found is not None
    assert (found.ts_ms, found.symbols) == (3, ("BTC/USD",))
    assert found.what.startswith("a plan only the dense run made (hash x)")


def test_a_trailing_plan_only_the_sparse_run_made_is_named() -> None:
    found = plan_difference([_plan(1)], [_plan(1), _plan(9, "y", ("ETH/USD",))])
    assert found is not None
    assert (found.ts_ms, found.symbols) == (9, ("ETH/USD",))
    assert "only the sparse run made (hash y)" in found.what


def test_two_hashes_at_one_bar_are_named_with_both_symbols() -> None:
    found = plan_difference([_plan(2, "a", ("A",))], [_plan(2, "b", ("B",))])
    assert found is not None
    assert found.symbols == ("A", "B")
    assert found.what == "two different plans (dense hash a, sparse hash b)"


@given(
    dense=st.lists(st.tuples(st.integers(0, 30), st.sampled_from("ab")), unique_by=lambda p: p[0]),
    sparse=st.lists(st.tuples(st.integers(0, 30), st.sampled_from("ab")), unique_by=lambda p: p[0]),
)
def test_the_difference_is_the_earliest_bar_where_the_sequences_disagree(
    dense: list[tuple[int, str]], sparse: list[tuple[int, str]]
) -> None:
    one, two = dict(dense), dict(sparse)
    disagree = sorted(ts for ts in one.keys() | two.keys() if one.get(ts) != two.get(ts))
    found = plan_difference(
        [_plan(ts, h) for ts, h in sorted(dense)], [_plan(ts, h) for ts, h in sorted(sparse)]
    )
    assert (found.ts_ms if found else None) == (disagree[0] if disagree else None)


def _fill(ts_ms: int, price: str) -> Fill:
    return Fill(
        trade_id=f"t{ts_ms}",
        client_order_id=f"c{ts_ms}",
        symbol="BTC/USD",
        side=Side.BUY,
        quantity=Decimal("0.01"),
        price=Decimal(price),
        fee=Decimal(0),
        fee_asset="USD",
        ts_ms=ts_ms,
    )


def test_a_differing_or_missing_fill_is_named_at_the_earlier_fill() -> None:
    assert fill_difference([_fill(1, "10")], [_fill(1, "10")]) is None
    found = fill_difference([_fill(1, "10"), _fill(4, "11")], [_fill(1, "10")])
    assert found is not None
    assert found.ts_ms == 4
    assert found.what == "fill 2 differs (dense buy 0.01 @ 11 (c4), sparse none)"


def test_the_verdict_names_iso_time_epoch_and_symbol() -> None:
    agreed = SparseCheck(plans=3, run_plan_hash="H", dense_calls=9, sparse_calls=4, difference=None)
    assert describe_check(agreed) == "dense and sparse agree: 3 plans, run plan hash H"
    found = plan_difference([_plan(1499220000000, "x")], [])
    text = describe_check(attrs.evolve(agreed, difference=found))
    assert text.startswith(
        "dense and sparse differ first at 2017-07-05T02:00:00Z "
        "(epoch ms 1499220000000, BTC/USD): a plan only the dense run made"
    )


class HidesEveryOtherBar:
    """A crossover whose candidate mask drops every second bar where it can fire."""

    def __init__(self, inner: OpportunityWorker) -> None:
        self._inner = inner
        self.hidden: list[int] = []

    @property
    def name(self) -> str:
        return self._inner.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        return self._inner.evaluate(snapshot, assessment)

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        honest = candidate_mask_of(self._inner)
        assert honest is not None
        mask = np.array(honest(bars, features), dtype=np.bool_)
        hidden = np.flatnonzero(mask)[1::2]
        mask[hidden] = False
        self.hidden = [int(ts) for ts in bars.ts_ms[hidden]]
        return mask


def _request() -> BacktestRequest:
    return BacktestRequest(
        run_id="verify",
        series={"BTC/USD": SERIES},
        rules={"BTC/USD": BLUEPRINT.settings.rules_for("BTC/USD")},
    )


def _new_venue() -> BacktestVenue:
    return BacktestVenue(venue_settings(BLUEPRINT.settings))


@pytest.fixture(scope="module")
def honest() -> PlanningKernel:
    return build_kernel(BLUEPRINT.settings, _CATALOG)


def test_the_bundled_example_agrees_with_the_hash_a_plain_sparse_run_records(
    honest: PlanningKernel,
) -> None:
    check = verify_sparse(honest, _new_venue, _request())
    plain = BacktestEngine(honest, _new_venue()).run(_request())
    assert check.difference is None
    assert check.plans == len(plain.plan_hashes) > 10
    assert check.run_plan_hash == plain.run_plan_hash
    assert check.sparse_calls == plain.kernel_calls < check.dense_calls == len(SERIES)


def test_a_mask_hiding_bars_where_the_worker_fires_is_named_at_its_first_hidden_plan(
    honest: PlanningKernel,
) -> None:
    liar = HidesEveryOtherBar(honest.spec.opportunities[0])
    kernel = PlanningKernel(attrs.evolve(honest.spec, opportunities=(liar,)))
    check = verify_sparse(kernel, _new_venue, _request())
    found = check.difference
    assert found is not None
    assert found.ts_ms == liar.hidden[0]  # the first cross it hid: a plan in dense only
    assert found.symbols == ("BTC/USD",)
    assert found.what.startswith("a plan only the dense run made")
