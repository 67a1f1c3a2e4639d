"""Vectorised activity masks: where a stage could act, computed once over a whole history.

The sparse backtest calls the kernel only on bars where some plugin could act. A plugin
that can say so in advance implements `CandidateMask`; one that cannot is treated as
active on every bar (so the sparse loop stays exact, only slower). The capability is
checked once when a blueprint's kernel is built (`orchestration.plugin_contract`), never
probed with `isinstance` per cycle.
"""

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tradekernel.shared.bars import BarSeries, FloatArray

BoolArray = npt.NDArray[np.bool_]


class CandidateMask(Protocol):
    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True at every bar index where `evaluate` could return a non-None result.

        It may say True where nothing happens (over-approximation is safe); it must never
        say False where something would.
        """
        ...
