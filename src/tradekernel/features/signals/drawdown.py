"""Maximum drawdown threat, from the account."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.plugins import ThreatScope
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot, ThreatSignal
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.features.signals.signal_builders import threat
from tradekernel.shared.param_checks import above, at_most, non_empty


@attrs.frozen(kw_only=True)
class MaxDrawdownParams:
    """`limit` is the drawdown (fraction of peak equity) that must not be breached.

    `warn_fraction` starts reporting earlier, at `limit * warn_fraction` (1 = only at the
    breach itself).
    """

    name: str = attrs.field(default="max_drawdown", validator=non_empty)
    limit: Decimal = attrs.field(
        default=Decimal("0.2"), validator=[above(Decimal(0)), at_most(Decimal(1))]
    )
    warn_fraction: Decimal = attrs.field(
        default=Decimal(1), validator=[above(Decimal(0)), at_most(Decimal(1))]
    )


class MaxDrawdown:
    """Portfolio-wide threat (symbol None) when the drawdown reaches the warning level.

    Severity is `min(1, drawdown / limit)`: 1 at and beyond the breach. It depends on the
    account, not on features, so it has no candidate mask (it is active on every bar).
    """

    def __init__(self, params: MaxDrawdownParams) -> None:
        self._params = params
        self._warn_at = params.limit * params.warn_fraction  # per symbol per cycle: once

    @property
    def name(self) -> str:
        return self._params.name

    @property
    def scope(self) -> ThreatScope:
        """Declare what the result depends on (see orchestration.activity): the account and
        the bar time only, so one evaluation serves every symbol at that time."""
        return ThreatScope.ACCOUNT

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        """Return the drawdown threat, or None below the warning level."""
        p = self._params
        drawdown = account.drawdown
        if drawdown < self._warn_at:
            return None
        state = "breached" if drawdown >= p.limit else "approaching"
        reason = f"drawdown {drawdown:.4f} {state} limit {p.limit}"
        return threat(p.name, None, snapshot.ts_ms, drawdown / p.limit, reason)


MAX_DRAWDOWN_SPEC = PluginSpec(
    kind=PluginKind.THREAT,
    name="max_drawdown",
    params=MaxDrawdownParams,
    factory=MaxDrawdown,
    summary="Portfolio drawdown from peak equity at or beyond a limit.",
)
