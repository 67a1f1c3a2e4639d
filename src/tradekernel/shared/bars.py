"""Columnar bar history (numpy), the series type the kernel binds `PlanningContext` to.

A `BarSeries` may carry precomputed feature columns aligned with its bars; slicing keeps
them aligned. Context workers are causal, so a column computed once over the whole
history and then sliced equals the column computed on the slice: this is what lets the
backtest compute indicators once and still call the same kernel as live trading.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from tradekernel.domain.market import Bar

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True, eq=False)
class BarSeries:
    """OHLCV columns of one symbol, oldest first. Prices and volume are float64."""

    symbol: str
    ts_ms: IntArray
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    features: Mapping[str, FloatArray] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.ts_ms)

    @classmethod
    def from_bars(cls, symbol: str, bars: Sequence[Bar]) -> "BarSeries":
        """Build a series from domain bars (live and paper feeds)."""
        return cls(
            symbol=symbol,
            ts_ms=np.array([bar.ts_ms for bar in bars], dtype=np.int64),
            open=np.array([float(bar.open) for bar in bars], dtype=np.float64),
            high=np.array([float(bar.high) for bar in bars], dtype=np.float64),
            low=np.array([float(bar.low) for bar in bars], dtype=np.float64),
            close=np.array([float(bar.close) for bar in bars], dtype=np.float64),
            volume=np.array([float(bar.volume) for bar in bars], dtype=np.float64),
        )

    def head(self, stop: int) -> "BarSeries":
        """Return the first `stop` bars (a view, no copy), features included."""
        return BarSeries(
            symbol=self.symbol,
            ts_ms=self.ts_ms[:stop],
            open=self.open[:stop],
            high=self.high[:stop],
            low=self.low[:stop],
            close=self.close[:stop],
            volume=self.volume[:stop],
            features={name: column[:stop] for name, column in self.features.items()},
        )

    def window(self, start: int, stop: int) -> "BarSeries":
        """Return bars `start` to `stop` (a view); features only when the window is a head.

        A feature column is computed over the bars before it too, so a window that does not
        start at the first bar carries none: whoever plans on it computes its own (as a
        live bot planning on the venue's last closed bars does).
        """
        if start == 0:
            return self.head(stop)
        return BarSeries(
            symbol=self.symbol,
            ts_ms=self.ts_ms[start:stop],
            open=self.open[start:stop],
            high=self.high[start:stop],
            low=self.low[start:stop],
            close=self.close[start:stop],
            volume=self.volume[start:stop],
        )

    def with_features(self, features: Mapping[str, FloatArray]) -> "BarSeries":
        """Return the same bars carrying `features` (each as long as the series)."""
        for name, column in features.items():
            if column.shape[0] != len(self):
                raise ValueError(f"feature {name!r} has {column.shape[0]} rows, want {len(self)}")
        return attrs.evolve(self, features={**self.features, **features})

    def bar_at(self, index: int) -> Bar:
        """Return one bar as a domain object (prices as exact decimal strings of the floats)."""
        # `item` reads each value as a Python int or float already: no numpy scalar and
        # no float() between (a fill step builds one bar, and five conversions are most of it).
        return Bar(
            symbol=self.symbol,
            ts_ms=self.ts_ms.item(index),
            open=Decimal(repr(self.open.item(index))),
            high=Decimal(repr(self.high.item(index))),
            low=Decimal(repr(self.low.item(index))),
            close=Decimal(repr(self.close.item(index))),
            volume=Decimal(repr(self.volume.item(index))),
        )
