"""One selected symbol's state as it passes through a cycle's stages.

The context-assessment stage creates it from the symbol's prepared row; the signal stage
adds the symbol's signals; the strategy stage reads it all. The feature snapshot is built
on first read: a symbol assessed from its scored row whose snapshot no worker or planner
reads never has one built.
"""

from collections.abc import Callable

from tradekernel.domain.account import Position
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.orchestration.kernel.prepared_market import PreparedHistory
from tradekernel.orchestration.kernel.snapshots import table_snapshot

OpportunityEvaluator = Callable[[FeatureSnapshot, ContextAssessment], OpportunitySignal | None]
ThreatEvaluator = Callable[[FeatureSnapshot, ContextAssessment, AccountView], ThreatSignal | None]

# The signal workers to call at a symbol's bar: opportunities, then threats per bar, per
# holding and per account, and the key of this selection (its candidate bits, -1 for every
# worker); see `orchestration.signal_stage`. A plain tuple, unpacked once per symbol.
Selection = tuple[
    tuple[OpportunityEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    tuple[ThreatEvaluator, ...],
    int,
]


class SymbolCycle:
    """A symbol's prepared row, assessment, holdings and signals in one cycle."""

    # Slots: one per selected symbol per cycle, read attribute by attribute by each stage.
    __slots__ = (
        "_snapshot",
        "assessment",
        "exposed",
        "index",
        "opportunities",
        "position",
        "prepared",
        "selection",
        "symbol",
        "threats",
        "ts_ms",
        "working",
    )

    def __init__(
        self,
        symbol: str,
        prepared: PreparedHistory,
        index: int,
        ts_ms: int,
        assessment: ContextAssessment,
        snapshot: FeatureSnapshot | None,
        selection: Selection,
        position: Position | None,
        working: tuple[OpenOrderView, ...],
    ) -> None:
        self.symbol = symbol
        self.prepared = prepared
        self.index = index
        self.ts_ms = ts_ms  # the open time of bar `index`
        self.assessment = assessment
        self._snapshot = snapshot
        self.selection = selection
        self.position = position
        self.working = working
        # Exposed: a position or a working order (holding threats and planners read it).
        self.exposed = bool(working) or (position is not None and position.quantity != 0)
        self.opportunities: tuple[OpportunitySignal, ...] = ()
        self.threats: tuple[ThreatSignal, ...] = ()

    def snapshot(self) -> FeatureSnapshot:
        """Return the symbol's feature snapshot at this cycle, built on first read."""
        snapshot = self._snapshot
        if snapshot is None:
            prepared = self.prepared
            snapshot = self._snapshot = table_snapshot(prepared.series, prepared.table, self.index)
        return snapshot
