"""Context assessments scored over a whole history at once, like the feature columns.

A context aggregator that can score every bar with vectorised arithmetic implements
`ScoresRows`. `PlanningKernel.prepare` then stores one row of integers per bar in the
kernel table (the built-in aggregator's: scores in micro-units, quantised once per bar
when the history is prepared), and the kernel builds a symbol's assessment from its row:
a symbol where no signal worker can fire and no planner can act then needs no feature
snapshot at all.

The contract is exactness: `assess_row(score_rows(...)[k].tolist(), ...)` must equal
`assess(snapshot of bar k, ...)` field for field, Decimal text included. The simplest way
to keep it is the built-in aggregator's: `assess` scores the snapshot's one bar with the
same function and reads the row back with `assess_row`. An aggregator that cannot promise
exactness for a history returns None from `score_rows`, and the kernel calls `assess`.
"""

from collections.abc import Mapping
from typing import Protocol

from tradekernel.domain.signals import ContextAssessment
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.kernel_table import ScoreMatrix

__all__ = ["ScoreMatrix", "ScoresRows"]


class ScoresRows(Protocol):
    """Optional capability of a `ContextAggregator`, checked once when a kernel is built.

    Both methods or neither: `orchestration.plugin_contract` refuses a half implementation.
    """

    def score_rows(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> ScoreMatrix | None:
        """Return one row of scores per bar of `bars`, or None to be assessed per cycle."""
        ...

    def assess_row(
        self, row: list[int], symbol: str, ts_ms: int, assessment_id: str
    ) -> ContextAssessment:
        """Return the assessment `assess` gives for the bar whose row this is."""
        ...
