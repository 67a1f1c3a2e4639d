"""Look-ahead detection: a causal worker gives, at bar k, the same value on bars[:k+1]."""

from collections.abc import Sequence

import attrs
import numpy as np

from tradekernel.domain.ports.plugins import ContextWorker
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray


@attrs.frozen(kw_only=True)
class LookaheadFinding:
    symbol: str
    column: str
    index: int
    ts_ms: int
    full: float
    truncated: float


@attrs.frozen(kw_only=True)
class LookaheadReport:
    indices: tuple[int, ...]
    columns: int
    findings: tuple[LookaheadFinding, ...]


def sample_indices(length: int, samples: int) -> IntArray:
    """Return up to `samples` evenly spread bar indices, always including the last bar."""
    if length == 0:
        return np.zeros(0, dtype=np.int64)
    picked = np.unique(np.linspace(0, length - 1, num=min(samples, length)).astype(np.int64))
    return picked


def _differs(full: float, truncated: float, tolerance: float) -> bool:
    if np.isnan(full) and np.isnan(truncated):
        return False
    if np.isnan(full) or np.isnan(truncated):
        return True
    return abs(full - truncated) > tolerance


def check_lookahead(
    workers: Sequence[ContextWorker[BarSeries, FloatArray]],
    series: BarSeries,
    *,
    samples: int,
    tolerance: float = 0.0,
) -> LookaheadReport:
    """Compare every worker column at sampled bars on full versus truncated history."""
    indices = sample_indices(len(series), samples)
    findings: list[LookaheadFinding] = []
    columns = 0
    for worker in workers:
        full = worker.compute(series)
        columns += len(full)
        for index in indices:
            truncated = worker.compute(series.head(int(index) + 1))
            for name in sorted(full):
                a = float(full[name][index])
                b = float(truncated[name][index])
                if _differs(a, b, tolerance):
                    findings.append(
                        LookaheadFinding(
                            symbol=series.symbol,
                            column=name,
                            index=int(index),
                            ts_ms=int(series.ts_ms[index]),
                            full=a,
                            truncated=b,
                        )
                    )
    return LookaheadReport(
        indices=tuple(int(i) for i in indices), columns=columns, findings=tuple(findings)
    )
