"""Volume spike opportunity: an unusually heavy bar, in the direction it moved."""

from collections.abc import Mapping

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind, Side
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, OpportunitySignal
from tradekernel.features.signals.feature_columns import column
from tradekernel.features.signals.signal_builders import opportunity
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import at_least, non_empty


def _below_one(_instance: object, attribute: "attrs.Attribute[float]", value: float) -> None:
    if not value < 1.0:
        raise ValueError(f"{attribute.name} must be < 1, got {value}")


@attrs.frozen(kw_only=True)
class VolumeSpikeParams:
    """`percentile` names a volume-percentile column (0..1), `body` a candle-body column."""

    name: str = attrs.field(default="volume_spike", validator=non_empty)
    percentile: str = attrs.field(default="volume_pct", validator=non_empty)
    body: str = attrs.field(default="body", validator=non_empty)
    threshold: float = attrs.field(default=0.9, validator=[at_least(0.0), _below_one])


class VolumeSpike:
    """Signal a bar whose volume percentile is strictly above `threshold`.

    The side follows the bar's direction, read from the signed candle-body column
    ((close - open) / open): BUY on a rising bar, SELL on a falling one, nothing on a
    doji (body exactly 0), since heavy volume with no direction confirms nothing. Used
    alone it is a momentum signal; a strategy can also treat it as confirmation of
    another signal of the same side. Confidence is `0.5 + 0.5 * (p - threshold) /
    (1 - threshold)`: 0.5 just above the threshold, 1 at the window's maximum.
    """

    def __init__(self, params: VolumeSpikeParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        """Return a spike signal on the bar's side, or None."""
        p = self._params
        rank, body = snapshot.get(p.percentile), snapshot.get(p.body)
        if rank is None or body is None or not rank > p.threshold or body == 0.0:
            return None
        side = Side.BUY if body > 0.0 else Side.SELL
        confidence = 0.5 + 0.5 * (rank - p.threshold) / (1.0 - p.threshold)
        reason = f"{p.percentile} {rank:.3f} above {p.threshold} on a {side} bar"
        return opportunity(p.name, snapshot, side, confidence, reason)

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True wherever volume spikes on a bar with a direction."""
        rank = column(bars, features, self._params.percentile)
        body = column(bars, features, self._params.body)
        # NaN != 0 is True, so an undefined body must be excluded explicitly
        mask: BoolArray = (rank > self._params.threshold) & (body != 0.0) & ~np.isnan(body)
        return mask


def _requires(params: VolumeSpikeParams) -> tuple[str, ...]:
    return (params.percentile, params.body)


VOLUME_SPIKE_SPEC = PluginSpec(
    kind=PluginKind.OPPORTUNITY,
    name="volume_spike",
    params=VolumeSpikeParams,
    factory=VolumeSpike,
    summary="A heavy-volume bar, signalled on the side the bar moved.",
    requires=_requires,
)
