"""`swing` exit: stop just beyond the last swing low (buy) or high (sell)."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind, Side
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
from tradekernel.features.trade_planning.price_sides import (
    is_protective_stop,
    toward_profit,
)
from tradekernel.features.trade_planning.reference import (
    BPS_PER_UNIT,
    positive_feature,
    reference_price,
)
from tradekernel.features.trade_planning.validation import OFFSET_BPS, POSITIVE, column_name

NAME = "swing"


@attrs.frozen(kw_only=True)
class SwingExitParams:
    """Swing level columns, the `buffer_bps` beyond the level, and `risk_reward` (> 0)."""

    swing_low_column: str = attrs.field(default="swing_low", validator=column_name)
    swing_high_column: str = attrs.field(default="swing_high", validator=column_name)
    buffer_bps: Decimal = attrs.field(default=Decimal(10), validator=OFFSET_BPS)
    risk_reward: Decimal = attrs.field(default=Decimal(2), validator=POSITIVE)


@attrs.frozen
class SwingExit:
    """Stop `buffer_bps` beyond the swing level (below a buy's swing low, above a sell's
    swing high), take-profit at risk * risk_reward (the directive's `exit.risk_reward`
    overrides). The directive's own stop and take-profit hints win when on the right side.

    If the swing column is missing (warm-up) or the level is not beyond the reference
    (price already broke through it), there is no computed stop and so no take-profit.
    """

    params: SwingExitParams = attrs.field(factory=SwingExitParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive gets an exit plan."""
        return True

    def _swing_stop(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot
    ) -> Decimal | None:
        buying = directive.side is Side.BUY
        column = self.params.swing_low_column if buying else self.params.swing_high_column
        level = positive_feature(snapshot, column)
        if level is None:
            return None
        buffer = level * self.params.buffer_bps / BPS_PER_UNIT
        return level - buffer if buying else level + buffer

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> ExitPlan:
        """Return the swing stop and take-profit (see the class docstring).

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
            stop = self._swing_stop(directive, snapshot)
        if stop is None or not is_protective_stop(directive.side, reference, stop):
            return build_exit(
                NAME, directive, reference, None, hinted_take_profit(directive, reference)
            )
        take_profit = hinted_take_profit(directive, reference)
        if take_profit is None:
            ratio = risk_reward(directive, self.params.risk_reward)
            take_profit = toward_profit(directive.side, reference, abs(reference - stop) * ratio)
        return build_exit(NAME, directive, reference, stop, take_profit)


SPEC = PluginSpec(
    kind=PluginKind.EXIT,
    name=NAME,
    params=SwingExitParams,
    factory=SwingExit,
    summary="Stop just beyond the last swing low/high, take-profit at a multiple of the risk.",
    requires=lambda params: (params.swing_low_column, params.swing_high_column),
)
