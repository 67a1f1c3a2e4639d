"""Moving-average crossover opportunity."""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.features.signals.feature_columns import column, previous
from tradekernel.features.signals.signal_builders import opportunity
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import above, at_least, at_most, non_empty


@attrs.frozen(kw_only=True)
class MaCrossoverParams:
    """`fast`/`slow` name the two moving-average columns."""

    name: str = attrs.field(default="ma_crossover", validator=non_empty)
    fast: str = attrs.field(default="sma_fast", validator=non_empty)
    slow: str = attrs.field(default="sma_slow", validator=non_empty)
    base_confidence: Decimal = attrs.field(
        default=Decimal("0.5"), validator=[at_least(Decimal(0)), at_most(Decimal(1))]
    )
    gap_scale: Decimal = attrs.field(default=Decimal("0.01"), validator=above(Decimal(0)))


class MaCrossover:
    """Signal when the fast average crosses the slow one.

    Exact rule, with d = fast - slow: BUY when d <= 0 on the previous bar and d > 0 on
    this bar; SELL when d >= 0 on the previous bar and d < 0 on this bar. Both averages
    must be defined on both bars. Confidence is
    `base_confidence + (1 - base_confidence) * min(1, |d| / |slow| / gap_scale)`: a
    crossover that opens a wide gap at once is more convincing than a graze.
    """

    def __init__(self, params: MaCrossoverParams) -> None:
        self._params = params
        # Read on every bar of a backtest: converted and written once.
        self._base = float(params.base_confidence)
        self._gap_scale = float(params.gap_scale)
        self._reasons = {
            side: f"{params.fast} crossed {'above' if side is Side.BUY else 'below'} {params.slow}"
            for side in (Side.BUY, Side.SELL)
        }

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return the crossover signal of this bar, or None."""
        p = self._params
        # The mappings read directly: the snapshot's get methods add a call per value.
        current, previous = snapshot.current, snapshot.previous
        fast, slow = current.get(p.fast), current.get(p.slow)
        fast_before, slow_before = previous.get(p.fast), previous.get(p.slow)
        if fast is None or slow is None or fast_before is None or slow_before is None:
            return None
        gap, gap_before = fast - slow, fast_before - slow_before
        if gap_before <= 0.0 < gap:
            side = Side.BUY
        elif gap_before >= 0.0 > gap:
            side = Side.SELL
        else:
            return None
        relative = abs(gap) / abs(slow) if slow != 0.0 else 1.0
        base = self._base
        confidence = base + (1.0 - base) * min(1.0, relative / self._gap_scale)
        return opportunity(p.name, snapshot, side, confidence, self._reasons[side])

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True on every bar where the crossover rule holds."""
        gap = column(bars, features, self._params.fast) - column(bars, features, self._params.slow)
        before = previous(gap)
        mask: BoolArray = ((before <= 0.0) & (gap > 0.0)) | ((before >= 0.0) & (gap < 0.0))
        return mask


def _requires(params: MaCrossoverParams) -> tuple[str, ...]:
    return (params.fast, params.slow)


MA_CROSSOVER_SPEC = PluginSpec(
    kind=PluginKind.OPPORTUNITY,
    name="ma_crossover",
    params=MaCrossoverParams,
    factory=MaCrossover,
    summary="Buy when fast - slow turns positive, sell when it turns negative.",
    requires=_requires,
)
