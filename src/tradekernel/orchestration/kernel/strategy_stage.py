"""The strategy stage: each symbol's planners confront its four quadrants -> directives.

A planner is called only where its declared activity (`orchestration.activity`) says it
can act, the same rule the sparse backtest relies on. Directives come out in
`plan_order.directive_order_key` order, duplicates dropped with a diagnostic.
"""

import itertools
from collections.abc import Iterable

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.plan import Diagnostic
from tradekernel.domain.stage_inputs import AccountView, StrategyInputs
from tradekernel.orchestration.kernel.activity import may_act, planner_activity
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.plan_order import directive_order_key, unique_directives
from tradekernel.orchestration.kernel.symbol_cycle import SymbolCycle


class StrategyStage:
    """The spec's strategy planners, and which of them may act in each situation."""

    def __init__(self, spec: KernelSpec) -> None:
        declared = [(planner, planner_activity(planner)) for planner in spec.strategies]
        # The planners that may act, for each (opportunity, threat, exposed) of a symbol.
        self._acting = {
            key: tuple(planner for planner, declared_as in declared if may_act(declared_as, *key))
            for key in itertools.product((False, True), repeat=3)
        }

    def direct(
        self,
        symbols: Iterable[SymbolCycle],
        run_id: str,
        now_ms: int,
        account: AccountView,
        diagnostics: list[Diagnostic],
    ) -> list[StrategyDirective]:
        """Return the directives of every symbol's acting planners, sorted and unique."""
        acting_for = self._acting
        # Most symbols are quiet (no signal, nothing held): one truth test, no key built.
        quiet = acting_for[False, False, False]
        directives: list[StrategyDirective] = []
        for symbol in symbols:
            opportunities, threats = symbol.opportunities, symbol.threats
            if opportunities or threats or symbol.exposed:
                acting = acting_for[bool(opportunities), bool(threats), symbol.exposed]
            else:
                acting = quiet
            if not acting:
                continue
            inputs = StrategyInputs(
                symbol=symbol.symbol,
                ts_ms=now_ms,
                run_id=run_id,
                snapshot=symbol.snapshot(),
                assessment=symbol.assessment,
                opportunities=opportunities,
                threats=threats,
                account=account,
                position=symbol.position,
                open_orders=symbol.working,
            )
            for planner in acting:
                directives.extend(planner.plan(inputs))
        if len(directives) > 1:
            directives.sort(key=directive_order_key)
        return unique_directives(directives, diagnostics)
