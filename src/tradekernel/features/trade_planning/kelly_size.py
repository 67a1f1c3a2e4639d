"""`kelly` size: a fraction of the Kelly-optimal share of equity."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.size_policy import plan_size
from tradekernel.features.trade_planning.validation import POSITIVE, UNIT_FRACTION, decimal_range

NAME = "kelly"


@attrs.frozen(kw_only=True)
class KellySizeParams:
    """`win_rate` p (0 < p < 1), `payoff` b (average win / average loss, > 0), the
    `kelly_fraction` applied to f* (0 < x <= 1) and the `max_fraction` cap (0 < x <= 1)."""

    win_rate: Decimal = attrs.field(
        validator=decimal_range(
            low=Decimal(0), high=Decimal(1), low_inclusive=False, high_inclusive=False
        )
    )
    payoff: Decimal = attrs.field(validator=POSITIVE)
    kelly_fraction: Decimal = attrs.field(default=Decimal("0.5"), validator=UNIT_FRACTION)
    max_fraction: Decimal = attrs.field(default=Decimal("0.25"), validator=UNIT_FRACTION)


def kelly_optimal(win_rate: Decimal, payoff: Decimal) -> Decimal:
    """Return f* = p - (1 - p) / b, the Kelly-optimal fraction (negative means no edge)."""
    return win_rate - (1 - win_rate) / payoff


@attrs.frozen
class KellySize:
    """Invest min(f* * kelly_fraction, max_fraction) of equity, divided by the reference.

    A non-positive f* (no edge) or non-positive equity gives 0 with a rationale.
    """

    params: KellySizeParams

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive can be sized."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return the Kelly quantity (see the class docstring), capped at max_notional.

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        params = self.params

        def delegated(reference: Decimal) -> tuple[Decimal, str]:
            optimal = kelly_optimal(params.win_rate, params.payoff)
            if optimal <= 0:
                return Decimal(0), f"kelly f* {optimal} is not positive: no edge"
            if account.equity <= 0:
                return Decimal(0), f"equity {account.equity} is not positive"
            fraction = min(optimal * params.kelly_fraction, params.max_fraction)
            quantity = account.equity * fraction / reference
            return quantity, (
                f"kelly f* {optimal} x {params.kelly_fraction} capped at {params.max_fraction} "
                f"= {fraction} of equity {account.equity}"
            )

        return plan_size(NAME, directive, snapshot, delegated)


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=KellySizeParams,
    factory=KellySize,
    summary="Invest a fraction of the Kelly-optimal share of equity.",
)
