"""The equity curve a report is computed from: timestamps and equity, oldest first."""

from collections.abc import Sequence
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.ports.journal import EquityPoint
from tradekernel.shared.bars import FloatArray, IntArray


@attrs.frozen(kw_only=True, eq=False)
class EquityCurve:
    """Equity (quote asset) at bar timestamps (int UTC epoch ms), oldest first.

    Floats serve the vectorised statistics only; `final` keeps the exact last equity
    when the curve was built from Decimal snapshots.
    """

    ts_ms: IntArray
    equity: FloatArray
    final: Decimal

    def __len__(self) -> int:
        return int(self.ts_ms.shape[0])

    @classmethod
    def from_arrays(
        cls, ts_ms: IntArray, equity: FloatArray, *, final: Decimal | None = None
    ) -> "EquityCurve":
        """Build a curve from columns; `final` is the run's exact final equity, if known.

        Without `final`, the last float value stands for it (as its shortest decimal).

        Raises:
            ValueError: if the columns are empty, differ in length, hold a non-finite
                equity, or the timestamps are not strictly increasing.
        """
        ts = np.asarray(ts_ms, dtype=np.int64)
        values = np.asarray(equity, dtype=np.float64)
        if ts.ndim != 1 or values.ndim != 1 or ts.shape != values.shape:
            raise ValueError(
                f"equity curve: ts_ms has shape {ts.shape}, equity {values.shape}; "
                "want two 1-D columns of one length"
            )
        if ts.shape[0] == 0:
            raise ValueError("equity curve is empty: a report needs at least one point")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValueError(f"equity curve: equity[{int(bad[0])}] is not finite")
        steps = np.flatnonzero(np.diff(ts) <= 0)
        if steps.size:
            index = int(steps[0]) + 1
            raise ValueError(f"equity curve: ts_ms[{index}] is not after ts_ms[{index - 1}]")
        exact = Decimal(repr(float(values[-1]))) if final is None else final
        return cls(ts_ms=ts, equity=values, final=exact)

    @classmethod
    def from_points(cls, points: Sequence[EquityPoint]) -> "EquityCurve":
        """Build a curve from journal snapshots, keeping the exact final equity.

        Raises:
            ValueError: as `from_arrays`.
        """
        ts = np.fromiter((point.ts_ms for point in points), dtype=np.int64, count=len(points))
        values = np.fromiter(
            (float(point.equity) for point in points), dtype=np.float64, count=len(points)
        )
        curve = cls.from_arrays(ts, values)
        return attrs.evolve(curve, final=points[-1].equity)
