from decimal import Decimal

import msgspec
import pytest
from trade_planning_builders import SYMBOL, account, directive, snapshot

from tradekernel.domain.directives import ExitDirective, SizeDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.features.trade_planning.confidence_scaled_size import (
    ConfidenceScaledSize,
    ConfidenceScaledSizeParams,
)
from tradekernel.features.trade_planning.explicit_size import ExplicitSize, ExplicitSizeParams
from tradekernel.features.trade_planning.fixed_fraction_size import (
    FixedFractionSize,
    FixedFractionSizeParams,
)
from tradekernel.features.trade_planning.fixed_quantity_size import (
    FixedQuantitySize,
    FixedQuantitySizeParams,
)
from tradekernel.features.trade_planning.kelly_size import KellySize, KellySizeParams, kelly_optimal
from tradekernel.features.trade_planning.margin_fraction_size import (
    MarginFractionSize,
    MarginFractionSizeParams,
)

FIXED = FixedQuantitySize(FixedQuantitySizeParams(quantity=Decimal("0.5")))
RISK = FixedFractionSize(
    FixedFractionSizeParams(risk_fraction=Decimal("0.01"), atr_multiple=Decimal(2))
)


def test_fixed_quantity_returns_the_param_quantity() -> None:
    plan = FIXED.plan(directive(), snapshot(), account())

    assert plan.quantity == Decimal("0.5")
    assert plan.planner == "fixed_quantity"
    assert plan.rationale == "fixed quantity 0.5"


def test_max_notional_caps_a_delegated_quantity() -> None:
    capped = directive(size=SizeDirective(max_notional=Decimal(20)))

    plan = FIXED.plan(capped, snapshot(close=100.0), account())

    assert plan.quantity == Decimal("0.2")
    assert "capped by size.max_notional 20" in plan.rationale


def test_max_notional_above_the_order_leaves_the_quantity_alone() -> None:
    loose = directive(size=SizeDirective(max_notional=Decimal(1000)))

    assert FIXED.plan(loose, snapshot(close=100.0), account()).quantity == Decimal("0.5")


def test_zero_max_notional_sizes_to_zero_with_a_reason() -> None:
    closed = directive(size=SizeDirective(max_notional=Decimal(0)))

    plan = FIXED.plan(closed, snapshot(), account())

    assert plan.quantity == 0
    assert plan.rationale == "size.max_notional 0 is not positive"


def test_explicit_quantity_wins_over_the_param_and_is_still_capped() -> None:
    explicit = directive(
        size=SizeDirective(
            policy=SizingPolicy.EXPLICIT, quantity=Decimal("0.3"), max_notional=Decimal(25)
        )
    )

    plan = FIXED.plan(explicit, snapshot(close=100.0), account())

    assert plan.quantity == Decimal("0.25")


def test_close_existing_explicit_quantity_is_returned_unchanged_even_above_the_cap() -> None:
    close = directive(
        side=Side.SELL,
        scope=DirectiveScope.CLOSE_EXISTING,
        size=SizeDirective(
            policy=SizingPolicy.EXPLICIT, quantity=Decimal("0.3"), max_notional=Decimal(1)
        ),
    )

    for planner in (
        FIXED,
        RISK,
        KellySize(KellySizeParams(win_rate=Decimal("0.6"), payoff=Decimal(2))),
    ):
        plan = planner.plan(close, snapshot(close=100.0), account())
        assert plan.quantity == Decimal("0.3")
        assert plan.rationale == "explicit quantity of a close_existing directive, unchanged"


def test_close_existing_without_explicit_quantity_sizes_to_zero() -> None:
    close = directive(side=Side.SELL, scope=DirectiveScope.CLOSE_EXISTING)

    plan = FIXED.plan(close, snapshot(), account())

    assert plan.quantity == 0
    assert "close_existing" in plan.rationale


@pytest.mark.parametrize(
    ("quantity", "why"),
    [
        (None, "EXPLICIT sizing without size.quantity"),
        (Decimal(-1), "EXPLICIT size.quantity -1 is not positive"),
        (Decimal("NaN"), "EXPLICIT size.quantity NaN is not positive"),
    ],
)
def test_explicit_without_a_usable_quantity_sizes_to_zero(
    quantity: Decimal | None, why: str
) -> None:
    explicit = directive(size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=quantity))

    plan = FIXED.plan(explicit, snapshot(), account())

    assert plan.quantity == 0
    assert plan.rationale == why


def test_fixed_fraction_uses_the_directive_stop_distance() -> None:
    stopped = directive(exit_=ExitDirective(stop_loss_price=Decimal(95)))

    plan = RISK.plan(stopped, snapshot(close=100.0, atr_14=1.0), account("10000"))

    # 10000 * 0.01 / (100 - 95)
    assert plan.quantity == Decimal(20)
    assert "directive stop 95" in plan.rationale


def test_fixed_fraction_sell_uses_a_stop_above_the_close() -> None:
    stopped = directive(side=Side.SELL, exit_=ExitDirective(stop_loss_price=Decimal(104)))

    plan = RISK.plan(stopped, snapshot(close=100.0), account("10000"))

    assert plan.quantity == Decimal(25)


def test_fixed_fraction_falls_back_to_atr_multiple_without_a_stop() -> None:
    plan = RISK.plan(directive(), snapshot(close=100.0, atr_14=2.5), account("10000"))

    # 10000 * 0.01 / (2 * 2.5)
    assert plan.quantity == Decimal(20)
    assert "2 x atr_14 2.5" in plan.rationale


def test_fixed_fraction_ignores_a_wrong_side_stop_and_says_so() -> None:
    wrong = directive(exit_=ExitDirective(stop_loss_price=Decimal(105)))

    plan = RISK.plan(wrong, snapshot(close=100.0, atr_14=2.5), account("10000"))

    assert plan.quantity == Decimal(20)
    assert "directive stop 105 on the wrong side ignored" in plan.rationale


def test_fixed_fraction_without_stop_or_atr_sizes_to_zero_with_a_reason() -> None:
    plan = RISK.plan(directive(), snapshot(close=100.0), account())

    assert plan.quantity == 0
    assert "no stop information" in plan.rationale
    assert "atr_14" in plan.rationale


def test_fixed_fraction_with_non_positive_equity_sizes_to_zero() -> None:
    plan = RISK.plan(directive(), snapshot(atr_14=1.0), account("-5"))

    assert plan.quantity == 0
    assert "equity -5 is not positive" in plan.rationale


def test_kelly_optimal_matches_the_formula() -> None:
    assert kelly_optimal(Decimal("0.6"), Decimal(2)) == Decimal("0.4")
    assert kelly_optimal(Decimal("0.3"), Decimal(1)) == Decimal("-0.4")


def test_kelly_invests_the_scaled_fraction_of_equity() -> None:
    kelly = KellySize(
        KellySizeParams(
            win_rate=Decimal("0.6"),
            payoff=Decimal(2),
            kelly_fraction=Decimal("0.5"),
            max_fraction=Decimal("0.25"),
        )
    )

    plan = kelly.plan(directive(), snapshot(close=100.0), account("10000"))

    # f* = 0.4, half Kelly 0.2, 2000 quote at 100
    assert plan.quantity == Decimal(20)


def test_kelly_is_capped_at_max_fraction() -> None:
    kelly = KellySize(
        KellySizeParams(win_rate=Decimal("0.6"), payoff=Decimal(2), max_fraction=Decimal("0.1"))
    )

    assert kelly.plan(directive(), snapshot(close=100.0), account("10000")).quantity == 10


def test_kelly_without_edge_sizes_to_zero() -> None:
    kelly = KellySize(KellySizeParams(win_rate=Decimal("0.3"), payoff=Decimal(1)))

    plan = kelly.plan(directive(), snapshot(), account())

    assert plan.quantity == 0
    assert plan.rationale == "kelly f* -0.4 is not positive: no edge"


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [("0.5", Decimal(5)), ("1", Decimal(8)), ("0.05", Decimal(1)), ("1.7", Decimal(8))],
)
def test_confidence_scaled_clamps_the_notional_between_min_and_max(
    confidence: str, expected: Decimal
) -> None:
    scaled = ConfidenceScaledSize(
        ConfidenceScaledSizeParams(
            base_notional=Decimal(1000), min_notional=Decimal(100), max_notional=Decimal(800)
        )
    )

    plan = scaled.plan(directive(confidence=confidence), snapshot(close=100.0), account())

    assert plan.quantity == expected


def test_confidence_scaled_with_zero_confidence_and_zero_min_sizes_to_zero() -> None:
    scaled = ConfidenceScaledSize(
        ConfidenceScaledSizeParams(base_notional=Decimal(1000), max_notional=Decimal(800))
    )

    plan = scaled.plan(directive(confidence="0"), snapshot(), account())

    assert plan.quantity == 0
    assert plan.rationale == "notional 0 = base 1000 x confidence 0 within 0..800"


def test_explicit_size_keeps_the_directives_quantity_and_sizes_delegated_to_zero() -> None:
    planner = ExplicitSize(ExplicitSizeParams())
    explicit = directive(size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=Decimal("0.25")))
    delegated = directive(size=SizeDirective(policy=SizingPolicy.DELEGATED))
    assert planner.plan(explicit, snapshot(close=100.0), account()).quantity == Decimal("0.25")
    zero = planner.plan(delegated, snapshot(close=100.0), account())
    assert zero.quantity == 0
    assert "no size planner is configured" in zero.rationale


MARGIN = MarginFractionSize(
    MarginFractionSizeParams(fraction=Decimal("0.5"), fee_rate=Decimal("0.001"))
)
PERP = PerpetualTerms(leverage=Decimal(10))


def test_margin_fraction_spends_the_share_of_cash_on_margin_and_fee() -> None:
    perp = msgspec.structs.replace(account("1000"), perpetual=PERP)
    plan = MARGIN.plan(directive(side=Side.SELL), snapshot(close=100.0), perp)
    # 500 / (100 * (1/10 + 0.001)) = 49.50495...
    assert Decimal("49.5049") < plan.quantity <= Decimal("49.50496")
    assert plan.quantity * 100 * (Decimal("0.1") + Decimal("0.001")) <= 500


def test_margin_fraction_on_spot_spends_the_share_of_cash_at_leverage_one() -> None:
    plan = MARGIN.plan(directive(), snapshot(close=100.0), account("1000"))
    assert Decimal("4.995") < plan.quantity < Decimal("4.9951")


def test_margin_fraction_adds_what_a_flip_releases() -> None:
    flip = msgspec.structs.replace(
        account("1000"),
        perpetual=PERP,
        exposure={SYMBOL: Decimal(2000)},
        released_by_close={SYMBOL: Decimal(200)},
    )
    short = MARGIN.plan(directive(side=Side.SELL), snapshot(close=100.0), flip)
    more_long = MARGIN.plan(directive(side=Side.BUY), snapshot(close=100.0), flip)
    assert short.quantity > more_long.quantity
    assert short.quantity * 100 * (Decimal("0.1") + Decimal("0.001")) <= 600
