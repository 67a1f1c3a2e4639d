"""The planning kernel: one pure, deterministic function from a context to a plan.

Backtest, paper and live trading all call `PlanningKernel.plan`. It reads no clock, does
no I/O and never depends on the iteration order of its inputs: symbols, signals,
directives and intents are processed and emitted in documented sorted orders.
"""

import itertools
from collections.abc import Mapping

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.plan import Diagnostic, Plan
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.features.intents.builder import IntentBuilder
from tradekernel.orchestration.accounting import account_view
from tradekernel.orchestration.activity import (
    Activity,
    activity,
    may_act,
    planner_activity,
)
from tradekernel.orchestration.cycle_inputs import intent_inputs, orders_by_symbol, rejections_of
from tradekernel.orchestration.kernel_spec import KernelSpec
from tradekernel.orchestration.plan_order import (
    directive_order_key,
    sorted_signals,
    sorted_threats,
    unique_directives,
)
from tradekernel.orchestration.plugin_contract import row_scorer
from tradekernel.orchestration.precompute import with_table
from tradekernel.orchestration.signal_stage import SignalWorkers
from tradekernel.orchestration.snapshots import (
    deferred_snapshot,
    feature_columns,
    snapshot_at,
    table_snapshot,
)
from tradekernel.orchestration.trade_stage import trade_plans
from tradekernel.orchestration.universe_stage import UniverseStage
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.decimal_context import planning_decimals
from tradekernel.shared.ids import id_family


class PlanningKernel:
    """Compose the planning stages of a `KernelSpec` into `plan(context) -> Plan`."""

    def __init__(self, spec: KernelSpec) -> None:
        self._spec = spec
        self._intents = IntentBuilder(spec.intents)
        outputs = [name for worker in spec.workers for name in worker.outputs]
        self._outputs = frozenset(outputs)
        self._outputs_unique = len(self._outputs) == len(outputs)
        # The planners that may act, for each (opportunity, threat, exposed) of a symbol.
        declared = [(planner, planner_activity(planner)) for planner in spec.strategies]
        self._acting = {
            key: tuple(planner for planner, declared_as in declared if may_act(declared_as, *key))
            for key in itertools.product((False, True), repeat=3)
        }
        self._signals = SignalWorkers(spec)
        aggregator = spec.aggregator
        self._assess_row = aggregator.assess_row if row_scorer(aggregator) else None
        self._universe = UniverseStage(spec.universe)

    @property
    def spec(self) -> KernelSpec:
        return self._spec

    def _columns(self, series: BarSeries) -> Mapping[str, FloatArray]:
        # A precomputed series (backtest, replay) carries every column already.
        features = series.features
        if self._outputs_unique and self._outputs <= features.keys():
            return features
        return feature_columns(series, self._spec.workers)

    def precompute(self, series: BarSeries) -> BarSeries:
        """Return the series carrying every context-worker column over its whole history.

        Workers are causal, so later windows (`series.head(k)`) reuse these columns and the
        kernel gives the plan it would give on the window alone.
        """
        table = series.table
        if table is not None and table.computed_for(self._signals.tag):
            # Precomputed by this kernel already (new columns would have dropped the table).
            return series
        prepared = series.with_features(feature_columns(series, self._spec.workers))
        return with_table(prepared, self._signals.tag, self._spec.aggregator)

    def activity(self, series: BarSeries) -> Activity:
        """Return the bars of a precomputed series where this kernel can emit a directive."""
        return activity(self._spec, series)

    def plan(self, context: PlanningContext[BarSeries]) -> Plan:
        """Return the plan for one cycle. Pure: equal contexts give equal plans.

        Decimal arithmetic runs in `shared.decimal_context.PLANNING_CONTEXT`, never in the
        ambient context a library may have changed.
        """
        with planning_decimals():
            return self._plan(context)

    def _plan(self, context: PlanningContext[BarSeries]) -> Plan:
        spec = self._spec
        diagnostics: list[Diagnostic] = []
        universe = self._universe.record(context)
        account = account_view(context, spec.intents.quote_asset)
        assessments: list[ContextAssessment] = []
        opportunities: list[OpportunitySignal] = []
        threats: list[ThreatSignal] = []
        portfolio_threats: set[str] = set()
        directives: list[StrategyDirective] = []
        snapshots: dict[str, FeatureSnapshot] = {}
        # Histories of symbols assessed from scored rows whose snapshot nobody read.
        deferred: dict[str, BarSeries] = {}
        # Open orders in their documented order (client id), sorted once for every stage.
        open_orders = tuple(sorted(context.open_orders, key=lambda order: order.client_order_id))
        orders_of = orders_by_symbol(open_orders)
        assessment_id = id_family("ctx", context.run_id, context.now_ms)
        # Bound once per cycle: this loop runs for every symbol of the universe.
        history_of, position_of = context.history.get, context.positions.get
        assess = spec.aggregator.assess
        assess_row = self._assess_row
        signals = self._signals
        tag, every, by_bits = signals.tag, signals.every, signals.by_bits
        # Account-scoped threats are evaluated once per (bar time, selection) of the cycle.
        account_results: dict[tuple[int, int], tuple[ThreatSignal, ...]] = {}
        acting_for = self._acting
        for symbol in universe.selected:
            series = history_of(symbol)
            if series is None or (count := len(series)) == 0:
                diagnostics.append(
                    Diagnostic(
                        stage="context",
                        code="no_history",
                        symbol=symbol,
                        message=f"no bars for {symbol} at this cycle",
                    )
                )
                continue
            last = count - 1
            ts_ms = series.ts_ms.item(last)
            table = series.table
            snapshot: FeatureSnapshot | None = None
            if table is not None and table.workers is tag:
                # Precomputed by this kernel: one read for the row, and only the workers
                # whose candidate mask allows this bar are called (no other can fire).
                bits = table.bits
                if bits is None:
                    chosen = every
                else:
                    code = bits.item(last)
                    chosen = by_bits.get(code) or signals.at(code)
                scores = table.scores
                if scores is None or assess_row is None:
                    snapshot = table_snapshot(series, table, last)
                    assessment = assess(snapshot, assessment_id(symbol))
                else:
                    # The assessment is read from its scored row: the snapshot is built
                    # below only if a worker or a planner is going to read it.
                    assessment = assess_row(
                        scores[last].tolist(), symbol, ts_ms, assessment_id(symbol)
                    )
            else:
                snapshot = snapshot_at(series, self._columns(series), last)
                assessment = assess(snapshot, assessment_id(symbol))
                chosen = every
            position = position_of(symbol)
            working = orders_of.get(symbol, ())
            exposed = bool(working) or (position is not None and position.quantity != 0)
            opportunity_workers, per_bar, per_holding, per_account, selection = chosen
            # (A comprehension is a call in 3.11: skipped when there is nothing to call.)
            if opportunity_workers or per_bar or (exposed and per_holding):
                snapshot = seen = deferred_snapshot(snapshot, series, last)
                found_opportunities = (
                    sorted_signals(
                        [s for evaluate in opportunity_workers if (s := evaluate(seen, assessment))]
                    )
                    if opportunity_workers
                    else ()
                )
                found = (
                    [t for evaluate in per_bar if (t := evaluate(seen, assessment, account))]
                    if per_bar
                    else []
                )
                if exposed and per_holding:
                    found += [
                        t for evaluate in per_holding if (t := evaluate(seen, assessment, account))
                    ]
            else:
                found_opportunities, found = (), []
            if per_account:
                key = (ts_ms, selection)
                shared = account_results.get(key)
                if shared is None:
                    snapshot = seen = deferred_snapshot(snapshot, series, last)
                    shared = account_results[key] = tuple(
                        t for evaluate in per_account if (t := evaluate(seen, assessment, account))
                    )
                if shared:
                    found.extend(shared)
            found_threats = sorted_threats(found) if found else ()
            assessments.append(assessment)
            if found_opportunities:
                opportunities.extend(found_opportunities)
            for threat in found_threats:
                # A portfolio-wide threat reaches every symbol's planners, but the plan
                # lists it once (same content, same id).
                if threat.symbol is None:
                    if threat.signal_id in portfolio_threats:
                        continue
                    portfolio_threats.add(threat.signal_id)
                threats.append(threat)
            # The planners' declared activity (orchestration.activity), the same rule the
            # sparse backtest relies on: a planner that cannot act here is not called.
            acting = acting_for[bool(found_opportunities), bool(found_threats), exposed]
            if not acting:
                if snapshot is None:
                    deferred[symbol] = series
                else:
                    snapshots[symbol] = snapshot
                continue
            snapshot = snapshots[symbol] = deferred_snapshot(snapshot, series, last)
            inputs = StrategyInputs(
                symbol=symbol,
                ts_ms=context.now_ms,
                run_id=context.run_id,
                snapshot=snapshot,
                assessment=assessment,
                opportunities=found_opportunities,
                threats=found_threats,
                account=account,
                position=position,
                open_orders=working,
            )
            for planner in acting:
                directives.extend(planner.plan(inputs))
        directives = unique_directives(sorted(directives, key=directive_order_key), diagnostics)
        for directive in directives:
            # A planner may direct another symbol than its own: that symbol's snapshot.
            late = deferred.pop(directive.symbol, None)
            if late is not None:
                snapshots[directive.symbol] = deferred_snapshot(None, late, len(late) - 1)
        executions = trade_plans(spec, directives, snapshots, account, diagnostics)
        allocation = spec.allocator.allocate(
            executions,
            account,
            open_orders,
        )
        intents = self._intents.build(
            allocation.accepted,
            rejections_of(executions, allocation.rejected),
            intent_inputs(context, universe, open_orders),
        )
        return Plan(
            run_id=context.run_id,
            cycle_ts_ms=context.now_ms,
            universe=universe,
            assessments=tuple(assessments),
            opportunities=tuple(opportunities),
            threats=tuple(threats),
            directives=tuple(directives),
            execution_directives=tuple(executions),
            intents=intents,
            diagnostics=tuple(
                sorted(diagnostics, key=lambda d: (d.stage, d.symbol or "", d.code, d.message))
            ),
        )
