"""Volatility spike threat: a volatility column far above normal."""

from collections.abc import Mapping

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.features.signals.feature_columns import column
from tradekernel.features.signals.signal_builders import threat
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import above, non_empty


@attrs.frozen(kw_only=True)
class VolatilitySpikeParams:
    """What to measure and against what.

    With `baseline` (a column, e.g. a slow ATR) the measure is `column / baseline`, so
    `threshold = 2.0` means "twice the usual". Without it the measure is
    `column / close` when `relative_to_close` (ATR as a fraction of price) or the raw
    column (e.g. a Bollinger `.width`), compared with an absolute `threshold`.
    """

    name: str = attrs.field(default="volatility_spike", validator=non_empty)
    column: str = attrs.field(default="atr", validator=non_empty)
    baseline: str | None = None
    relative_to_close: bool = True
    threshold: float = attrs.field(default=0.05, validator=above(0.0))


class VolatilitySpike:
    """Threat when the measure is at or above `threshold`.

    Severity `min(1, measure / (2 threshold))`: 0.5 at the threshold, 1 at twice it. A
    non-positive baseline or close makes the measure undefined (no threat).
    """

    def __init__(self, params: VolatilitySpikeParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    def _measure(self, snapshot: FeatureSnapshot) -> float | None:
        p = self._params
        value = snapshot.get(p.column)
        if value is None:
            return None
        if p.baseline is not None:
            base = snapshot.get(p.baseline)
            return None if base is None or not base > 0.0 else value / base
        if p.relative_to_close:
            return value / snapshot.close if snapshot.close > 0.0 else None
        return value

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        """Return the volatility threat, or None."""
        p = self._params
        measure = self._measure(snapshot)
        if measure is None or not measure >= p.threshold:
            return None
        severity = measure / (2.0 * p.threshold)
        against = p.baseline if p.baseline is not None else "threshold"
        reason = f"{p.column} measure {measure:.6f} >= {p.threshold} ({against})"
        return threat(p.name, snapshot.symbol, snapshot.ts_ms, severity, reason)

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True wherever the measure reaches the threshold (same float operations)."""
        p = self._params
        value = column(bars, features, p.column)
        # a tiny baseline may overflow to inf, as Python's float division does in evaluate
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p.baseline is not None:
                base = column(bars, features, p.baseline)
                measure = np.where(base > 0.0, value / base, np.nan)
            elif p.relative_to_close:
                measure = np.where(bars.close > 0.0, value / bars.close, np.nan)
            else:
                measure = value
        mask: BoolArray = measure >= p.threshold
        return mask


def _requires(params: VolatilitySpikeParams) -> tuple[str, ...]:
    if params.baseline is None:
        return (params.column,)
    return (params.column, params.baseline)


VOLATILITY_SPIKE_SPEC = PluginSpec(
    kind=PluginKind.THREAT,
    name="volatility_spike",
    params=VolatilitySpikeParams,
    factory=VolatilitySpike,
    summary="Volatility (ATR/close, band width, or vs a baseline column) above a threshold.",
    requires=_requires,
)
