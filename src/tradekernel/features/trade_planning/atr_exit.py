"""`atr` exit: stop and take-profit at multiples of the ATR feature away from the close."""

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
)
from tradekernel.features.trade_planning.price_sides import toward_loss, toward_profit
from tradekernel.features.trade_planning.reference import positive_feature, reference_price
from tradekernel.features.trade_planning.validation import POSITIVE, column_name

NAME = "atr"


@attrs.frozen(kw_only=True)
class AtrExitParams:
    """`atr_column` to read; stop at `atr_multiple` and take-profit at `tp_multiple` ATRs."""

    atr_column: str = attrs.field(default="atr_14", validator=column_name)
    atr_multiple: Decimal = attrs.field(default=Decimal(2), validator=POSITIVE)
    tp_multiple: Decimal = attrs.field(default=Decimal(3), validator=POSITIVE)


@attrs.frozen
class AtrExit:
    """Stop `atr_multiple` ATRs on the losing side, take-profit `tp_multiple` ATRs on the
    winning side; the directive's own stop and take-profit hints win when on the right side.

    While the ATR column is missing (warm-up) there is no computed stop or take-profit:
    only the directive's hints, if any.
    """

    params: AtrExitParams = attrs.field(factory=AtrExitParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive gets an exit plan."""
        return True

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> ExitPlan:
        """Return the ATR stop and take-profit (see the class docstring).

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        require_same_symbol(directive, snapshot.symbol)
        if opens_nothing(directive):
            return no_exit(NAME, directive)
        reference = reference_price(snapshot)
        atr = positive_feature(snapshot, self.params.atr_column)
        stop = hinted_stop(directive, reference)
        if stop is None and atr is not None:
            stop = toward_loss(directive.side, reference, self.params.atr_multiple * atr)
        take_profit = hinted_take_profit(directive, reference)
        if take_profit is None and atr is not None:
            take_profit = toward_profit(directive.side, reference, self.params.tp_multiple * atr)
        return build_exit(NAME, directive, reference, stop, take_profit)


SPEC = PluginSpec(
    kind=PluginKind.EXIT,
    name=NAME,
    params=AtrExitParams,
    factory=AtrExit,
    summary="Stop and take-profit at multiples of the ATR away from the close.",
    requires=lambda params: (params.atr_column,),
)
