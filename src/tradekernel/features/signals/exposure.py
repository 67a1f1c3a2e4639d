"""Exposure concentration threat: too much of the equity in one symbol."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.plugins import ThreatScope
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.features.signals.signal_builders import threat
from tradekernel.shared.param_checks import above, non_empty


@attrs.frozen(kw_only=True)
class ExposureConcentrationParams:
    """`cap` is the largest allowed |exposure| / equity of one symbol."""

    name: str = attrs.field(default="exposure_concentration", validator=non_empty)
    cap: Decimal = attrs.field(default=Decimal("0.5"), validator=above(Decimal(0)))


class ExposureConcentration:
    """Threat on the snapshot's symbol when |exposure| / equity is strictly above `cap`.

    Severity is `min(1, share / (2 cap))`: 0.5 just over the cap, 1 at twice it; any
    exposure with non-positive equity is severity 1. Account-based: no candidate mask.
    """

    def __init__(self, params: ExposureConcentrationParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.name

    @property
    def scope(self) -> ThreatScope:
        """Declare where it can fire (see orchestration.activity): only for a symbol the
        account holds, since it measures that holding's share of equity."""
        return ThreatScope.HOLDING

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        """Return the concentration threat for the snapshot's symbol, or None."""
        p = self._params
        exposure = account.exposure.get(snapshot.symbol)
        if not exposure:  # none, or zero
            return None
        exposure = abs(exposure)
        if account.equity <= 0:
            share, severity = None, Decimal(1)
        else:
            share = exposure / account.equity
            if share <= p.cap:
                return None
            severity = share / (2 * p.cap)
        shown = "unbounded" if share is None else f"{share:.4f}"
        reason = f"{snapshot.symbol} exposure share {shown} above cap {p.cap}"
        return threat(p.name, snapshot.symbol, snapshot.ts_ms, severity, reason)


EXPOSURE_CONCENTRATION_SPEC = PluginSpec(
    kind=PluginKind.THREAT,
    name="exposure_concentration",
    params=ExposureConcentrationParams,
    factory=ExposureConcentration,
    summary="One symbol's exposure above a share of equity.",
)
