"""Rolling volume percentile: where the current volume ranks among the last N bars."""

import attrs
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.smoothing import nan_column
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, non_empty

# Rows of the window matrix compared per step: bounds the temporary boolean matrix to
# about CHUNK_ROWS x period bytes whatever the history length.
CHUNK_ROWS = 65_536


@attrs.frozen(kw_only=True)
class VolumePercentileParams:
    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=20, validator=at_least(2))


class VolumePercentileWorker:
    """Rank of the current volume among the last `period` bars (itself included), 0..1.

    The value is the fraction of the `period - 1` previous volumes that are <= the current
    one: 1.0 when the bar has the highest volume of the window (ties count as beaten), 0.0
    when every previous bar traded more. Warm-up: `period - 1` bars.
    """

    def __init__(self, params: VolumePercentileParams) -> None:
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
        """Return the percentile column, NaN during warm-up."""
        period = self._params.period
        volume = bars.volume
        out = nan_column(volume.shape[0])
        if volume.shape[0] >= period:
            previous = sliding_window_view(volume[:-1], period - 1)
            current = volume[period - 1 :]
            counts = np.empty(current.shape[0], dtype=np.float64)
            for start in range(0, current.shape[0], CHUNK_ROWS):
                stop = start + CHUNK_ROWS
                beaten = previous[start:stop] <= current[start:stop, np.newaxis]
                counts[start:stop] = beaten.sum(axis=1)
            out[period - 1 :] = counts / (period - 1)
        return {self._params.key: out}


def _outputs(params: VolumePercentileParams) -> tuple[str, ...]:
    return (params.key,)


VOLUME_PERCENTILE_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="volume_percentile",
    params=VolumePercentileParams,
    factory=VolumePercentileWorker,
    summary="Rank (0..1) of the current volume among the last N bars.",
    provides=_outputs,
)
