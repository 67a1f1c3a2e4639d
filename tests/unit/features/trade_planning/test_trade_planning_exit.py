from decimal import Decimal

from trade_planning_builders import directive, snapshot

from tradekernel.domain.directives import ExitDirective, SizeDirective
from tradekernel.domain.enums import DirectiveScope, Side, SizingPolicy
from tradekernel.domain.trade_plans import ExitPlan
from tradekernel.features.trade_planning.atr_exit import AtrExit, AtrExitParams
from tradekernel.features.trade_planning.fixed_rr_exit import (
    FixedRiskRewardExit,
    FixedRiskRewardExitParams,
)
from tradekernel.features.trade_planning.no_exit import NoExit
from tradekernel.features.trade_planning.swing_exit import SwingExit, SwingExitParams

RR = FixedRiskRewardExit(
    FixedRiskRewardExitParams(stop_pct=Decimal("0.02"), risk_reward=Decimal(2))
)
ATR = AtrExit(AtrExitParams(atr_multiple=Decimal(2), tp_multiple=Decimal(3)))
SWING = SwingExit(SwingExitParams(buffer_bps=Decimal(10), risk_reward=Decimal(2)))


def levels(plan: ExitPlan) -> tuple[Decimal | None, Decimal | None]:
    return plan.stop_price, plan.take_profit_price


def test_fixed_rr_buy_stops_below_and_takes_profit_at_twice_the_risk() -> None:
    plan = RR.plan(directive(), snapshot(close=100.0))

    assert levels(plan) == (Decimal(98), Decimal(104))
    assert plan.planner == "fixed_rr"


def test_fixed_rr_sell_stops_above_and_takes_profit_below() -> None:
    assert levels(RR.plan(directive(side=Side.SELL), snapshot(close=100.0))) == (
        Decimal(102),
        Decimal(96),
    )


def test_fixed_rr_directive_risk_reward_overrides_the_param() -> None:
    hinted = directive(exit_=ExitDirective(risk_reward=Decimal(3)))

    assert levels(RR.plan(hinted, snapshot(close=100.0))) == (Decimal(98), Decimal(106))


def test_fixed_rr_directive_stop_hint_sets_the_risk() -> None:
    hinted = directive(exit_=ExitDirective(stop_loss_price=Decimal(97)))

    assert levels(RR.plan(hinted, snapshot(close=100.0))) == (Decimal(97), Decimal(106))


def test_fixed_rr_ignores_a_wrong_side_stop_hint() -> None:
    wrong = directive(exit_=ExitDirective(stop_loss_price=Decimal(101)))

    assert levels(RR.plan(wrong, snapshot(close=100.0))) == (Decimal(98), Decimal(104))


def test_fixed_rr_directive_take_profit_hint_wins_when_on_the_right_side() -> None:
    hinted = directive(exit_=ExitDirective(take_profit_price=Decimal(120)))

    assert levels(RR.plan(hinted, snapshot(close=100.0))) == (Decimal(98), Decimal(120))


def test_fixed_rr_sell_take_profit_that_would_not_be_positive_is_left_out() -> None:
    wide = FixedRiskRewardExit(
        FixedRiskRewardExitParams(stop_pct=Decimal("0.5"), risk_reward=Decimal(3))
    )

    assert levels(wide.plan(directive(side=Side.SELL), snapshot(close=100.0))) == (
        Decimal(150),
        None,
    )


def test_trailing_stop_hint_is_passed_through() -> None:
    hinted = directive(exit_=ExitDirective(trailing_stop_pct=Decimal("1.5")))

    assert RR.plan(hinted, snapshot()).trailing_stop_pct == Decimal("1.5")


def test_close_existing_directive_gets_no_exit_levels() -> None:
    close = directive(
        side=Side.SELL,
        scope=DirectiveScope.CLOSE_EXISTING,
        size=SizeDirective(policy=SizingPolicy.EXPLICIT, quantity=Decimal(1)),
        exit_=ExitDirective(stop_loss_price=Decimal(110), trailing_stop_pct=Decimal(1)),
    )

    for planner in (RR, ATR, SWING):
        plan = planner.plan(close, snapshot(close=100.0, atr_14=2.0, swing_high=105.0))
        assert levels(plan) == (None, None)
        assert plan.trailing_stop_pct is None


def test_atr_buy_levels_are_multiples_of_the_atr() -> None:
    plan = ATR.plan(directive(), snapshot(close=100.0, atr_14=2.0))

    assert levels(plan) == (Decimal(96), Decimal(106))


def test_atr_sell_levels_mirror_the_buy() -> None:
    plan = ATR.plan(directive(side=Side.SELL), snapshot(close=100.0, atr_14=2.0))

    assert levels(plan) == (Decimal(104), Decimal(94))


def test_atr_missing_during_warm_up_gives_no_stop_and_no_take_profit() -> None:
    assert levels(ATR.plan(directive(), snapshot(close=100.0))) == (None, None)


def test_atr_missing_still_honours_the_directive_hints() -> None:
    hinted = directive(exit_=ExitDirective(stop_loss_price=Decimal(90)))

    assert levels(ATR.plan(hinted, snapshot(close=100.0))) == (Decimal(90), None)


def test_atr_buy_stop_that_would_not_be_positive_is_left_out() -> None:
    plan = ATR.plan(directive(), snapshot(close=100.0, atr_14=60.0))

    assert levels(plan) == (None, Decimal(280))


def test_atr_reads_the_configured_column() -> None:
    custom = AtrExit(AtrExitParams(atr_column="atr_7", atr_multiple=Decimal(1)))

    plan = custom.plan(directive(), snapshot(close=100.0, atr_14=2.0, atr_7=5.0))

    assert levels(plan) == (Decimal(95), Decimal(115))


def test_swing_buy_stops_just_below_the_swing_low() -> None:
    plan = SWING.plan(directive(), snapshot(close=100.0, swing_low=95.0, swing_high=110.0))

    # 95 - 10 bps = 94.905; risk 5.095, take-profit 100 + 2 * 5.095
    assert levels(plan) == (Decimal("94.905"), Decimal("110.19"))


def test_swing_sell_stops_just_above_the_swing_high() -> None:
    plan = SWING.plan(
        directive(side=Side.SELL), snapshot(close=100.0, swing_low=95.0, swing_high=105.0)
    )

    assert levels(plan) == (Decimal("105.105"), Decimal("89.79"))


def test_swing_level_already_broken_gives_no_stop_rather_than_a_wrong_side_one() -> None:
    plan = SWING.plan(directive(), snapshot(close=100.0, swing_low=101.0))

    assert levels(plan) == (None, None)


def test_swing_missing_during_warm_up_gives_no_stop() -> None:
    assert levels(SWING.plan(directive(), snapshot(close=100.0))) == (None, None)


def test_none_exit_plans_nothing_even_with_hints() -> None:
    hinted = directive(
        exit_=ExitDirective(stop_loss_price=Decimal(90), take_profit_price=Decimal(120))
    )

    plan = NoExit().plan(hinted, snapshot())

    assert plan == ExitPlan(directive_id="dir-1", planner="none")
