"""`margin_fraction` size: an entry whose margin plus fee use a share of the available balance."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.perpetuals import margin_quantity
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.size_policy import plan_size
from tradekernel.features.trade_planning.validation import NON_NEGATIVE, UNIT_FRACTION

NAME = "margin_fraction"
# Finer than any venue's step: the intent gates floor the quantity to the symbol's step.
_STEP = Decimal("1E-12")


@attrs.frozen(kw_only=True)
class MarginFractionSizeParams:
    """`fraction` of the available balance (0 < x <= 1) an entry's margin plus fee use.

    `fee_rate` is the fee counted per unit of notional: set it to the blueprint's
    `fees.taker`, the rate the intent gates reserve, so a fraction of 1 still passes them.
    """

    fraction: Decimal = attrs.field(default=Decimal("0.95"), validator=UNIT_FRACTION)
    fee_rate: Decimal = attrs.field(default=Decimal("0.001"), validator=NON_NEGATIVE)


@attrs.frozen
class MarginFractionSize:
    """Size so that `q * price / leverage + q * price * fee_rate = available * fraction`.

    On a linear perpetual account `available` is the available balance (wallet less locked
    margin) and, for an entry against a held position (a flip: the close comes first in the
    plan), plus what closing that position releases; the leverage is the account's. On spot
    the leverage is 1: the entry spends `fraction` of the cash, fees included.
    """

    params: MarginFractionSizeParams = attrs.field(factory=MarginFractionSizeParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive can be sized."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return the margin-based quantity (see the class docstring), capped at max_notional.

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        params = self.params
        terms = account.perpetual
        leverage = terms.leverage if terms is not None else Decimal(1)
        available = account.cash
        held = account.exposure.get(directive.symbol, Decimal(0))
        flips = held < 0 if directive.side is Side.BUY else held > 0
        if terms is not None and flips:
            available += account.released_by_close.get(directive.symbol, Decimal(0))

        def delegated(reference: Decimal) -> tuple[Decimal, str]:
            quantity = margin_quantity(
                available=available,
                fraction=params.fraction,
                price=reference,
                leverage=leverage,
                fee_rate=params.fee_rate,
                step=_STEP,
            )
            return quantity, (
                f"margin plus fee use {params.fraction} of available {available} "
                f"at leverage {leverage} and price {reference}"
            )

        return plan_size(NAME, directive, snapshot, delegated)


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=MarginFractionSizeParams,
    factory=MarginFractionSize,
    summary="Spend a share of the available balance as margin plus fee, at the leverage.",
)
