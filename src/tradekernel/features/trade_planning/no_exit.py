"""`none` exit: no stop and no take-profit, for strategies whose exits are signals."""

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.trade_plans import ExitPlan
from tradekernel.features.trade_planning.directive_check import require_same_symbol
from tradekernel.features.trade_planning.exit_levels import no_exit

NAME = "none"


@attrs.frozen(kw_only=True)
class NoExitParams:
    """The `none` exit takes no parameters."""


@attrs.frozen
class NoExit:
    """Plan no protective levels (e.g. an SMA cross strategy exits on the opposite signal).

    The directive's stop and take-profit hints are ignored on purpose: choose another exit
    planner for directives that carry them.
    """

    params: NoExitParams = attrs.field(factory=NoExitParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True: every directive gets an exit plan."""
        return True

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> ExitPlan:
        """Return an exit plan with no stop and no take-profit.

        Raises:
            ValueError: if the snapshot is for another symbol.
        """
        require_same_symbol(directive, snapshot.symbol)
        return no_exit(NAME, directive)


SPEC = PluginSpec(
    kind=PluginKind.EXIT,
    name=NAME,
    params=NoExitParams,
    factory=NoExit,
    summary="No stop and no take-profit: exits come from signals.",
)
