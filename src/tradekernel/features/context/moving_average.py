"""Simple and exponential moving averages of a price source."""

import attrs

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.price_source import SOURCES, select_source
from tradekernel.features.context.smoothing import rolling_mean, seeded_recursion
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, non_empty, one_of


@attrs.frozen(kw_only=True)
class MovingAverageParams:
    """`key` names the output column; `period` bars are averaged over `source`."""

    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=20, validator=at_least(1))
    source: str = attrs.field(default="close", validator=one_of(SOURCES))


class SmaWorker:
    """Simple moving average: the mean of the last `period` values (warm-up `period - 1`)."""

    def __init__(self, params: MovingAverageParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    @property
    def warmup(self) -> int:
        return self._params.period - 1

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the SMA column, NaN during warm-up."""
        values = select_source(bars, self._params.source)
        return {self._params.key: rolling_mean(values, self._params.period)}


class EmaWorker:
    """Exponential moving average with alpha = 2 / (period + 1).

    The first value, at index `period - 1`, is the SMA of the first `period` values; each
    later value is `ema[i-1] + alpha * (x[i] - ema[i-1])`. Seeding with the SMA (rather
    than with x[0]) makes the value independent of how far back the history starts once
    it has converged, and gives a warm-up of `period - 1` bars like the SMA.
    """

    def __init__(self, params: MovingAverageParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self._params.key,)

    @property
    def warmup(self) -> int:
        return self._params.period - 1

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the EMA column, NaN during warm-up."""
        period = self._params.period
        values = select_source(bars, self._params.source)
        column = seeded_recursion(values, 2.0 / (period + 1), period, period - 1)
        return {self._params.key: column}


def _outputs(params: MovingAverageParams) -> tuple[str, ...]:
    return (params.key,)


SMA_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="sma",
    params=MovingAverageParams,
    factory=SmaWorker,
    summary="Simple moving average of a price source.",
    provides=_outputs,
)

EMA_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="ema",
    params=MovingAverageParams,
    factory=EmaWorker,
    summary="Exponential moving average (alpha 2/(n+1)), seeded with the SMA of n values.",
    provides=_outputs,
)
