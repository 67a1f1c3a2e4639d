"""A deliberately non-causal context worker, for `tradekernel check-lookahead` to catch.

A centred moving average reads `half` bars after bar i: fine for charts, a look-ahead
bias in a backtest.
"""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.shared.bars import BarSeries, FloatArray


@attrs.frozen(kw_only=True)
class CentredParams:
    key: str = "centred"
    half: int = 3


class CentredMovingAverage:
    """Mean of close[i - half .. i + half]; NaN where the window leaves the history."""

    def __init__(self, params: CentredParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the centred mean column."""
        half = self._params.half
        width = 2 * half + 1
        column = np.full(len(bars), np.nan, dtype=np.float64)
        if len(bars) >= width:
            sums = np.convolve(bars.close, np.ones(width), mode="valid") / width
            column[half : len(bars) - half] = sums
        return {self._params.key: column}


SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.CONTEXT_WORKER,
        name="centred_ma",
        params=CentredParams,
        factory=CentredMovingAverage,
        summary="Centred moving average (reads future bars: for the look-ahead check).",
        provides=lambda params: (params.key,),
    ),
)
