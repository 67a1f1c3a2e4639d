"""The live market: the venue's last closed bars and account, read on the wall clock.

Each step (a live cycle) the market reconciles with the venue when due, polls the
working orders through the supervisor (fills, cancel confirmations, entry timeouts with
fallback and rollback), and reads each symbol's last closed bars. The step's time is the
open time of the newest closed bar, as a recorded market's step is a bar's; the kernel may
act once per newly closed bar. The account the kernel sees is the venue's balances, the
positions of the bot's own recorded fills (the one spot ledger) and the OMS's open
orders; the peak equity is valued as a backtest values its equity curve.

A venue that cannot be read (`Transient`) makes a step that skips order care and the
decision: nothing is planned or sent on a view of the venue that may be stale.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.errors import Transient
from tradekernel.domain.market import MarkPrice
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor, float_mark
from tradekernel.orchestration.cycle.equity import RunningPeak
from tradekernel.orchestration.cycle.market import Tick
from tradekernel.orchestration.live.closed_bars import ClosedBarWindow
from tradekernel.orchestration.live.perpetual_watch import PerpetualWatch
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconciliationReport
from tradekernel.orchestration.live.recorded_fills import ledger_of, recorded_fills
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.ledger import SpotLedger


@attrs.define
class LiveStep:
    """What the last step saw: wall time, newest bar, reconciliation, why it was skipped."""

    now_ms: int = 0
    planned_ts_ms: int | None = None
    reconciliation: ReconciliationReport | None = None


class LiveMarket:
    def __init__(
        self,
        *,
        bars: ClosedBarWindow,
        venue: ExecutionPort,
        manager: OrderManager,
        store: OrderEventStore,
        supervisor: OrderSupervisor,
        reconciler: Reconciler,
        telemetry: LiveTelemetry,
        clock: Clock,
        permits_cancel: Callable[[], bool],
        stop_new_orders: Callable[[], bool],
        quote: str,
        bases: Mapping[str, str],
        reconcile_every_ms: int,
        resume_after_ms: int | None,
        resume_peak_equity: Decimal | None = None,
        stale_data: Callable[[Mapping[str, BarSeries]], bool] | None = None,
        perpetual: PerpetualWatch | None = None,
    ) -> None:
        self._bars = bars
        # A perpetual account: the venue's signed positions, read each step (see
        # `perpetual_watch.py`); its margin balance is the equity, positions included.
        self._perpetual = perpetual
        self._venue = venue
        self._manager = manager
        self._store = store
        self._supervisor = supervisor
        self._reconciler = reconciler
        self._telemetry = telemetry
        self._now = clock.now_ms
        self._permits_cancel = permits_cancel
        self._stop_new_orders = stop_new_orders
        self._quote = quote
        self._bases = dict(bases)
        self._reconcile_every_ms = reconcile_every_ms
        # Stale bars stop new positions as the operator's switch does (data_watch.py).
        self._stale_data = stale_data
        self.last_planned = resume_after_ms
        self.last_reconcile: int | None = None
        self._history: dict[str, BarSeries] = {}
        self._peak = RunningPeak(None if resume_peak_equity is None else float(resume_peak_equity))
        self.step = LiveStep()

    def book(self) -> SpotLedger:
        """Return the ledger of the bot's own recorded fills."""
        return ledger_of(recorded_fills(self._store.all_events()), self._bases)

    def begin(self) -> Tick:
        now = self._now()
        stop_new = self._stop_new_orders()
        self.step = step = LiveStep(now_ms=now)
        try:
            due = (
                self.last_reconcile is None or now - self.last_reconcile >= self._reconcile_every_ms
            )
            if due:
                step.reconciliation = self._reconciler.reconcile(now)
                self.last_reconcile = now
            self._supervisor.poll(cancels_allowed=self._permits_cancel())
            # After the poll: a fill since the last cycle is in the store's fills before
            # the positions are compared with them (else it shows as a mismatch once).
            if self._perpetual is not None:
                self._perpetual.refresh(funding=due)
            history = self._bars.read(now)
        except Transient as error:
            self._history = {}
            last = self.last_planned
            return Tick(
                ts_ms=now if last is None else last,
                care=False,
                new_bar=False,
                stop_new_orders=stop_new,
                skipped=f"venue unreadable: {error}",
            )
        self._history = history
        if self._stale_data is not None and self._stale_data(history):
            stop_new = True
        planned = max((int(h.ts_ms[-1]) for h in history.values() if len(h)), default=None)
        step.planned_ts_ms = planned
        # The cycle's time is its last closed bar's, as a recorded step's is: slices fall
        # due and backoffs end on the same bar in every mode.
        cycle_ms = planned if planned is not None else self.last_planned
        new_bar = planned is not None and (self.last_planned is None or planned > self.last_planned)
        return Tick(
            ts_ms=now if cycle_ms is None else cycle_ms,
            care=cycle_ms is not None,
            new_bar=new_bar,
            stop_new_orders=stop_new,
        )

    def newest_bar(self, symbol: str) -> tuple[int, float, float] | None:
        """Return the symbol's newest closed bar read this step: (open ms, high, low)."""
        series = self._history.get(symbol)
        if series is None or not len(series):
            return None
        return int(series.ts_ms[-1]), float(series.high[-1]), float(series.low[-1])

    def should_plan(self, tick: Tick) -> bool:
        return tick.new_bar

    def cursors(self) -> dict[str, SymbolCursor]:
        planned = self.step.planned_ts_ms
        # A symbol whose last bar is older than the cycle's is marked, not planned, as in a
        # recorded market's gap: there is nothing new to decide on for it.
        return {
            symbol: SymbolCursor(series=h, position=len(h) - 1, current=int(h.ts_ms[-1]) == planned)
            for symbol, h in self._history.items()
            if len(h)
        }

    def valuation(self) -> tuple[AccountState, Decimal]:
        # One balance request and one fold of the order events serve both: the account
        # the kernel sees and the equity its peak is valued at.
        balances = self._venue.balances()
        held = self._positions()
        valued, spot_held = self._valued(balances)
        peak = self._peak.mark(
            cash=float(_cash(valued, self._quote)),
            quantities={s: float(p.quantity) for s, p in spot_held.items()},
            closes={s: float(h.close[-1]) for s, h in self._history.items() if len(h)},
        )
        account = AccountState(
            balances=balances,
            positions=tuple(held.values()),
            open_orders=self._manager.open_order_views(),
        )
        return account, float_mark(peak)

    def end(self, tick: Tick, *, slices_waiting: bool) -> None:
        if tick.skipped is not None:
            return
        if tick.new_bar:
            self.last_planned = tick.ts_ms
        telemetry = self._telemetry
        telemetry.record_orders(self._manager.orders())
        telemetry.record_fills(recorded_fills(self._store.all_events()))
        now = self.step.now_ms
        marks = {
            symbol: MarkPrice(symbol=symbol, price=float_mark(h.close[-1]), ts_ms=now)
            for symbol, h in self._history.items()
            if len(h)
        }
        valued, spot_held = self._valued(self._venue.balances())
        telemetry.record_equity(
            ts_ms=now, balances=valued, positions=spot_held.values(), marks=marks
        )

    def _positions(self) -> dict[str, Position]:
        if self._perpetual is not None:
            return self._perpetual.positions()
        return self.book().positions()

    def _valued(self, balances: Sequence[Balance]) -> tuple[Sequence[Balance], dict[str, Position]]:
        """Return what the equity is valued from: spot, the balances and the holdings
        (cash + quantity * close); perpetual, the quote balance (the wallet) plus the
        positions' unrealised PnL at the closes, and no holdings (a position's notional
        is not the account's)."""
        if self._perpetual is None:
            return balances, self.book().positions()
        closes = {s: float_mark(h.close[-1]) for s, h in self._history.items() if len(h)}
        equity = _cash(balances, self._quote) + self._perpetual.unrealized(closes)
        return [Balance(asset=self._quote, free=equity)], {}

    def realized_pnl(self) -> Decimal:
        """Return the PnL the bot's own fills realised (a perpetual's shorts included)."""
        if self._perpetual is not None:
            return self._perpetual.realized_pnl()
        return self.book().realized_pnl

    def perpetual_summary(self) -> dict[str, str | int]:
        """Return the funding and position-check figures (none on a spot account)."""
        return self._perpetual.summary() if self._perpetual is not None else {}


def _cash(balances: Sequence[Balance], asset: str) -> Decimal:
    # All of it, free and locked: a simulated venue locks no cash for a working buy, so its
    # cash is the total; a live venue's free balance would leave the locked part out.
    return next((b.total for b in balances if b.asset == asset), Decimal(0))
