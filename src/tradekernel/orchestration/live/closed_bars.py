"""The live runner's view of the market: each symbol's last closed bars, read every cycle."""

from collections.abc import Callable, Sequence

from tradekernel.domain.market import Bar
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.timeframes import timeframe_name
from tradekernel.shared.bars import BarSeries

BarListener = Callable[[Sequence[Bar]], None]


class ClosedBarWindow:
    """Fetch the last `window` closed bars of each symbol; pass on the bars not seen yet."""

    def __init__(
        self,
        *,
        market: MarketDataPort,
        symbols: Sequence[str],
        timeframe_ms: int,
        window: int,
        resume_after_ms: int | None,
        on_bars: BarListener | None,
    ) -> None:
        self._market = market
        self._symbols = tuple(symbols)
        self._timeframe_ms = timeframe_ms
        self._window = window
        self._resume_after_ms = resume_after_ms
        self._on_bars = on_bars
        self._last_bar: dict[str, int] = {}

    def read(self, now: int) -> dict[str, BarSeries]:
        """Return each symbol's closed bars at `now` (symbols without any are left out)."""
        frame, window = self._timeframe_ms, self._window
        since = max(0, now - frame * (window + 1))
        history: dict[str, BarSeries] = {}
        fresh: list[Bar] = []
        for symbol in self._symbols:
            bars = self._market.fetch_bars(symbol, timeframe_name(frame), since, window + 1)
            # Only closed bars: the one still forming would change under the planner.
            closed = [bar for bar in bars if bar.ts_ms + frame <= now]
            if not closed:
                continue
            # After a restart, bars up to the last planned one were seen (by the paper
            # venue too): feeding them again would match re-placed orders on old prices.
            resumed = -1 if self._resume_after_ms is None else self._resume_after_ms
            last = self._last_bar.get(symbol, resumed)
            fresh += [bar for bar in closed if bar.ts_ms > last]
            self._last_bar[symbol] = closed[-1].ts_ms
            history[symbol] = BarSeries.from_bars(symbol, closed[-window:])
        if fresh and self._on_bars is not None:
            self._on_bars(sorted(fresh, key=lambda bar: (bar.ts_ms, bar.symbol)))
        return history
