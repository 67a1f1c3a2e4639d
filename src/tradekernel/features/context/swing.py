"""Swing structure: confirmed pivots, higher highs/lows and breaks of structure."""

import attrs
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.smoothing import nan_column
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray
from tradekernel.shared.param_checks import at_least, non_empty

PARTS = ("last_high", "last_low", "higher_high", "higher_low", "bos_up", "bos_down")


@attrs.frozen(kw_only=True)
class SwingParams:
    """A pivot needs `left` bars before it and `right` bars after it."""

    key: str = attrs.field(validator=non_empty)
    left: int = attrs.field(default=3, validator=at_least(1))
    right: int = attrs.field(default=3, validator=at_least(1))


def _pivots(values: FloatArray, left: int, right: int, sign: float) -> tuple[IntArray, FloatArray]:
    """Return (confirmation index, value) of each pivot high (sign 1) or low (sign -1).

    Bar j is a pivot high when it is strictly above the `left` bars before it and not below
    the `right` bars after it (so of equal highs the first one is the pivot). It is known
    only at bar j + right, which is the index returned.
    """
    span = left + right + 1
    if values.shape[0] < span:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    windows = sliding_window_view(sign * values, span)
    centre = windows[:, left]
    is_pivot = (centre > windows[:, :left].max(axis=1)) & (
        centre >= windows[:, left + 1 :].max(axis=1)
    )
    confirmed = np.flatnonzero(is_pivot).astype(np.int64) + left + right
    return confirmed, sign * centre[is_pivot]


def _hold(length: int, at: IntArray, values: FloatArray) -> FloatArray:
    """Return a column holding each value from its index until the next one (NaN before)."""
    out = nan_column(length)
    if at.shape[0] == 0:
        return out
    marker = np.full(length, -1, dtype=np.int64)
    marker[at] = np.arange(at.shape[0])
    latest = np.maximum.accumulate(marker)
    known = latest >= 0
    out[known] = values[latest[known]]
    return out


def _rising(length: int, at: IntArray, values: FloatArray) -> FloatArray:
    """Return 1.0/0.0: was the last pivot above the one before it (NaN before two pivots)."""
    rising = np.where(values[1:] > values[:-1], 1.0, 0.0)
    return _hold(length, at[1:], rising)


def _crossing(close: FloatArray, level: FloatArray, sign: float) -> FloatArray:
    """Return 1.0 where close crosses `level` upward (sign 1) or downward (sign -1) on this bar.

    A cross is `close[i] > level[i]` with `close[i-1] <= level[i]` (mirrored for
    downward); 0.0 elsewhere once the level is known, NaN before.
    """
    out = np.where(np.isnan(level), np.nan, 0.0)
    if close.shape[0] > 1:
        now = sign * close[1:] > sign * level[1:]
        before = sign * close[:-1] <= sign * level[1:]
        out[1:] = np.where(now & before, 1.0, out[1:])
    return out


class SwingWorker:
    """Pivot-based market structure, emitted causally.

    A pivot at bar j is emitted at bar j + right, when it becomes known. Outputs:
    `.last_high`/`.last_low` (the last confirmed pivot values), `.higher_high`/`.higher_low`
    (1.0 if the last pivot is above the previous one, else 0.0), `.bos_up`/`.bos_down`
    (1.0 on the bar whose close crosses the last confirmed swing high upward / swing low
    downward). Each column is NaN until the pivots it needs exist; `warmup` is the
    earliest possible first value, `left + right` bars.
    """

    def __init__(self, params: SwingParams) -> None:
        self._params = params

    @property
    def name(self) -> str:
        return self._params.key

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(f"{self._params.key}.{part}" for part in PARTS)

    @property
    def warmup(self) -> int:
        return self._params.left + self._params.right

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]:
        """Return the six structure columns."""
        left, right = self._params.left, self._params.right
        length = len(bars)
        high_at, highs = _pivots(bars.high, left, right, 1.0)
        low_at, lows = _pivots(bars.low, left, right, -1.0)
        last_high = _hold(length, high_at, highs)
        last_low = _hold(length, low_at, lows)
        key = self._params.key
        return {
            f"{key}.last_high": last_high,
            f"{key}.last_low": last_low,
            f"{key}.higher_high": _rising(length, high_at, highs),
            f"{key}.higher_low": _rising(length, low_at, lows),
            f"{key}.bos_up": _crossing(bars.close, last_high, 1.0),
            f"{key}.bos_down": _crossing(bars.close, last_low, -1.0),
        }


def _outputs(params: SwingParams) -> tuple[str, ...]:
    return tuple(f"{params.key}.{part}" for part in PARTS)


SWING_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_WORKER,
    name="swing",
    params=SwingParams,
    factory=SwingWorker,
    summary="Confirmed swing pivots, higher highs/lows and breaks of structure.",
    provides=_outputs,
)
