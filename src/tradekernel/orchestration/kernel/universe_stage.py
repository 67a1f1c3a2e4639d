"""The universe stage of the kernel: which symbols a cycle plans, and the recorded merge.

A ranked selector sees each candidate's last quote volume; the allow/deny lists are then
merged by `features.universe.merge` (deny wins, a non-empty allow restricts).
"""

from decimal import Decimal

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.plan import UniverseRecord
from tradekernel.domain.stage_inputs import UniverseCandidate
from tradekernel.features.universe.list_file import SymbolLists
from tradekernel.features.universe.merge import merge_universe
from tradekernel.orchestration.kernel.kernel_spec import UniversePolicy
from tradekernel.shared.bars import BarSeries


class UniverseStage:
    """Return a cycle's `UniverseRecord` under one policy."""

    def __init__(self, policy: UniversePolicy) -> None:
        self._policy = policy
        # A static universe merges to the same record for the same symbols every cycle; the
        # last one is kept (a cache of a pure function: it cannot change a plan).
        self._static: tuple[tuple[str, ...], UniverseRecord] | None = None
        # The last record's selected symbols as a set (the gates test membership per
        # intent): a static universe's record is the same object every cycle.
        self._members: tuple[UniverseRecord, frozenset[str]] | None = None

    def record(self, context: PlanningContext[BarSeries]) -> UniverseRecord:
        policy = self._policy
        cached = self._static
        if cached is not None and cached[0] == context.symbols:
            return cached[1]
        candidates = tuple(sorted(set(context.symbols)))
        if policy.selector is not None:
            chosen = policy.selector.select(
                [
                    UniverseCandidate(symbol=symbol, quote_volume=_quote_volume(context, symbol))
                    for symbol in candidates
                ]
            )
        else:
            chosen = candidates
        record = merge_universe(
            chosen,
            config=SymbolLists(allow=policy.allow, deny=policy.deny),
            method=policy.method,
        )
        if policy.selector is None:
            self._static = (tuple(context.symbols), record)
        return record

    def members(self, record: UniverseRecord) -> frozenset[str]:
        """Return the symbols `record` selects, as a set (built once per record)."""
        cached = self._members
        if cached is not None and cached[0] is record:
            return cached[1]
        members = frozenset(record.selected)
        self._members = (record, members)
        return members


def _quote_volume(context: PlanningContext[BarSeries], symbol: str) -> Decimal:
    series = context.history.get(symbol)
    if series is None or len(series) == 0:
        return Decimal(0)
    return Decimal(repr(round(float(series.close[-1] * series.volume[-1]), 8)))
