"""Donchian channel breakout opportunity."""

from collections.abc import Mapping
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.features.signals.feature_columns import column
from tradekernel.features.signals.signal_builders import opportunity
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import at_least, at_most, non_empty


@attrs.frozen(kw_only=True)
class DonchianBreakoutParams:
    """`high`/`low` name channel columns that exclude the current bar."""

    name: str = attrs.field(default="donchian_breakout", validator=non_empty)
    high: str = attrs.field(default="donchian.high", validator=non_empty)
    low: str = attrs.field(default="donchian.low", validator=non_empty)
    base_confidence: Decimal = attrs.field(
        default=Decimal("0.5"), validator=[at_least(Decimal(0)), at_most(Decimal(1))]
    )


class DonchianBreakout:
    """BUY when close > channel high, SELL when close < channel low (strict).

    Confidence is `base + (1 - base) * min(1, excess / width)`, where `excess` is how far
    the close is beyond the broken edge and `width = high - low` (a flat channel, width 0,
    gives full confidence: any move out of it is decisive).
    """

    def __init__(self, params: DonchianBreakoutParams) -> None:
        self._params = params
        self._base = float(params.base_confidence)  # converted once, read on every bar

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a breakout signal, or None while the close is inside the channel."""
        p = self._params
        high, low = snapshot.get(p.high), snapshot.get(p.low)
        if high is None or low is None:
            return None
        close = snapshot.close
        if close > high:
            side, excess = Side.BUY, close - high
        elif close < low:
            side, excess = Side.SELL, low - close
        else:
            return None
        width = high - low
        strength = min(1.0, excess / width) if width > 0.0 else 1.0
        base = self._base
        reason = f"close broke {'above ' + p.high if side is Side.BUY else 'below ' + p.low}"
        return opportunity(p.name, snapshot, side, base + (1.0 - base) * strength, reason)

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True wherever the close is outside the channel."""
        high = column(bars, features, self._params.high)
        low = column(bars, features, self._params.low)
        # both edges must be defined, as evaluate requires
        defined = ~(np.isnan(high) | np.isnan(low))
        mask: BoolArray = defined & ((bars.close > high) | (bars.close < low))
        return mask


def _requires(params: DonchianBreakoutParams) -> tuple[str, ...]:
    return (params.high, params.low)


DONCHIAN_BREAKOUT_SPEC = PluginSpec(
    kind=PluginKind.OPPORTUNITY,
    name="donchian_breakout",
    params=DonchianBreakoutParams,
    factory=DonchianBreakout,
    summary="Buy a close above the channel high, sell one below the channel low.",
    requires=_requires,
)
