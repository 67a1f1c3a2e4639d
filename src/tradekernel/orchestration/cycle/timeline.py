"""One timeline for several symbols, and where on it the kernel has to be called.

The sparse loop is exact because the kernel can only emit a directive where some plugin
can act: at a bar where an opportunity could fire (the workers' candidate masks), where a
scheduled planner is due, or, while a position or order is open, where a threat could fire
or a position-managing planner acts. Plugins that cannot say where they act count as
acting on every bar.
"""

from collections.abc import Mapping

import attrs
import numpy as np

from tradekernel.shared.bars import BarSeries, IntArray
from tradekernel.shared.candidates import BoolArray


@attrs.frozen(kw_only=True, eq=False)
class Timeline:
    """The sorted union of bar times; `index[s][t]` is symbol s's last bar at or before t."""

    ts_ms: IntArray
    symbols: tuple[str, ...]
    index: Mapping[str, IntArray]
    has_bar: Mapping[str, BoolArray]

    def __len__(self) -> int:
        return int(self.ts_ms.shape[0])


def build_timeline(series: Mapping[str, BarSeries]) -> Timeline:
    symbols = tuple(sorted(series))
    if len(symbols) == 1:
        only = series[symbols[0]]
        count = len(only)
        return Timeline(
            ts_ms=only.ts_ms,
            symbols=symbols,
            index={symbols[0]: np.arange(count, dtype=np.int64)},
            has_bar={symbols[0]: np.ones(count, dtype=np.bool_)},
        )
    times = np.unique(np.concatenate([series[s].ts_ms for s in symbols]))
    index: dict[str, IntArray] = {}
    has_bar: dict[str, BoolArray] = {}
    for symbol in symbols:
        own = series[symbol].ts_ms
        position = np.searchsorted(own, times, side="right").astype(np.int64) - 1
        index[symbol] = position
        clipped = np.clip(position, 0, None)
        has_bar[symbol] = (position >= 0) & (own[clipped] == times)
    return Timeline(ts_ms=times, symbols=symbols, index=index, has_bar=has_bar)


def on_timeline(timeline: Timeline, symbol: str, bar_mask: BoolArray) -> BoolArray:
    """Map a mask over a symbol's own bars onto the timeline (True only where it has a bar)."""
    if len(timeline.symbols) == 1:
        return bar_mask
    position = np.clip(timeline.index[symbol], 0, None)
    return timeline.has_bar[symbol] & bar_mask[position]
