"""Relative strength index with Wilder smoothing."""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.price_source import SOURCES, select_source
from tradekernel.features.context.smoothing import nan_column, seeded_recursion
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, non_empty, one_of


@attrs.frozen(kw_only=True)
class RsiParams:
    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=14, validator=at_least(1))
    source: str = attrs.field(default="close", validator=one_of(SOURCES))


class RsiWorker:
    """Wilder's RSI in 0..100.

    Changes start at bar 1; the average gain and loss at bar `period` are the means of the
    first `period` changes, then Wilder-smoothed (alpha = 1/period). RSI is
    `100 - 100 / (1 + gain / loss)`; with no loss it is 100, with neither gain nor loss 50.
    Warm-up: `period` bars.
    """

    def __init__(self, params: RsiParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    @property
    def warmup(self) -> int:
        return self._params.period

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the RSI column, NaN during warm-up."""
        period = self._params.period
        values = select_source(bars, self._params.source)
        change = np.zeros_like(values)
        change[1:] = np.diff(values)
        gain = seeded_recursion(np.maximum(change, 0.0), 1.0 / period, period, period)
        loss = seeded_recursion(np.maximum(-change, 0.0), 1.0 / period, period, period)
        out = nan_column(values.shape[0])
        defined = ~np.isnan(gain)
        with np.errstate(divide="ignore", invalid="ignore"):
            rsi = 100.0 - 100.0 / (1.0 + gain / loss)
        rsi = np.where(loss == 0.0, np.where(gain == 0.0, 50.0, 100.0), rsi)
        out[defined] = rsi[defined]
        return {self._params.key: out}


def _outputs(params: RsiParams) -> tuple[str, ...]:
    return (params.key,)


RSI_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="rsi",
    params=RsiParams,
    factory=RsiWorker,
    summary="Wilder's relative strength index, 0..100.",
    provides=_outputs,
)
