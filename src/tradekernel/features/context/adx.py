"""Average directional index, with a trending/ranging regime flag."""

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.atr import true_range
from tradekernel.features.context.smoothing import seeded_recursion
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import above, at_least, non_empty

PARTS = ("value", "trending", "plus_di", "minus_di")


@attrs.frozen(kw_only=True)
class AdxParams:
    """`threshold`: ADX at or above it marks the bar trending (1.0), below it ranging (0.0)."""

    key: str = attrs.field(validator=non_empty)
    period: int = attrs.field(default=14, validator=at_least(1))
    threshold: float = attrs.field(default=25.0, validator=above(0))


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """Return 100 * numerator / denominator, 0 where the denominator is 0 (flat market)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 100.0 * numerator / denominator
    return np.where(denominator == 0.0, 0.0, out)


class AdxWorker:
    """Wilder's ADX and directional indicators (0..100).

    +DM/-DM and the true range start at bar 1 and are Wilder-smoothed like the ATR (first
    value at bar `period`); DX = 100 |+DI - -DI| / (+DI + -DI); ADX is the mean of the
    first `period` DX values (at bar `2 period - 1`) then Wilder-smoothed. Outputs
    `<key>.value`, `<key>.trending` (1.0 at or above `threshold`, else 0.0),
    `<key>.plus_di` and `<key>.minus_di`. Warm-up: `2 period - 1` bars (the DI columns
    are defined from bar `period`).
    """

    def __init__(self, params: AdxParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(f"{self._params.key}.{part}" for part in PARTS)

    @property
    def warmup(self) -> int:
        return 2 * self._params.period - 1

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the ADX, regime and DI columns, NaN during warm-up."""
        period = self._params.period
        alpha = 1.0 / period
        up = np.zeros_like(bars.high)
        down = np.zeros_like(bars.low)
        up[1:] = bars.high[1:] - bars.high[:-1]
        down[1:] = bars.low[:-1] - bars.low[1:]
        plus_dm = np.where((up > down) & (up > 0.0), up, 0.0)
        minus_dm = np.where((down > up) & (down > 0.0), down, 0.0)
        smoothed_tr = seeded_recursion(true_range(bars), alpha, period, period)
        plus_di = _ratio(seeded_recursion(plus_dm, alpha, period, period), smoothed_tr)
        minus_di = _ratio(seeded_recursion(minus_dm, alpha, period, period), smoothed_tr)
        di_sum = plus_di + minus_di
        dx = _ratio(np.abs(plus_di - minus_di), di_sum)
        adx = seeded_recursion(dx, alpha, period, 2 * period - 1)
        trending = np.where(adx >= self._params.threshold, 1.0, 0.0)
        trending[np.isnan(adx)] = np.nan
        key = self._params.key
        return {
            f"{key}.value": adx,
            f"{key}.trending": trending,
            f"{key}.plus_di": plus_di,
            f"{key}.minus_di": minus_di,
        }


def _outputs(params: AdxParams) -> tuple[str, ...]:
    return tuple(f"{params.key}.{part}" for part in PARTS)


ADX_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="adx",
    params=AdxParams,
    factory=AdxWorker,
    summary="Wilder's ADX with +DI/-DI and a trending flag at a threshold.",
    provides=_outputs,
)
