"""Bollinger bands: a moving mean and bands at a multiple of the rolling standard deviation."""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.price_source import SOURCES, select_source
from tradekernel.features.context.smoothing import rolling_mean, rolling_std
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import above, at_least, non_empty, one_of

PARTS = ("mid", "upper", "lower", "width")


@attrs.frozen(kw_only=True)
class BollingerParams:
    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=20, validator=at_least(2))
    multiplier: float = attrs.field(default=2.0, validator=above(0))
    source: str = attrs.field(default="close", validator=one_of(SOURCES))


class BollingerWorker:
    """Bollinger bands over `period` bars of `source`.

    `.mid` is the SMA, `.upper`/`.lower` are mid +/- multiplier x the population standard
    deviation (ddof 0, as Bollinger defines it), `.width` is (upper - lower) / |mid|
    (0 where mid is 0). Warm-up: `period - 1` bars.
    """

    def __init__(self, params: BollingerParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(f"{self._params.key}.{part}" for part in PARTS)

    @property
    def warmup(self) -> int:
        return self._params.period - 1

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the four band columns, NaN during warm-up."""
        values = select_source(bars, self._params.source)
        mid = rolling_mean(values, self._params.period)
        band = self._params.multiplier * rolling_std(values, self._params.period)
        upper = mid + band
        lower = mid - band
        with np.errstate(divide="ignore", invalid="ignore"):
            width = (upper - lower) / np.abs(mid)
        width = np.where(mid == 0.0, 0.0, width)
        key = self._params.key
        return {
            f"{key}.mid": mid,
            f"{key}.upper": upper,
            f"{key}.lower": lower,
            f"{key}.width": width,
        }


def _outputs(params: BollingerParams) -> tuple[str, ...]:
    return tuple(f"{params.key}.{part}" for part in PARTS)


BOLLINGER_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="bollinger",
    params=BollingerParams,
    factory=BollingerWorker,
    summary="Bollinger bands (mid, upper, lower, relative width).",
    provides=_outputs,
)
