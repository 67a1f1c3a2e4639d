"""The system monitor: a heartbeat and stale-data detection against the injected clock."""

from collections.abc import Iterable

import attrs

from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.runtime import IBotRuntime


@attrs.frozen(kw_only=True)
class StaleSymbol:
    """A watched symbol whose newest data is too old; `age_ms` is None if it never came."""

    symbol: str
    age_ms: int | None


@attrs.frozen(kw_only=True)
class HealthReport:
    ts_ms: int
    heartbeat_age_ms: int | None
    heartbeat_ok: bool
    stale: tuple[StaleSymbol, ...] = ()

    @property
    def healthy(self) -> bool:
        return self.heartbeat_ok and not self.stale


class SystemMonitor:
    """Watch that cycles keep beating and that every watched symbol's data stays fresh.

    With `stop_on_stale`, a check that finds stale data asks the runtime to stop (it
    finishes the cycle in flight): trading on old prices is worse than not trading.
    """

    def __init__(
        self,
        *,
        runtime: IBotRuntime,
        clock: Clock,
        heartbeat_timeout_ms: int,
        stale_after_ms: int,
        watch: Iterable[str] = (),
        stop_on_stale: bool = False,
    ) -> None:
        if heartbeat_timeout_ms <= 0 or stale_after_ms <= 0:
            raise ValueError("heartbeat_timeout_ms and stale_after_ms must be positive")
        self._runtime = runtime
        self._clock = clock
        self._heartbeat_timeout_ms = heartbeat_timeout_ms
        self._stale_after_ms = stale_after_ms
        self._stop_on_stale = stop_on_stale
        self._watched = sorted(set(watch))
        self._last_beat_ms: int | None = None
        self._last_data_ms: dict[str, int] = {}

    def beat(self) -> None:
        """Record that a cycle completed now."""
        self._last_beat_ms = self._clock.now_ms()

    def observe(self, symbol: str, data_ts_ms: int) -> None:
        """Record the timestamp of the newest data seen for a symbol (older ones are kept out)."""
        if data_ts_ms > self._last_data_ms.get(symbol, data_ts_ms - 1):
            self._last_data_ms[symbol] = data_ts_ms
        if symbol not in self._watched:
            self._watched = sorted({*self._watched, symbol})

    def check(self) -> HealthReport:
        """Return the health now; stop the runtime on stale data if so configured."""
        now = self._clock.now_ms()
        beat_age = None if self._last_beat_ms is None else now - self._last_beat_ms
        # Before the first beat there is nothing to be late for.
        heartbeat_ok = beat_age is None or beat_age <= self._heartbeat_timeout_ms
        stale = []
        for symbol in self._watched:
            last = self._last_data_ms.get(symbol)
            age = None if last is None else now - last
            if age is None or age > self._stale_after_ms:
                stale.append(StaleSymbol(symbol=symbol, age_ms=age))
        report = HealthReport(
            ts_ms=now, heartbeat_age_ms=beat_age, heartbeat_ok=heartbeat_ok, stale=tuple(stale)
        )
        if stale and self._stop_on_stale and self._runtime.is_running:
            names = ", ".join(item.symbol for item in stale)
            self._runtime.stop(f"stale data: {names}")
        return report
