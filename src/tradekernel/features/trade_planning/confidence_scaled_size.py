"""`confidence_scaled` size: a base notional scaled by the directive's confidence."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.size_policy import plan_size
from tradekernel.features.trade_planning.validation import NON_NEGATIVE, POSITIVE

NAME = "confidence_scaled"


@attrs.frozen(kw_only=True)
class ConfidenceScaledSizeParams:
    """`base_notional` (> 0) in quote, clamped to `min_notional`..`max_notional`."""

    base_notional: Decimal = attrs.field(validator=POSITIVE)
    min_notional: Decimal = attrs.field(default=Decimal(0), validator=NON_NEGATIVE)
    max_notional: Decimal = attrs.field(validator=POSITIVE)

    def __attrs_post_init__(self) -> None:
        if self.min_notional > self.max_notional:
            raise ValueError(
                f"ConfidenceScaledSizeParams.min_notional {self.min_notional} must be <= "
                f"max_notional {self.max_notional}"
            )


def _unit(confidence: Decimal) -> Decimal:
    # Confidence is documented as 0..1; a stray value must not scale a trade beyond base.
    if confidence.is_nan():
        return Decimal(0)
    return min(Decimal(1), max(Decimal(0), confidence))


@attrs.frozen
class ConfidenceScaledSize:
    """Trade a notional of base_notional * confidence, within min..max, over the reference."""

    params: ConfidenceScaledSizeParams
    # The rationale's fixed words, with the params formatted once, not per directive.
    _base_text: str = attrs.field(init=False, repr=False, eq=False)
    _range_text: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        params = self.params
        object.__setattr__(self, "_base_text", f" = base {params.base_notional} x confidence ")
        within = f" within {params.min_notional}..{params.max_notional}"
        object.__setattr__(self, "_range_text", within)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive can be sized."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return notional / reference (see the class docstring), capped at max_notional.

        Raises:
            ValueError: if the snapshot is for another symbol or its close is not a positive
                finite price.
        """
        params = self.params
        base_text, range_text = self._base_text, self._range_text

        def delegated(reference: Decimal) -> tuple[Decimal, str]:
            confidence = _unit(directive.confidence)
            scaled = params.base_notional * confidence
            notional = min(params.max_notional, max(params.min_notional, scaled))
            return notional / reference, f"notional {notional}{base_text}{confidence}{range_text}"

        return plan_size(NAME, directive, snapshot, delegated)


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=ConfidenceScaledSizeParams,
    factory=ConfidenceScaledSize,
    summary="Trade a base notional scaled by confidence, between a min and a max notional.",
)
