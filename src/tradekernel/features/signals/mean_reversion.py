"""RSI mean-reversion opportunity."""

from collections.abc import Mapping

import attrs

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.features.signals.feature_columns import column
from tradekernel.features.signals.signal_builders import opportunity
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import above, non_empty


def _below_100(_instance: object, attribute: "attrs.Attribute[float]", value: float) -> None:
    if not value < 100.0:
        raise ValueError(f"{attribute.name} must be < 100, got {value}")


@attrs.frozen(kw_only=True)
class RsiReversionParams:
    """`column` names an RSI column (0..100); require 0 < oversold < overbought < 100."""

    name: str = attrs.field(default="rsi_reversion", validator=non_empty)
    column: str = attrs.field(default="rsi", validator=non_empty)
    oversold: float = attrs.field(default=30.0, validator=above(0.0))
    overbought: float = attrs.field(default=70.0, validator=_below_100)

    @overbought.validator
    def _check_order(self, _attribute: "attrs.Attribute[float]", value: float) -> None:
        if not self.oversold < value:
            raise ValueError(f"overbought must be > oversold ({self.oversold}), got {value}")


class RsiReversion:
    """BUY when RSI < oversold, SELL when RSI > overbought (strict).

    Confidence rises linearly with the distance past the level, reaching 1 at the end of
    the scale: `(oversold - rsi) / oversold` for a buy, `(rsi - overbought) /
    (100 - overbought)` for a sell.
    """

    def __init__(self, params: RsiReversionParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a reversion signal, or None inside the neutral band."""
        p = self._params
        rsi = snapshot.get(p.column)
        if rsi is None:
            return None
        if rsi < p.oversold:
            confidence = (p.oversold - rsi) / p.oversold
            return opportunity(p.name, snapshot, Side.BUY, confidence, f"{p.column} oversold")
        if rsi > p.overbought:
            confidence = (rsi - p.overbought) / (100.0 - p.overbought)
            return opportunity(p.name, snapshot, Side.SELL, confidence, f"{p.column} overbought")
        return None

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True wherever the RSI is outside the neutral band."""
        rsi = column(bars, features, self._params.column)
        mask: BoolArray = (rsi < self._params.oversold) | (rsi > self._params.overbought)
        return mask


def _requires(params: RsiReversionParams) -> tuple[str, ...]:
    return (params.column,)


RSI_REVERSION_SPEC = PluginSpec(
    kind=PluginKind.OPPORTUNITY,
    name="rsi_reversion",
    params=RsiReversionParams,
    factory=RsiReversion,
    summary="Buy an oversold RSI, sell an overbought one.",
    requires=_requires,
)
