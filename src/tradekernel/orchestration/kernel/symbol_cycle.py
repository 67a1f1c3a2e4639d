"""One selected symbol's state as it passes through a cycle's stages.

The context-assessment stage creates it from the symbol's prepared row; the signal stage
adds the symbol's signals; the strategy stage reads it all. The feature snapshot is built
on first read: a symbol assessed from its scored row whose snapshot no worker or planner
reads never has one built.
"""

from collections.abc import Callable

import msgspec

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


class SymbolCycle(msgspec.Struct, gc=False):
    """A symbol's prepared row, assessment, holdings and signals in one cycle.

    A mutable msgspec Struct, built positionally in C: one per selected symbol per cycle
    (architecture.md, "Hot value objects"); the signal stage sets its signals. Untracked
    by the cyclic collector (`gc=False`): it references only what the cycle's inputs and
    the prepared market hold, never itself.
    """

    symbol: str
    prepared: PreparedHistory
    index: int
    ts_ms: int  # the open time of bar `index`
    assessment: ContextAssessment
    feature_snapshot: FeatureSnapshot | None  # None until first read, see `snapshot`
    selection: Selection
    position: Position | None
    working: tuple[OpenOrderView, ...]
    # Exposed: a position or a working order (holding threats and planners read it).
    exposed: bool
    opportunities: tuple[OpportunitySignal, ...] = ()
    threats: tuple[ThreatSignal, ...] = ()

    def snapshot(self) -> FeatureSnapshot:
        """Return the symbol's feature snapshot at this cycle, built on first read."""
        snapshot = self.feature_snapshot
        if snapshot is None:
            prepared = self.prepared
            snapshot = self.feature_snapshot = table_snapshot(
                prepared.series, prepared.table, self.index
            )
        return snapshot
