"""Liquidity collapse threat: volume far below its usual level."""

from collections.abc import Mapping

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.features.signals.feature_columns import column
from tradekernel.features.signals.signal_builders import threat
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray
from tradekernel.shared.param_checks import above, at_most, non_empty


@attrs.frozen(kw_only=True)
class LiquidityCollapseParams:
    """`column` names a volume-percentile column (0..1); `floor` is in (0, 1]."""

    name: str = attrs.field(default="liquidity_collapse", validator=non_empty)
    column: str = attrs.field(default="volume_pct", validator=non_empty)
    floor: float = attrs.field(default=0.1, validator=[above(0.0), at_most(1.0)])


class LiquidityCollapse:
    """Threat when the volume percentile is strictly below `floor`.

    Severity `0.5 + 0.5 * (floor - p) / floor`: 0.5 just under the floor, 1 at the
    window's lowest volume.
    """

    def __init__(self, params: LiquidityCollapseParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        """Return the liquidity threat, or None."""
        p = self._params
        rank = snapshot.get(p.column)
        if rank is None or not rank < p.floor:
            return None
        severity = 0.5 + 0.5 * (p.floor - rank) / p.floor
        reason = f"{p.column} {rank:.3f} below floor {p.floor}"
        return threat(p.name, snapshot.symbol, snapshot.ts_ms, severity, reason)

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True wherever the volume percentile is below the floor."""
        mask: BoolArray = column(bars, features, self._params.column) < self._params.floor
        return mask


def _requires(params: LiquidityCollapseParams) -> tuple[str, ...]:
    return (params.column,)


LIQUIDITY_COLLAPSE_SPEC = PluginSpec(
    kind=PluginKind.THREAT,
    name="liquidity_collapse",
    params=LiquidityCollapseParams,
    factory=LiquidityCollapse,
    summary="Volume percentile below a floor.",
    requires=_requires,
)
