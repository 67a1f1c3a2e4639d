"""A user plugin module: a rate-of-change context worker and a zero-cross opportunity.

Named in a blueprint as `plugins = ["plugins_fixture.momentum"]`; the loader imports it
and registers its `SPECS` next to the built-ins.
"""

from collections.abc import Mapping

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.ids import derive_id
from tradekernel.shared.quantize import to_score


def _positive(_instance: object, attribute: "attrs.Attribute[int]", value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be >= 1, got {value}")


@attrs.frozen(kw_only=True)
class RocParams:
    """`key` names the output column; `period` is the look-back in bars."""

    key: str = "roc"
    period: int = attrs.field(default=12, validator=_positive)


class RocWorker:
    """Rate of change `close[i] / close[i - period] - 1`, NaN for the first `period` bars.

    Causal: value i reads bars i - period and i only.
    """

    def __init__(self, params: RocParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    @property
    def warmup(self) -> int:
        return self._params.period

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the rate-of-change column."""
        period = self._params.period
        column = np.full(len(bars), np.nan, dtype=np.float64)
        if len(bars) > period:
            column[period:] = bars.close[period:] / bars.close[:-period] - 1.0
        return {self._params.key: column}


@attrs.frozen(kw_only=True)
class RocCrossParams:
    """`column` names a rate-of-change column; `confidence` is every signal's confidence."""

    name: str = "roc_cross"
    column: str = "roc"
    confidence: float = attrs.field(default=0.6)

    @confidence.validator
    def _check_confidence(self, attribute: "attrs.Attribute[float]", value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{attribute.name} must be in 0..1, got {value}")


class RocCross:
    """BUY when the rate of change turns positive, SELL when it turns negative."""

    def __init__(self, params: RocCrossParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a signal on the bar where the column changes sign, or None."""
        p = self._params
        now, before = snapshot.get(p.column), snapshot.get_previous(p.column)
        if now is None or before is None:
            return None
        if before <= 0.0 < now:
            side = Side.BUY
        elif before >= 0.0 > now:
            side = Side.SELL
        else:
            return None
        return OpportunitySignal(
            signal_id=derive_id("opp", p.name, snapshot.symbol, snapshot.ts_ms, side.value),
            source=p.name,
            symbol=snapshot.symbol,
            ts_ms=snapshot.ts_ms,
            side=side,
            confidence=to_score(p.confidence),
            reason=f"{p.column} crossed zero ({before:.5f} -> {now:.5f})",
        )

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True on every sign change (lets the sparse backtest skip the other bars)."""
        column = features[self._params.column]
        before = np.concatenate(([np.nan], column[:-1]))
        # Comparisons with NaN are False, so warm-up bars are excluded.
        up = (before <= 0.0) & (column > 0.0)
        down = (before >= 0.0) & (column < 0.0)
        mask: BoolArray = up | down
        return mask


SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.CONTEXT_WORKER,
        name="roc",
        params=RocParams,
        factory=RocWorker,
        summary="Rate of change of the close over `period` bars.",
        provides=lambda params: (params.key,),
    ),
    PluginSpec(
        kind=PluginKind.OPPORTUNITY,
        name="roc_cross",
        params=RocCrossParams,
        factory=RocCross,
        summary="Buy when the rate of change turns positive, sell when it turns negative.",
        requires=lambda params: (params.column,),
    ),
)
