"""`fixed_rr` exit: a stop a fixed fraction away, a take-profit at a multiple of that risk."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.trade_plans import ExitPlan
from tradekernel.features.trade_planning.directive_check import require_same_symbol
from tradekernel.features.trade_planning.exit_levels import (
    build_exit,
    hinted_stop,
    hinted_take_profit,
    no_exit,
    opens_nothing,
    risk_reward,
)
from tradekernel.features.trade_planning.price_sides import toward_loss, toward_profit
from tradekernel.features.trade_planning.reference import reference_price
from tradekernel.features.trade_planning.validation import POSITIVE, decimal_range

NAME = "fixed_rr"


@attrs.frozen(kw_only=True)
class FixedRiskRewardExitParams:
    """`stop_pct`: stop distance as a fraction of the reference (0.02 = 2 %, 0 < x < 1);
    `risk_reward`: take-profit distance over stop distance (> 0)."""

    stop_pct: Decimal = attrs.field(
        default=Decimal("0.02"),
        validator=decimal_range(
            low=Decimal(0), high=Decimal(1), low_inclusive=False, high_inclusive=False
        ),
    )
    risk_reward: Decimal = attrs.field(default=Decimal(2), validator=POSITIVE)


@attrs.frozen
class FixedRiskRewardExit:
    """Stop `stop_pct` below a buy's reference (above a sell's), or the directive's stop
    hint; take-profit at risk * risk_reward beyond the reference (the directive's
    `exit.risk_reward` overrides the param, its take-profit hint overrides the level).

    A sell's take-profit that would not be positive is left out.
    """

    params: FixedRiskRewardExitParams = attrs.field(factory=FixedRiskRewardExitParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive gets an exit plan."""
        return True

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> ExitPlan:
        """Return the stop and take-profit (see the class docstring).

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        require_same_symbol(directive, snapshot.symbol)
        if opens_nothing(directive):
            return no_exit(NAME, directive)
        reference = reference_price(snapshot)
        stop = hinted_stop(directive, reference)
        if stop is None:
            stop = toward_loss(directive.side, reference, reference * self.params.stop_pct)
        risk = abs(reference - stop)
        take_profit = hinted_take_profit(directive, reference)
        if take_profit is None:
            ratio = risk_reward(directive, self.params.risk_reward)
            take_profit = toward_profit(directive.side, reference, risk * ratio)
        return build_exit(NAME, directive, reference, stop, take_profit)


SPEC = PluginSpec(
    kind=PluginKind.EXIT,
    name=NAME,
    params=FixedRiskRewardExitParams,
    factory=FixedRiskRewardExit,
    summary="Stop a fixed fraction away, take-profit at a multiple of the risk.",
)
