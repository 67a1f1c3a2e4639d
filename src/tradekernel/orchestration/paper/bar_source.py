"""Where a paper run's bars come from: a recorded file replayed, or a live market feed.

A source hands the runner one `MarketStep` per closed-bar time: every symbol's bar at
that time (a symbol with no bar then is simply absent, as in the backtest's timeline).
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import attrs

from tradekernel.domain.market import Bar
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.sleeper import Sleeper
from tradekernel.orchestration.backtest.timeline import build_timeline
from tradekernel.shared.bars import BarSeries


@attrs.frozen(kw_only=True)
class MarketStep:
    """The bars that closed at `ts_ms` (their open time), sorted by symbol."""

    ts_ms: int
    bars: tuple[Bar, ...]


class BarSource(Protocol):
    def warmup(self) -> Sequence[MarketStep]:
        """Return the history known before the first cycle (never planned on), oldest first."""
        ...

    def next_step(self) -> MarketStep | None:
        """Return the next closed-bar step, waiting for it if need be; None at the end."""
        ...


class ReplaySource:
    """Replay recorded series on their shared timeline (the backtest's), step by step.

    Steps before `resume_from_ms` are warm-up: a restarted bot rebuilds its indicators
    on them and continues planning at `resume_from_ms`.
    """

    def __init__(self, series: Mapping[str, BarSeries], *, resume_from_ms: int | None = None):
        self._series = {symbol: series[symbol] for symbol in sorted(series)}
        timeline = build_timeline({symbol: series[symbol] for symbol in sorted(series)})
        self._steps: list[MarketStep] = []
        for index in range(len(timeline)):
            bars = tuple(
                series[symbol].bar_at(int(timeline.index[symbol][index]))
                for symbol in timeline.symbols
                if timeline.has_bar[symbol][index]
            )
            self._steps.append(MarketStep(ts_ms=int(timeline.ts_ms[index]), bars=bars))
        split = 0
        if resume_from_ms is not None:
            split = next(
                (i for i, step in enumerate(self._steps) if step.ts_ms >= resume_from_ms),
                len(self._steps),
            )
        self._warmup = self._steps[:split]
        self._next = split

    def __len__(self) -> int:
        """Return how many steps the replay plans on."""
        return len(self._steps) - len(self._warmup)

    def warmup(self) -> Sequence[MarketStep]:
        return tuple(self._warmup)

    def known_series(self) -> Mapping[str, BarSeries]:
        """Return the recorded series being replayed (see `paper.known_features`)."""
        return self._series

    def next_step(self) -> MarketStep | None:
        if self._next >= len(self._steps):
            return None
        step = self._steps[self._next]
        self._next += 1
        return step


class PolledSource:
    """Poll a `MarketDataPort` for closed bars of every symbol.

    A time is handed on once every symbol has reported a bar at or after it, so a symbol
    that lags is waited for rather than skipped. Between empty polls it sleeps `poll_ms`;
    it ends (None) when `keep_waiting()` turns False, which a stop request does.
    """

    def __init__(
        self,
        *,
        market_data: MarketDataPort,
        symbols: Sequence[str],
        timeframe: str,
        since_ms: int,
        warmup_bars: int,
        sleeper: Sleeper,
        keep_waiting: Callable[[], bool],
        poll_ms: int = 5_000,
    ) -> None:
        if poll_ms <= 0 or warmup_bars < 0:
            raise ValueError("poll_ms must be positive and warmup_bars >= 0")
        self._market_data = market_data
        self._symbols = tuple(sorted(set(symbols)))
        self._timeframe = timeframe
        self._since_ms = since_ms
        self._warmup_bars = warmup_bars
        self._sleeper = sleeper
        self._keep_waiting = keep_waiting
        self._poll_ms = poll_ms
        self._latest: dict[str, int] = {}
        self._pending: dict[int, dict[str, Bar]] = {}

    def warmup(self) -> Sequence[MarketStep]:
        for symbol in self._symbols:
            for bar in self._market_data.fetch_bars(
                symbol, self._timeframe, self._since_ms, self._warmup_bars
            ):
                self._take(bar)
        return self._ready()

    def next_step(self) -> MarketStep | None:
        while True:
            ready = self._ready(limit=1)
            if ready:
                return ready[0]
            if not self._keep_waiting():
                return None
            for symbol in self._symbols:
                since = self._latest.get(symbol, self._since_ms - 1) + 1
                for bar in self._market_data.fetch_bars(symbol, self._timeframe, since, 1000):
                    self._take(bar)
            if not self._ready_times():
                self._sleeper.sleep_ms(self._poll_ms)

    def _take(self, bar: Bar) -> None:
        if bar.ts_ms <= self._latest.get(bar.symbol, bar.ts_ms - 1):
            return
        self._latest[bar.symbol] = bar.ts_ms
        self._pending.setdefault(bar.ts_ms, {})[bar.symbol] = bar

    def _ready_times(self) -> list[int]:
        if len(self._latest) < len(self._symbols):
            return []
        horizon = min(self._latest.values())
        return sorted(ts for ts in self._pending if ts <= horizon)

    def _ready(self, limit: int | None = None) -> tuple[MarketStep, ...]:
        times = self._ready_times()[:limit]
        steps = []
        for ts in times:
            bars = self._pending.pop(ts)
            steps.append(MarketStep(ts_ms=ts, bars=tuple(bars[s] for s in sorted(bars))))
        return tuple(steps)
