"""The market data service: a bounded window of mark prices per symbol."""

from collections import deque
from collections.abc import Iterable, Mapping

from tradekernel.domain.market import MarkPrice
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.runtime import IBotRuntime


class MarketDataService:
    """Keep the last `window` marks of each symbol, oldest first, time strictly increasing."""

    def __init__(
        self, *, runtime: IBotRuntime, window: int, source: MarketDataPort | None = None
    ) -> None:
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window}")
        self._runtime = runtime
        self._window = window
        self._source = source
        self._marks: dict[str, deque[MarkPrice]] = {}
        self._rejected = 0

    @property
    def rejected(self) -> int:
        """Return how many marks were dropped for not being newer than the last one."""
        return self._rejected

    def on_mark(self, mark: MarkPrice) -> bool:
        """Add a mark; return False (and keep it out) if it is not newer than the last."""
        window = self._marks.setdefault(mark.symbol, deque(maxlen=self._window))
        if window and mark.ts_ms <= window[-1].ts_ms:
            self._rejected += 1
            return False
        window.append(mark)
        return True

    def refresh(self, symbols: Iterable[str]) -> tuple[MarkPrice, ...]:
        """Poll the source for each symbol (sorted) while the bot runs; return new marks.

        Raises:
            RuntimeError: the service has no source to poll.
        """
        if self._source is None:
            raise RuntimeError("MarketDataService.refresh needs a MarketDataPort source")
        if not self._runtime.is_running:
            return ()
        added = []
        for symbol in sorted(set(symbols)):
            mark = self._source.fetch_mark(symbol)
            if self.on_mark(mark):
                added.append(mark)
        return tuple(added)

    def latest(self, symbol: str) -> MarkPrice | None:
        window = self._marks.get(symbol)
        return window[-1] if window else None

    def window(self, symbol: str) -> tuple[MarkPrice, ...]:
        return tuple(self._marks.get(symbol, ()))

    def marks(self) -> Mapping[str, MarkPrice]:
        """Return the latest mark of every symbol, keyed by symbol in sorted order."""
        return {symbol: window[-1] for symbol, window in sorted(self._marks.items()) if window}
