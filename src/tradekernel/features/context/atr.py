"""Average true range with Wilder smoothing."""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.smoothing import seeded_recursion
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, non_empty


def true_range(bars: BarSeries) -> FloatArray:
    """Return the true range; bar 0 has no previous close, so its value is `high - low`."""
    high, low, close = bars.high, bars.low, bars.close
    out = high - low
    if out.shape[0] > 1:
        previous = close[:-1]
        out[1:] = np.maximum.reduce(
            [high[1:] - low[1:], np.abs(high[1:] - previous), np.abs(low[1:] - previous)]
        )
    return out


@attrs.frozen(kw_only=True)
class AtrParams:
    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=14, validator=at_least(1))


class AtrWorker:
    """Wilder's ATR, in price units.

    Bar 0 is skipped (no previous close, so no true range in Wilder's sense): the first
    value, at bar `period`, is the mean of the true ranges of bars 1..period, then
    Wilder-smoothed (alpha = 1/period). This matches TA-Lib. Warm-up: `period` bars.
    """

    def __init__(self, params: AtrParams) -> None:
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
        """Return the ATR column, NaN during warm-up."""
        period = self._params.period
        column = seeded_recursion(true_range(bars), 1.0 / period, period, period)
        return {self._params.key: column}


def _outputs(params: AtrParams) -> tuple[str, ...]:
    return (params.key,)


ATR_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="atr",
    params=AtrParams,
    factory=AtrWorker,
    summary="Wilder's average true range.",
    provides=_outputs,
)
