"""`fixed_fraction` size: risk a fixed fraction of equity between entry and stop."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.price_sides import is_protective_stop
from tradekernel.features.trade_planning.reference import positive_feature
from tradekernel.features.trade_planning.size_policy import plan_size
from tradekernel.features.trade_planning.validation import POSITIVE, UNIT_FRACTION, column_name

NAME = "fixed_fraction"


@attrs.frozen(kw_only=True)
class FixedFractionSizeParams:
    """`risk_fraction` of equity (0 < x <= 1) lost if the stop is hit.

    Without a directive stop the distance is `atr_multiple` times the `atr_column` feature.
    """

    risk_fraction: Decimal = attrs.field(default=Decimal("0.01"), validator=UNIT_FRACTION)
    atr_multiple: Decimal = attrs.field(default=Decimal(2), validator=POSITIVE)
    atr_column: str = attrs.field(default="atr_14", validator=column_name)


@attrs.frozen
class FixedFractionSize:
    """Size so that a stop-out loses `risk_fraction` of equity: equity * risk / distance.

    The stop distance is |reference - exit.stop_loss_price| when the directive carries a
    stop on the protective side (a wrong-side stop is ignored, and the rationale says so),
    else `atr_multiple` * ATR. Without either (ATR still warming up) the size is 0.
    """

    params: FixedFractionSizeParams = attrs.field(factory=FixedFractionSizeParams)
    # The rationale's fixed words, with the params formatted once, not per directive.
    _risk_text: str = attrs.field(init=False, repr=False, eq=False)
    _atr_text: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        params = self.params
        object.__setattr__(self, "_risk_text", f"risk {params.risk_fraction} of equity ")
        object.__setattr__(self, "_atr_text", f"{params.atr_multiple} x {params.atr_column} ")

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive can be sized."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return the risk-based quantity (see the class docstring), capped at max_notional.

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        params = self.params
        risk_text, atr_text = self._risk_text, self._atr_text

        def delegated(reference: Decimal) -> tuple[Decimal, str]:
            if account.equity <= 0:
                return Decimal(0), f"equity {account.equity} is not positive"
            stop = directive.exit.stop_loss_price
            note = ""
            if stop is not None and is_protective_stop(directive.side, reference, stop):
                distance = abs(reference - stop)
                source = f"directive stop {stop}"
            else:
                if stop is not None:
                    note = f"directive stop {stop} on the wrong side ignored; "
                atr = positive_feature(snapshot, params.atr_column)
                if atr is None:
                    return Decimal(0), (
                        f"{note}no stop information: no directive stop and "
                        f"{params.atr_column} is not available"
                    )
                distance = params.atr_multiple * atr
                source = f"{atr_text}{atr}"
            quantity = account.equity * params.risk_fraction / distance
            return quantity, (
                f"{note}{risk_text}{account.equity} over stop distance {distance} ({source})"
            )

        return plan_size(NAME, directive, snapshot, delegated)


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=FixedFractionSizeParams,
    factory=FixedFractionSize,
    summary="Risk a fixed fraction of equity over the stop distance (directive stop or ATR).",
    requires=lambda params: (params.atr_column,),
)
