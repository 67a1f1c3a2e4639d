"""Indicator columns for a replayed paper run, computed once over the recorded file.

A paper run on a recorded file used to compute every context worker over the whole
history so far at every bar: quadratic in the file's length (20,000 bundled bars took
18 s where the backtest of the same file takes 1.5 s). Workers are causal (a value at bar
i depends on bars <= i only; `tradekernel check-lookahead` verifies a blueprint), so the
columns of the full recorded series, cut at bar i, are the columns of the history up to
bar i: the backtest relies on the same property. A source that knows its bars in advance
(`ReplaySource`) says so with `KnowsSeries`; a live feed does not, and keeps the
per-cycle computation.
"""

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.prepared_market import PreparedMarket
from tradekernel.shared.bars import BarSeries


@runtime_checkable
class KnowsSeries(Protocol):
    def known_series(self) -> Mapping[str, BarSeries]:
        """Return every bar the source will hand out, per symbol (warm-up included)."""
        ...


class KnownFeatures:
    """Give the kernel's columns of a symbol's history so far, from one full computation."""

    def __init__(self, kernel: PlanningKernel, source: object) -> None:
        self._kernel = kernel
        known = source.known_series() if isinstance(source, KnowsSeries) else {}
        # Passed to `kernel.plan`: a window of a known series reads its prepared row.
        self.market: PreparedMarket = kernel.prepare(known)
        self._full = self.market.series

    def of(self, symbol: str, history: BarSeries) -> BarSeries:
        """Return `history` carrying every worker column, as `kernel.prepare` would.

        The precomputed prefix is used only when its bars are the history's (same length
        and same last bar time); anything else is computed on the history itself.
        """
        full = self._full.get(symbol)
        count = len(history)
        if (
            full is not None
            and 0 < count <= len(full)
            and full.ts_ms.item(count - 1) == history.ts_ms.item(count - 1)
            and full.close.item(count - 1) == history.close.item(count - 1)
        ):
            return full.head(count)
        return self._kernel.prepare({symbol: history}).series[symbol]
