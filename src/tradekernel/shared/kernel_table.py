"""What `PlanningKernel.prepare` derives from a history for fast per-cycle reads.

- Candidate bits: bit `i` of `bits[k]` is set when signal worker `i` may fire at bar `k`,
  from the workers' vectorised `CandidateMask`s (a worker without one has its bit set on
  every bar). The kernel does not call a worker whose bit is clear: it cannot fire there.
- The feature columns stacked row-major, so one bar's row is a single read, with a flag per
  bar saying whether the row is complete (no NaN, so nothing to drop).
- The context aggregator's scores of every bar, when it can compute them vectorised
  (`shared.row_scores`): an assessment is then one row read, with no snapshot needed.

A table is held by the `PreparedMarket` of the kernel that computed it
(`orchestration.prepared_market`), never by the history itself.
"""

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float64]
BitArray = npt.NDArray[np.unsignedinteger[Any]]
FlagArray = npt.NDArray[np.bool_]
ScoreMatrix = npt.NDArray[np.int64]  # see shared.row_scores


@attrs.frozen(kw_only=True, eq=False)
class KernelTable:
    """`bits[k]`: workers that may fire at bar `k`; `rows[k]`: bar `k` of the columns `names`."""

    bits: BitArray | None  # None: more workers than bits in a word, all are called
    names: tuple[str, ...]
    rows: FloatMatrix
    complete: FlagArray
    # One row of assessment scores per bar (shared.row_scores), or None: assess per cycle.
    scores: ScoreMatrix | None = None


def bit_dtype(count: int) -> type[np.unsignedinteger[Any]]:
    """Return the narrowest unsigned integer type with `count` bits (at most 64)."""
    dtypes: tuple[type[np.unsignedinteger[Any]], ...] = (np.uint8, np.uint16, np.uint32, np.uint64)
    for dtype in dtypes:
        if count <= np.iinfo(dtype).bits:
            return dtype
    raise ValueError(f"{count} candidate bits do not fit one 64-bit word")
