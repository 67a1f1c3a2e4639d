"""`fixed_quantity` size: the same base quantity for every delegated directive."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.size_policy import plan_size
from tradekernel.features.trade_planning.validation import POSITIVE

NAME = "fixed_quantity"


@attrs.frozen(kw_only=True)
class FixedQuantitySizeParams:
    """`quantity` in base units (> 0)."""

    quantity: Decimal = attrs.field(validator=POSITIVE)


@attrs.frozen
class FixedQuantitySize:
    """Size every delegated directive at `quantity` (see `size_policy` for the shared rules)."""

    params: FixedQuantitySizeParams

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive can be sized."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return `quantity`, or the directive's explicit quantity, capped at max_notional.

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        quantity = self.params.quantity
        return plan_size(
            NAME, directive, snapshot, lambda _reference: (quantity, f"fixed quantity {quantity}")
        )


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=FixedQuantitySizeParams,
    factory=FixedQuantitySize,
    summary="Trade the same base quantity every time.",
)
