"""`explicit` size: only the directive's own quantity; the default when no size planner is set.

A strategy that sizes its directives itself (EXPLICIT policy) needs no size planner; a
DELEGATED directive reaching this planner gets size 0 with the reason, so the intent is
kept skipped (`qty_rounds_to_zero`) instead of defaulting to some quantity.
"""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.size_policy import plan_size

NAME = "explicit"


@attrs.frozen(kw_only=True)
class ExplicitSizeParams:
    """No parameters: the directive carries its quantity."""


@attrs.frozen
class ExplicitSize:
    params: ExplicitSizeParams

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: a delegated directive is sized 0 with the reason, not refused."""
        return True

    def plan(
        self, directive: StrategyDirective, snapshot: FeatureSnapshot, account: AccountView
    ) -> SizePlan:
        """Return the directive's explicit quantity (capped at max_notional), else 0."""
        return plan_size(
            NAME,
            directive,
            snapshot,
            lambda _reference: (
                Decimal(0),
                "delegated sizing, but no size planner is configured ([[planners.size]])",
            ),
        )


SPEC = PluginSpec(
    kind=PluginKind.SIZE,
    name=NAME,
    params=ExplicitSizeParams,
    factory=ExplicitSize,
    summary="Use the quantity the strategy planner set (EXPLICIT sizing); the default.",
)
