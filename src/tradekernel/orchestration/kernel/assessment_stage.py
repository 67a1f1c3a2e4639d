"""The context-assessment stage: each selected symbol's prepared row, assessed.

The context workers' columns were computed when the history was prepared
(`orchestration.prepared_market`); this stage reads the row of the symbol's last bar, and
its assessment: from the aggregator's scored row when it scores rows (`shared.row_scores`,
no snapshot needed), else from the row's snapshot. The row's candidate bits choose which
signal workers the signal stage calls.
"""

from collections.abc import Callable, Mapping

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.plan import Diagnostic
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.plugin_contract import row_scorer
from tradekernel.orchestration.kernel.prepared_market import PreparedHistory, prepare_history
from tradekernel.orchestration.kernel.signal_stage import SignalWorkers
from tradekernel.orchestration.kernel.snapshots import table_snapshot
from tradekernel.orchestration.kernel.symbol_cycle import SymbolCycle
from tradekernel.shared.bars import BarSeries


class AssessmentStage:
    """Assess the selected symbols of a cycle from their prepared rows."""

    def __init__(self, spec: KernelSpec, signals: SignalWorkers) -> None:
        self._spec = spec
        self._signals = signals
        aggregator = spec.aggregator
        self._assess = aggregator.assess
        self._assess_row = aggregator.assess_row if row_scorer(aggregator) else None

    def assess(
        self,
        context: PlanningContext[BarSeries],
        selected: tuple[str, ...],
        prepared: Mapping[str, PreparedHistory],
        orders_of: Mapping[str, tuple[OpenOrderView, ...]],
        assessment_id: Callable[[str], str],
        diagnostics: list[Diagnostic],
    ) -> dict[str, SymbolCycle]:
        """Return each selected symbol with a history, assessed, in `selected` order.

        A history `prepared` does not hold is prepared here, so every symbol has a row.
        """
        assessed: dict[str, SymbolCycle] = {}
        # Bound once per cycle: this loop runs for every symbol of the universe.
        history_of, position_of, prepared_of = (
            context.history.get,
            context.positions.get,
            prepared.get,
        )
        assess, assess_row = self._assess, self._assess_row
        signals = self._signals
        every, by_bits = signals.every, signals.by_bits
        for symbol in selected:
            series = history_of(symbol)
            # The length of its times, not `len(series)`: one Python call less per symbol.
            if series is None or (count := len(series.ts_ms)) == 0:
                diagnostics.append(_no_history(symbol))
                continue
            last = count - 1
            ts_ms = series.ts_ms.item(last)
            held = prepared_of(symbol)
            if held is None or not held.holds(last, ts_ms, series.close.item(last)):
                held = prepare_history(self._spec, series)
            table = held.table
            bits = table.bits
            if bits is None:
                chosen = every
            else:
                code = bits.item(last)
                chosen = by_bits.get(code) or signals.at(code)
            scores = table.scores
            if scores is None or assess_row is None:
                snapshot = table_snapshot(held.series, table, last)
                assessment = assess(snapshot, assessment_id(symbol))
            else:
                snapshot = None
                assessment = assess_row(scores[last].tolist(), symbol, ts_ms, assessment_id(symbol))
            position = position_of(symbol)
            working = orders_of.get(symbol, ())
            assessed[symbol] = SymbolCycle(
                symbol,
                held,
                last,
                ts_ms,
                assessment,
                snapshot,
                chosen,
                position,
                working,
                # Exposed: a working order or an open position.
                bool(working) or (position is not None and position.quantity != 0),
            )
        return assessed


def _no_history(symbol: str) -> Diagnostic:
    return Diagnostic(
        stage="context",
        code="no_history",
        symbol=symbol,
        message=f"no bars for {symbol} at this cycle",
    )
