"""Account telemetry: equity snapshots over time, peak and drawdown, sent to the journal."""

from collections import deque
from collections.abc import Iterable, Mapping
from decimal import Decimal

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.market import MarkPrice
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.journal import EquityPoint, Journal
from tradekernel.domain.ports.runtime import IBotRuntime
from tradekernel.orchestration.runtime.equity import EquityCalculator, EquitySnapshot


class AccountTelemetry:
    """Take an equity snapshot per call (time from the clock); keep the last `history`."""

    def __init__(
        self,
        *,
        runtime: IBotRuntime,
        clock: Clock,
        calculator: EquityCalculator,
        journal: Journal | None = None,
        run_id: str = "",
        history: int = 10_000,
    ) -> None:
        if history < 1:
            raise ValueError(f"history must be >= 1, got {history}")
        self._runtime = runtime
        self._clock = clock
        self._calculator = calculator
        self._journal = journal
        self._run_id = run_id
        self._snapshots: deque[EquitySnapshot] = deque(maxlen=history)
        self._peak: Decimal | None = None

    def record(
        self,
        *,
        balances: Iterable[Balance],
        positions: Iterable[Position],
        marks: Mapping[str, MarkPrice],
    ) -> EquitySnapshot:
        """Value the account now, remember it, and write it to the journal if any.

        Raises:
            RuntimeError: the bot is not running (snapshots belong to a run).
        """
        if not self._runtime.is_running:
            raise RuntimeError("account telemetry records only while the bot runs")
        snapshot = self._calculator.snapshot(
            ts_ms=self._clock.now_ms(), balances=balances, positions=positions, marks=marks
        )
        self._snapshots.append(snapshot)
        if self._peak is None or snapshot.equity > self._peak:
            self._peak = snapshot.equity
        if self._journal is not None:
            point = EquityPoint(ts_ms=snapshot.ts_ms, equity=snapshot.equity, cash=snapshot.cash)
            self._journal.record_equity(self._run_id, [point])
        return snapshot

    @property
    def snapshots(self) -> tuple[EquitySnapshot, ...]:
        return tuple(self._snapshots)

    @property
    def peak_equity(self) -> Decimal | None:
        return self._peak

    @property
    def drawdown(self) -> Decimal:
        """Return (peak - latest) / peak, 0 before any snapshot or with a non-positive peak."""
        if not self._snapshots or self._peak is None or self._peak <= 0:
            return Decimal(0)
        return (self._peak - self._snapshots[-1].equity) / self._peak
