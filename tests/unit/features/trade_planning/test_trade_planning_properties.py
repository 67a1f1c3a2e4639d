from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from trade_planning_builders import account, directive, routing_request, snapshot

from tradekernel.domain.directives import ExitDirective, RoutingDirective, SizeDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.features.trade_planning.atr_exit import AtrExit, AtrExitParams
from tradekernel.features.trade_planning.confidence_scaled_size import (
    ConfidenceScaledSize,
    ConfidenceScaledSizeParams,
)
from tradekernel.features.trade_planning.fixed_fraction_size import FixedFractionSize
from tradekernel.features.trade_planning.fixed_quantity_size import (
    FixedQuantitySize,
    FixedQuantitySizeParams,
)
from tradekernel.features.trade_planning.fixed_rr_exit import (
    FixedRiskRewardExit,
    FixedRiskRewardExitParams,
)
from tradekernel.features.trade_planning.kelly_size import KellySize, KellySizeParams
from tradekernel.features.trade_planning.layered_entry import (
    LayeredEntry,
    LayeredEntryParams,
    LayerWeighting,
)
from tradekernel.features.trade_planning.no_exit import NoExit
from tradekernel.features.trade_planning.swing_exit import SwingExit
from tradekernel.features.trade_planning.twap_routing import TwapRouting, TwapRoutingParams

sides = st.sampled_from(Side)
prices = st.floats(min_value=1e-6, max_value=1e7, allow_nan=False, allow_infinity=False)
decimals = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=4)
maybe_decimals = st.none() | decimals
features = st.floats(min_value=-10.0, max_value=1e6, allow_nan=False) | st.just(float("nan"))


def size_planners(quantity: Decimal, win_rate: Decimal) -> list[Any]:
    return [
        FixedQuantitySize(FixedQuantitySizeParams(quantity=quantity)),
        FixedFractionSize(),
        KellySize(KellySizeParams(win_rate=win_rate, payoff=Decimal("1.5"))),
        ConfidenceScaledSize(
            ConfidenceScaledSizeParams(base_notional=Decimal(500), max_notional=Decimal(900))
        ),
    ]


EXITS: list[Any] = [
    FixedRiskRewardExit(FixedRiskRewardExitParams(stop_pct=Decimal("0.3"), risk_reward=Decimal(5))),
    AtrExit(AtrExitParams(atr_multiple=Decimal(3), tp_multiple=Decimal(4))),
    SwingExit(),
    NoExit(),
]


@given(
    layers=st.integers(min_value=1, max_value=20),
    weighting=st.sampled_from(LayerWeighting),
    ratio=st.decimals(min_value="0.5", max_value="2", places=3),
    spacing=st.decimals(min_value="0.1", max_value="400", places=1),
    side=sides,
    close=prices,
)
def test_layer_fractions_sum_to_exactly_one_and_prices_stay_passive_and_positive(
    layers: int,
    weighting: LayerWeighting,
    ratio: Decimal,
    spacing: Decimal,
    side: Side,
    close: float,
) -> None:
    params = LayeredEntryParams(
        layers=layers,
        first_offset_bps=Decimal(1),
        spacing_bps=spacing,
        weighting=weighting,
        ratio=ratio,
    )
    plan = LayeredEntry(params).plan(directive(side=side), snapshot(close=close))

    fractions = [layer.fraction for layer in plan.layers]
    assert len(fractions) == layers
    assert sum(fractions, Decimal(0)) == Decimal(1)
    assert all(fraction > 0 for fraction in fractions)
    # Naive cross-check against the exact shares: every fraction but the last is rounded
    # down by under 1e-12, and the last absorbs all of that rounding.
    weights = [Decimal(1) if weighting is LayerWeighting.EQUAL else ratio**i for i in range(layers)]
    total = sum(weights, Decimal(0))
    shares = [w / total for w in weights]
    step = Decimal("1e-12")
    # The naive shares are themselves rounded to 28 significant digits, so allow that much.
    slack = Decimal("1e-24")
    assert all(-slack <= s - f < step for f, s in zip(fractions[:-1], shares[:-1], strict=True))
    assert -slack <= fractions[-1] - shares[-1] < step * layers
    for layer in plan.layers:
        assert layer.price is not None
        assert layer.price > 0
        if side is Side.BUY:
            assert layer.price < plan.reference_price
        else:
            assert layer.price > plan.reference_price


@given(
    slices=st.integers(min_value=1, max_value=100),
    cap=st.none() | st.integers(min_value=-3, max_value=120),
    duration=st.integers(min_value=0, max_value=10**9),
)
def test_twap_fractions_sum_to_exactly_one_with_delays_inside_the_duration(
    slices: int, cap: int | None, duration: int
) -> None:
    twap = TwapRouting(TwapRoutingParams(slices=slices, duration_ms=duration))
    capped = directive(routing=RoutingDirective(max_slices=cap))

    plan = twap.plan(routing_request("3", "250", capped))

    expected = slices if cap is None else max(1, min(slices, cap))
    assert len(plan.slices) == expected
    assert sum((s.fraction for s in plan.slices), Decimal(0)) == Decimal(1)
    delays = [s.delay_ms for s in plan.slices]
    assert delays == sorted(delays)
    assert all(0 <= delay <= duration for delay in delays)
    assert delays == [k * duration // expected for k in range(expected)]


@given(
    side=sides,
    scope=st.sampled_from(DirectiveScope),
    policy=st.sampled_from(SizingPolicy),
    explicit=maybe_decimals,
    max_notional=maybe_decimals,
    stop=maybe_decimals,
    confidence=st.decimals(min_value=-1, max_value=2, places=3),
    close=prices,
    atr=features,
    equity=decimals,
    win_rate=st.decimals(min_value="0.01", max_value="0.99", places=2),
)
def test_size_quantities_are_never_negative_and_always_explained_when_zero(
    side: Side,
    scope: DirectiveScope,
    policy: SizingPolicy,
    explicit: Decimal | None,
    max_notional: Decimal | None,
    stop: Decimal | None,
    confidence: Decimal,
    close: float,
    atr: float,
    equity: Decimal,
    win_rate: Decimal,
) -> None:
    the_directive = directive(
        side=side,
        scope=scope,
        confidence=str(confidence),
        size=SizeDirective(policy=policy, quantity=explicit, max_notional=max_notional),
        exit_=ExitDirective(stop_loss_price=stop),
    )
    for planner in size_planners(Decimal("0.7"), win_rate):
        plan = planner.plan(the_directive, snapshot(close=close, atr_14=atr), account(str(equity)))
        assert plan.quantity.is_finite()
        assert plan.quantity >= 0
        if plan.quantity == 0:
            assert plan.rationale


@given(
    quantity=st.decimals(min_value="0.0001", max_value=1000, places=4),
    max_notional=maybe_decimals,
    scope=st.sampled_from([DirectiveScope.NEW_TRADE, DirectiveScope.MODIFY_EXISTING]),
    close=prices,
    win_rate=st.decimals(min_value="0.01", max_value="0.99", places=2),
)
def test_explicit_quantity_wins_for_every_size_planner(
    quantity: Decimal,
    max_notional: Decimal | None,
    scope: DirectiveScope,
    close: float,
    win_rate: Decimal,
) -> None:
    explicit = directive(
        scope=scope,
        size=SizeDirective(
            policy=SizingPolicy.EXPLICIT, quantity=quantity, max_notional=max_notional
        ),
    )
    reference = Decimal(repr(close))
    if max_notional is None:
        expected = quantity
    elif max_notional <= 0:
        expected = Decimal(0)
    else:
        expected = min(quantity, max_notional / reference)

    for planner in size_planners(Decimal(5), win_rate):
        plan = planner.plan(explicit, snapshot(close=close, atr_14=1.0), account())
        assert plan.quantity == expected


@given(
    side=sides,
    close=prices,
    atr=features,
    swing_low=features,
    swing_high=features,
    stop_hint=maybe_decimals,
    tp_hint=maybe_decimals,
    risk_reward=maybe_decimals,
)
def test_stops_and_take_profits_are_always_on_the_right_side(
    side: Side,
    close: float,
    atr: float,
    swing_low: float,
    swing_high: float,
    stop_hint: Decimal | None,
    tp_hint: Decimal | None,
    risk_reward: Decimal | None,
) -> None:
    the_directive = directive(
        side=side,
        exit_=ExitDirective(
            stop_loss_price=stop_hint, take_profit_price=tp_hint, risk_reward=risk_reward
        ),
    )
    the_snapshot = snapshot(close=close, atr_14=atr, swing_low=swing_low, swing_high=swing_high)
    reference = Decimal(repr(close))
    for planner in EXITS:
        plan = planner.plan(the_directive, the_snapshot)
        stop, target = plan.stop_price, plan.take_profit_price
        if side is Side.BUY:
            assert stop is None or 0 < stop < reference
            assert target is None or target > reference
        else:
            assert stop is None or stop > reference
            assert target is None or 0 < target < reference


@given(side=sides, close=prices, atr=features, equity=decimals, stop=maybe_decimals)
def test_planners_are_pure_equal_inputs_give_equal_plans(
    side: Side, close: float, atr: float, equity: Decimal, stop: Decimal | None
) -> None:
    def plans() -> tuple[object, ...]:
        the_directive = directive(side=side, exit_=ExitDirective(stop_loss_price=stop))
        the_snapshot = snapshot(close=close, atr_14=atr, swing_low=close / 2, swing_high=close * 2)
        sizes = tuple(
            p.plan(the_directive, the_snapshot, account(str(equity)))
            for p in size_planners(Decimal(1), Decimal("0.6"))
        )
        exits = tuple(p.plan(the_directive, the_snapshot) for p in EXITS)
        entry = LayeredEntry().plan(the_directive, the_snapshot)
        routing = TwapRouting().plan(routing_request("2", str(entry.reference_price)))
        return (*sizes, *exits, entry, routing)

    assert plans() == plans()
