"""A user plugin that lies about where it fires, to show `backtest --verify-sparse` at work.

`lying_roc_cross` is `roc_cross` with a candidate mask that names only the upward zero
crossings: it still sells on a downward one, but the sparse loop, trusting the mask, never
calls the kernel there. Dense and sparse then part at the first sale.
"""

from collections.abc import Mapping

import numpy as np

from plugins_fixture.momentum import SPECS as MOMENTUM_SPECS
from plugins_fixture.momentum import RocCross, RocCrossParams
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray


class LyingRocCross(RocCross):
    """`roc_cross` whose mask hides the downward crossings where it signals SELL."""

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray:
        """Return True only where the column turns positive (a lie: it also fires below)."""
        column = features[self.column]
        before = np.concatenate(([np.nan], column[:-1]))
        mask: BoolArray = (before <= 0.0) & (column > 0.0)
        return mask

    @property
    def column(self) -> str:
        return self._params.column


SPECS: tuple[PluginSpec, ...] = (
    MOMENTUM_SPECS[0],
    PluginSpec(
        kind=PluginKind.OPPORTUNITY,
        name="lying_roc_cross",
        params=RocCrossParams,
        factory=LyingRocCross,
        summary="roc_cross with a candidate mask that hides its SELL bars (a test liar).",
        requires=lambda params: (params.column,),
    ),
)
