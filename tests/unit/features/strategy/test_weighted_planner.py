from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategy_inputs_builder import (
    SYMBOL,
    TS,
    make_inputs,
    opportunity,
    threat,
    working_order,
)

from tradekernel.domain.enums import DirectiveScope, OrderType, Side, SizingPolicy
from tradekernel.features.strategy.weighted import WeightedParams, WeightedPlanner
from tradekernel.shared.ids import derive_id

# The example blueprint: long-only, 0.01 base units at market on an SMA cross-up while flat,
# sell the whole position at market on the cross-down.
BLUEPRINT = WeightedParams(
    order_type=OrderType.MARKET,
    quantity=Decimal("0.01"),
    use_context=False,
    w_weak=Decimal(0),
    entry_threshold=Decimal(0),
    exit_confidence=Decimal(0),
)
CROSS_UP = opportunity("sig-up", Side.BUY, "1")
CROSS_DOWN = opportunity("sig-down", Side.SELL, "1")


def test_blueprint_buys_one_hundredth_at_market_on_cross_up_when_flat() -> None:
    planner = WeightedPlanner(BLUEPRINT)
    (directive,) = planner.plan(make_inputs(opportunities=(CROSS_UP,), strength="0", weakness="1"))
    assert directive.side is Side.BUY
    assert directive.scope is DirectiveScope.NEW_TRADE
    assert directive.size.policy is SizingPolicy.EXPLICIT
    assert directive.size.quantity == Decimal("0.01")
    assert directive.entry.order_type_hint is OrderType.MARKET
    assert directive.routing.allow_market_fallback is False
    assert directive.causes == ("sig-up",)
    assert directive.confidence == Decimal("1.000000")
    assert directive.directive_id == derive_id(
        "dir", "run-1", TS, SYMBOL, "weighted", Side.BUY, DirectiveScope.NEW_TRADE
    )


def test_blueprint_sells_the_whole_position_at_market_on_cross_down() -> None:
    planner = WeightedPlanner(BLUEPRINT)
    (directive,) = planner.plan(make_inputs(opportunities=(CROSS_DOWN,), position="0.03"))
    assert directive.side is Side.SELL
    assert directive.scope is DirectiveScope.CLOSE_EXISTING
    assert directive.size.policy is SizingPolicy.EXPLICIT
    assert directive.size.quantity == Decimal("0.03")
    assert directive.entry.order_type_hint is OrderType.MARKET
    assert directive.causes == ("sig-down",)


def test_blueprint_does_nothing_on_cross_down_when_flat_or_cross_up_when_holding() -> None:
    planner = WeightedPlanner(BLUEPRINT)
    assert planner.plan(make_inputs(opportunities=(CROSS_DOWN,))) == ()
    assert planner.plan(make_inputs(opportunities=(CROSS_UP,), position="0.01")) == ()
    assert planner.plan(make_inputs()) == ()


def test_no_new_trade_while_an_order_of_the_symbol_is_working() -> None:
    planner = WeightedPlanner(BLUEPRINT)
    assert (
        planner.plan(make_inputs(opportunities=(CROSS_UP,), open_orders=(working_order(),))) == ()
    )
    other = working_order(symbol="ETH/USDT")
    assert len(planner.plan(make_inputs(opportunities=(CROSS_UP,), open_orders=(other,)))) == 1


def naive_score(conf: str, strength: str, severity: str, weakness: str) -> Decimal:
    return Decimal(conf) * Decimal(strength) * 2 - Decimal(severity) * 3 - Decimal(weakness) / 2


def test_score_uses_each_weight_and_the_threshold() -> None:
    params = WeightedParams(
        w_opp=Decimal(2), w_threat=Decimal(3), w_weak=Decimal("0.5"), entry_threshold=Decimal("0.4")
    )
    planner = WeightedPlanner(params)
    inputs = make_inputs(
        opportunities=(opportunity("a", Side.BUY, "0.9"), opportunity("b", Side.BUY, "0.5")),
        threats=(threat("t1", "0.1"), threat("t2", "0.2"), threat("t-other", "0.9", "ETH/USDT")),
        strength="0.8",
        weakness="0.2",
    )
    (directive,) = planner.plan(inputs)
    expected = naive_score("0.9", "0.8", "0.2", "0.2")
    assert expected == Decimal("0.74")
    assert directive.confidence == Decimal("0.740000")
    assert directive.causes == ("a", "asm-1", "t2")
    # Raise the threshold just above the score: nothing.
    higher = WeightedPlanner(
        WeightedParams(
            w_opp=Decimal(2),
            w_threat=Decimal(3),
            w_weak=Decimal("0.5"),
            entry_threshold=Decimal("0.75"),
        )
    )
    assert higher.plan(inputs) == ()


def test_portfolio_wide_threat_counts_against_the_score() -> None:
    planner = WeightedPlanner(WeightedParams(entry_threshold=Decimal("0.5")))
    calm = make_inputs(opportunities=(opportunity("a", Side.BUY, "0.8"),))
    assert len(planner.plan(calm)) == 1
    stormy = make_inputs(
        opportunities=(opportunity("a", Side.BUY, "0.8"),), threats=(threat("t", "0.4", None),)
    )
    assert planner.plan(stormy) == ()


def test_long_only_ignores_a_stronger_sell_side_and_short_allows_it() -> None:
    opps = (opportunity("b", Side.BUY, "0.6"), opportunity("s", Side.SELL, "0.9"))
    assert WeightedPlanner(WeightedParams()).plan(make_inputs(opportunities=opps)) == ()
    (short,) = WeightedPlanner(WeightedParams(allow_short=True)).plan(
        make_inputs(opportunities=opps)
    )
    assert short.side is Side.SELL
    assert short.scope is DirectiveScope.NEW_TRADE


def test_short_position_closes_with_a_buy() -> None:
    planner = WeightedPlanner(WeightedParams(allow_short=True))
    (close,) = planner.plan(
        make_inputs(opportunities=(opportunity("b", Side.BUY, "0.7"),), position="-2")
    )
    assert (close.side, close.scope, close.size.quantity) == (
        Side.BUY,
        DirectiveScope.CLOSE_EXISTING,
        Decimal(2),
    )


def test_close_on_threat_and_close_fraction() -> None:
    planner = WeightedPlanner(
        WeightedParams(close_on_threat=Decimal("0.7"), close_fraction=Decimal("0.25"))
    )
    assert planner.plan(make_inputs(position="2", threats=(threat("t", "0.69"),))) == ()
    (close,) = planner.plan(make_inputs(position="2", threats=(threat("t", "0.7"),)))
    assert close.size.quantity == Decimal("0.5")
    assert close.size.close_fraction == Decimal("0.25")
    assert close.confidence == Decimal("0.700000")
    assert close.causes == ("t",)


def test_exit_confidence_gates_the_close() -> None:
    planner = WeightedPlanner(WeightedParams(exit_confidence=Decimal("0.6")))
    assert (
        planner.plan(
            make_inputs(position="1", opportunities=(opportunity("s", Side.SELL, "0.59"),))
        )
        == ()
    )
    assert (
        len(
            planner.plan(
                make_inputs(position="1", opportunities=(opportunity("s", Side.SELL, "0.6"),))
            )
        )
        == 1
    )


def test_exit_hints_place_stop_and_take_profit_from_the_close() -> None:
    params = WeightedParams(
        stop_loss_pct=Decimal("0.02"), risk_reward=Decimal(3), entry_threshold=Decimal(0)
    )
    (directive,) = WeightedPlanner(params).plan(
        make_inputs(opportunities=(opportunity("a", Side.BUY, "0.9"),), close=200.0)
    )
    assert directive.exit.stop_loss_price == Decimal(196)
    assert directive.exit.take_profit_price == Decimal(212)
    assert directive.size.policy is SizingPolicy.DELEGATED


def test_signals_of_other_symbols_are_ignored() -> None:
    planner = WeightedPlanner(BLUEPRINT)
    assert (
        planner.plan(
            make_inputs(opportunities=(opportunity("x", Side.BUY, "1", symbol="ETH/USDT"),))
        )
        == ()
    )


@given(
    confidences=st.lists(st.decimals(min_value=0, max_value=1, places=3), min_size=1, max_size=6),
    severities=st.lists(st.decimals(min_value=0, max_value=1, places=3), max_size=4),
    seed=st.randoms(use_true_random=False),
    held=st.sampled_from([None, "1"]),
)
def test_output_is_independent_of_signal_order(
    confidences: list[Decimal], severities: list[Decimal], seed: object, held: str | None
) -> None:
    opps = [
        opportunity(f"o{i}", Side.BUY if i % 2 == 0 else Side.SELL, str(c))
        for i, c in enumerate(confidences)
    ]
    threats = [threat(f"t{i}", str(s)) for i, s in enumerate(severities)]
    planner = WeightedPlanner(
        WeightedParams(
            allow_short=True, entry_threshold=Decimal("-1"), close_on_threat=Decimal("0.5")
        )
    )
    base = planner.plan(
        make_inputs(opportunities=tuple(opps), threats=tuple(threats), position=held)
    )
    shuffled_opps, shuffled_threats = list(opps), list(threats)
    seed.shuffle(shuffled_opps)  # type: ignore[attr-defined]
    seed.shuffle(shuffled_threats)  # type: ignore[attr-defined]
    again = planner.plan(
        make_inputs(
            opportunities=tuple(shuffled_opps), threats=tuple(shuffled_threats), position=held
        )
    )
    assert again == base


@given(run_id=st.text(min_size=1, max_size=8), ts=st.integers(min_value=0, max_value=2**45))
def test_directive_ids_are_deterministic_and_depend_on_run_and_time(run_id: str, ts: int) -> None:
    planner = WeightedPlanner(BLUEPRINT)
    first = planner.plan(make_inputs(opportunities=(CROSS_UP,), run_id=run_id, ts_ms=ts))
    second = planner.plan(make_inputs(opportunities=(CROSS_UP,), run_id=run_id, ts_ms=ts))
    later = planner.plan(make_inputs(opportunities=(CROSS_UP,), run_id=run_id, ts_ms=ts + 1))
    assert first[0].directive_id == second[0].directive_id
    assert first[0].directive_id != later[0].directive_id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("close_fraction", Decimal(0), "WeightedParams.close_fraction: expected a value in (0, 1]"),
        ("exit_confidence", Decimal("1.5"), "WeightedParams.exit_confidence"),
        ("w_opp", 0.5, "WeightedParams.w_opp: expected a decimal string"),
        ("quantity", Decimal("-0.01"), "WeightedParams.quantity"),
        (
            "allow_market_fallback",
            "true",
            "WeightedParams.allow_market_fallback: expected true or false",
        ),
        ("order_type", "market", "WeightedParams.order_type: expected one of"),
        ("max_slices", 0, "WeightedParams.max_slices: expected >= 1"),
    ],
)
def test_bad_params_name_the_field(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        WeightedParams(**{field: value})  # type: ignore[arg-type]
    assert message in str(info.value)


# The long/short cross: allow_short opens shorts, reverse flips in one cycle.
LONG_SHORT = attrs.evolve(BLUEPRINT, allow_short=True, reverse=True)


def test_allow_short_opens_a_short_on_cross_down_when_flat() -> None:
    (directive,) = WeightedPlanner(LONG_SHORT).plan(make_inputs(opportunities=(CROSS_DOWN,)))
    assert (directive.side, directive.scope) == (Side.SELL, DirectiveScope.NEW_TRADE)


def test_reverse_closes_a_long_then_opens_a_short_on_cross_down() -> None:
    planner = WeightedPlanner(LONG_SHORT)
    close, short = planner.plan(make_inputs(opportunities=(CROSS_DOWN,), position="0.03"))
    assert (close.side, close.scope, close.size.quantity) == (
        Side.SELL,
        DirectiveScope.CLOSE_EXISTING,
        Decimal("0.03"),
    )
    assert (short.side, short.scope) == (Side.SELL, DirectiveScope.NEW_TRADE)
    assert close.directive_id != short.directive_id


def test_reverse_closes_a_short_then_opens_a_long_on_cross_up() -> None:
    planner = WeightedPlanner(LONG_SHORT)
    close, long = planner.plan(make_inputs(opportunities=(CROSS_UP,), position="-0.05"))
    assert (close.side, close.scope, close.size.quantity) == (
        Side.BUY,
        DirectiveScope.CLOSE_EXISTING,
        Decimal("0.05"),
    )
    assert (long.side, long.scope) == (Side.BUY, DirectiveScope.NEW_TRADE)


def test_reverse_without_allow_short_only_closes_a_long() -> None:
    planner = WeightedPlanner(attrs.evolve(BLUEPRINT, reverse=True))
    (close,) = planner.plan(make_inputs(opportunities=(CROSS_DOWN,), position="0.03"))
    assert close.scope is DirectiveScope.CLOSE_EXISTING


def test_reverse_opens_nothing_below_the_entry_threshold() -> None:
    planner = WeightedPlanner(attrs.evolve(LONG_SHORT, entry_threshold=Decimal(2)))
    (close,) = planner.plan(make_inputs(opportunities=(CROSS_DOWN,), position="0.03"))
    assert close.scope is DirectiveScope.CLOSE_EXISTING


def test_reverse_needs_a_whole_close() -> None:
    with pytest.raises(ValueError, match="reverse = true needs close_fraction = 1"):
        WeightedParams(reverse=True, close_fraction=Decimal("0.5"))
