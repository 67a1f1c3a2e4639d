"""The planning kernel: one pure, deterministic function from a context to a plan.

Backtest, paper and live trading all call `PlanningKernel.plan`. It reads no clock, does
no I/O and never depends on the iteration order of its inputs: symbols, signals,
directives and intents are processed and emitted in documented sorted orders.

`plan` runs the stages of docs/strategy-pipeline.md in order, each in its own module:
universe (`universe_stage`) -> context assessment (`assessment_stage`) -> signals
(`signal_stage`) -> strategy directives (`strategy_stage`) -> trade plans (`trade_stage`)
-> allocation (the spec's allocator) -> intents and gates (`features.intents.builder`).
"""

from collections.abc import Mapping
from decimal import localcontext

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.plan import Diagnostic, Plan
from tradekernel.domain.ports.plugins import Allocator
from tradekernel.features.intents.builder import IntentBuilder
from tradekernel.orchestration.kernel.accounting import account_view
from tradekernel.orchestration.kernel.assessment_stage import AssessmentStage
from tradekernel.orchestration.kernel.cycle_inputs import (
    intent_inputs,
    orders_by_symbol,
    rejections_of,
)
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.prepared_market import PreparedMarket, prepare_history
from tradekernel.orchestration.kernel.signal_stage import SignalWorkers, find_signals
from tradekernel.orchestration.kernel.strategy_stage import StrategyStage
from tradekernel.orchestration.kernel.trade_stage import trade_plans
from tradekernel.orchestration.kernel.universe_stage import UniverseStage
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.decimal_context import PLANNING_CONTEXT
from tradekernel.shared.ids import id_family


class PlanningKernel:
    """Compose the planning stages of a `KernelSpec` into `plan(context) -> Plan`."""

    def __init__(self, spec: KernelSpec) -> None:
        self._spec = spec
        self._universe = UniverseStage(spec.universe)
        self._assessment = AssessmentStage(spec, SignalWorkers(spec))
        self._strategies = StrategyStage(spec)
        self._intents = IntentBuilder(spec.intents)

    @property
    def spec(self) -> KernelSpec:
        return self._spec

    def prepare(self, series_by_symbol: Mapping[str, BarSeries]) -> PreparedMarket:
        """Return every symbol's history with this kernel's columns, tables and scores.

        Workers are causal, so a window `series.head(k)` of a prepared history plans as
        the window alone would: prepare once, then pass the market to every `plan`.
        """
        spec = self._spec
        return PreparedMarket(
            self,
            spec,
            {
                symbol: prepare_history(spec, series)
                for symbol, series in sorted(series_by_symbol.items())
            },
        )

    def plan(
        self, context: PlanningContext[BarSeries], market: PreparedMarket | None = None
    ) -> Plan:
        """Return the plan for one cycle. Pure: equal contexts give equal plans.

        `market`: this kernel's `prepare` of the histories the context's windows are cut
        from; a window it does not hold (or no market) is prepared for this cycle alone.
        Decimal arithmetic runs in `shared.decimal_context.PLANNING_CONTEXT`, never in the
        ambient context a library may have changed.

        Raises:
            ValueError: if another kernel prepared `market`.
        """
        if market is not None and not market.prepared_by(self):
            raise ValueError("the prepared market was made by another kernel")
        # `localcontext` itself, not the `planning_decimals()` generator around it: the
        # generator-based context manager costs ~2.5 us more, on every cycle.
        with localcontext(PLANNING_CONTEXT):
            return self._plan(context, market)

    def _allocator(self, context: PlanningContext[BarSeries]) -> Allocator:
        """Return the allocator of this cycle (a subclass may bind it to the context)."""
        return self._spec.allocator

    def _plan(self, context: PlanningContext[BarSeries], market: PreparedMarket | None) -> Plan:
        spec = self._spec
        diagnostics: list[Diagnostic] = []
        universe = self._universe.record(context)
        account = account_view(context, spec.intents.quote_asset, spec.intents.perpetual)
        # Open orders in their documented order (client id), sorted once for every stage
        # (none or one, the usual backtest case, are in order as they are).
        open_orders = context.open_orders
        if len(open_orders) > 1:
            open_orders = tuple(sorted(open_orders, key=lambda order: order.client_order_id))
        prepared = {} if market is None else market.histories
        orders_of = orders_by_symbol(open_orders)
        assessment_id = id_family("ctx", context.run_id, context.now_ms)
        symbols = self._assessment.assess(
            context, universe.selected, prepared, orders_of, assessment_id, diagnostics
        )
        opportunities, threats = find_signals(symbols.values(), account)
        directives = self._strategies.direct(
            symbols.values(), context.run_id, context.now_ms, account, diagnostics
        )
        # A planner may direct another symbol than its own: that symbol's snapshot. One
        # outside the universe is assessed for it alone, so its intent reaches the gates
        # and is kept skipped as not_in_universe; one without history is dropped (the
        # assessment records `no_history`).
        directed = symbols
        outside = {d.symbol for d in directives} - symbols.keys()
        if outside:
            extra = self._assessment.assess(
                context, tuple(sorted(outside)), prepared, orders_of, assessment_id, diagnostics
            )
            directed = {**symbols, **extra}
            directives = [d for d in directives if d.symbol in directed]
        snapshots = {d.symbol: directed[d.symbol].snapshot() for d in directives}
        executions = trade_plans(spec, directives, snapshots, account, diagnostics)
        allocation = self._allocator(context).allocate(executions, account, open_orders)
        intents = self._intents.build(
            allocation.accepted,
            rejections_of(executions, allocation.rejected),
            intent_inputs(
                context,
                self._universe.members(universe),
                open_orders,
                account.equity if account.perpetual is not None else None,
            ),
        )
        return Plan(
            run_id=context.run_id,
            cycle_ts_ms=context.now_ms,
            universe=universe,
            assessments=tuple([symbol.assessment for symbol in symbols.values()]),
            opportunities=tuple(opportunities),
            threats=tuple(threats),
            directives=tuple(directives),
            execution_directives=tuple(executions),
            intents=intents,
            diagnostics=_in_plan_order(diagnostics),
        )


def _in_plan_order(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    if len(diagnostics) < 2:  # the usual cycle: nothing to order
        return tuple(diagnostics)
    return tuple(sorted(diagnostics, key=lambda d: (d.stage, d.symbol or "", d.code, d.message)))
