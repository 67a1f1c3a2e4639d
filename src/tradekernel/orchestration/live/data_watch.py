"""The live runner's watch on its market data: a heartbeat and stale closed bars.

Each cycle feeds the system monitor (`runtime/system_monitor.py`) the close time of each
symbol's newest closed bar and beats once. When a symbol's newest bar closed longer ago
than `stale_after_ms` (a multiple of the timeframe), the bot stops opening positions
(through the stop-new-orders switch: reductions still go out) until bars flow again.
"""

from collections.abc import Mapping

from tradekernel.orchestration.runtime.system_monitor import SystemMonitor
from tradekernel.shared.bars import BarSeries


class MarketDataWatch:
    """Tell whether the last read bars are stale; note each change for the log."""

    def __init__(self, *, monitor: SystemMonitor, timeframe_ms: int) -> None:
        self._monitor = monitor
        self._timeframe_ms = timeframe_ms
        self.stale = False
        self.stale_periods = 0
        self.last_beat_ms: int | None = None
        self.notices: list[str] = []

    def observe(self, history: Mapping[str, BarSeries]) -> bool:
        """Record the newest closed bar of each symbol; return True while data is stale."""
        for symbol, series in history.items():
            if len(series):
                self._monitor.observe(symbol, int(series.ts_ms[-1]) + self._timeframe_ms)
        report = self._monitor.check()
        stale = bool(report.stale)
        if stale and not self.stale:
            self.stale_periods += 1
            ages = ", ".join(
                f"{item.symbol} {'none' if item.age_ms is None else f'{item.age_ms // 1000} s'}"
                for item in report.stale
            )
            self.notices.append(
                f"market data stale (newest closed bar age: {ages}): no new positions opened"
            )
        elif self.stale and not stale:
            self.notices.append("market data flowing again: opening positions resumed")
        self.stale = stale
        return stale

    def beat(self, now_ms: int) -> None:
        """Record that a cycle completed."""
        self._monitor.beat()
        self.last_beat_ms = now_ms

    def take_notices(self) -> list[str]:
        """Return and forget the changes noted since the last call."""
        taken, self.notices = self.notices, []
        return taken

    def summary(self) -> dict[str, str | int | None]:
        """Return the heartbeat and the stale periods for the session's summary."""
        return {
            "heartbeat_ms": self.last_beat_ms,
            "stale_data_periods": self.stale_periods,
            "data_stale": int(self.stale),
        }
