"""A run over a recorded market: the cycle runner configured for a backtest or a paper replay.

`RecordedRun` puts together what both modes share: a `RecordedMarket` over the prepared
series, order care over the mode's desk with the blueprint's backoff and entry timeout,
the decision with the mode's recorder, and the `RunResult` at the end. The backtest
(`backtest/engine.py`) chooses a `DirectDesk` and sparse steps; paper
(`paper/runner.py`) an `OmsDesk`, dense steps, pacing and the trading-state control.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import Order
from tradekernel.domain.ports.backoff_store import BackoffStore
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.decision import Decider, PlanSink
from tradekernel.orchestration.cycle.desk import OrderDesk
from tradekernel.orchestration.cycle.market import Tick
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.cycle.protective_exits import OrderFill, ProtectiveExits
from tradekernel.orchestration.cycle.recorded_market import Progress, RecordedMarket
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.cycle.runner import Control, CycleRunner
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.records.canonical import chain_hash
from tradekernel.shared.bars import BarSeries


class SettableClock(Protocol):
    def set(self, now_ms: int) -> None: ...


@attrs.frozen(kw_only=True)
class CycleSettings:
    """How a run trades. The backoff and timeout come from the blueprint's execution policy.

    Steps before `plan_from_ms` are warm-up: their bars reach the venue, nothing is
    planned (a restarted bot continues planning where it stopped).
    """

    run_id: str
    rules: Mapping[str, SymbolRules]
    dense: bool = False
    backoff_base_ms: int = 60_000
    backoff_max_ms: int = 3_600_000
    entry_timeout_ms: int = 0
    plan_from_ms: int | None = None


@attrs.frozen(kw_only=True)
class CycleHooks:
    """What a mode plugs in besides the desk: all optional.

    `before_step` gets each planned step's time (pacing), `after_step` its bar index.
    """

    on_plan: PlanSink | None = None
    progress: Progress | None = None
    clock: SettableClock | None = None
    before_step: Callable[[int], object] | None = None
    after_step: Callable[[int], None] | None = None
    control: Control | None = None
    backoff_store: BackoffStore | None = None


def _venue_fill(venue: SimulatedVenue) -> OrderFill:
    def fill_of(symbol: str, client_order_id: str) -> tuple[Decimal, bool] | None:
        try:
            order = venue.fetch_order(symbol, client_order_id)
        except OrderNotFound:
            return None
        return order.filled_quantity, order.status.is_terminal

    return fill_of


def _all_rejections(care: OrderCare) -> tuple[tuple[int, str, str], ...]:
    # A step places protective orders before it sends the plan's: a stable sort by time
    # keeps that order within a step.
    protection = care.protection
    if protection is None or not protection.rejections:
        return tuple(care.rejections)
    merged = [*protection.rejections, *care.rejections]
    return tuple(sorted(merged, key=lambda rejection: rejection[0]))


class RecordedRun:
    """One kernel and one desk over the bars of a recorded market, step by step."""

    def __init__(
        self,
        kernel: PlanningKernel,
        series: Mapping[str, BarSeries],
        desk: OrderDesk,
        settings: CycleSettings,
        hooks: CycleHooks = CycleHooks(),
    ) -> None:
        self._desk = desk
        self._settings = settings
        self._hooks = hooks
        self.market = market = RecordedMarket(
            kernel,
            series,
            desk,
            dense=settings.dense,
            plan_from_ms=settings.plan_from_ms,
            on_time=_time_hook(hooks),
            progress=hooks.progress,
        )
        protection = ProtectiveExits(
            desk,
            _venue_fill(desk.venue),
            rules=settings.rules,
            control=hooks.control,
            on_change=market.account_view.changed,
            on_placed=market.match_placed,
        )
        care = OrderCare(
            desk,
            RejectionBackoff(
                base_ms=settings.backoff_base_ms,
                max_ms=settings.backoff_max_ms,
                store=hooks.backoff_store,
            ),
            entry_timeout_ms=settings.entry_timeout_ms,
            control=hooks.control,
            on_send=market.account_view.changed,
            protection=protection,
        )
        decider = Decider(
            kernel,
            run_id=settings.run_id,
            rules=settings.rules,
            on_plan=hooks.on_plan,
            prepared=market.prepared,
        )
        self.runner = CycleRunner(
            market, care, decider, control=hooks.control, after_step=_step_hook(hooks, market)
        )
        self._started = False

    @property
    def cycles(self) -> int:
        return self.runner.cycles

    def start(self) -> None:
        """Let the desk take up orders of an earlier session (a restart) before the first step."""
        self._started = True
        care = self.runner.care
        care.adopt(self._desk.start(), self.market.first_ms)
        if care.protection is not None:
            # A paper session restarted on its store protects what the last one filled.
            care.protection.resume(self._desk.order_states())

    def step(self) -> bool:
        """Run the next step; return False at the end of the bars."""
        return self.runner.step()

    def run(self, stop_reason: str = "end of data") -> RunResult:
        """Run every step to the end of the bars and return the result."""
        if not self._started:
            self.start()
        self.runner.run()
        return self.result(stop_reason)

    def orders(self) -> tuple[Order, ...]:
        """Return every order the venue took, as it reports them now, in send order."""
        return self._desk.orders()

    def marks_at(self, index: int) -> dict[str, MarkPrice]:
        return self.market.marks_at(index)

    def result(self, stop_reason: str) -> RunResult:
        """Return what the run produced up to the last step taken."""
        market = self.market
        venue = market.venue
        last = market.last
        marks: dict[str, Decimal] = (
            {s: m.price for s, m in market.marks_at(last).items()} if last >= 0 else {}
        )
        first = min(market.first, last + 1)
        equity = market.equity
        care = self.runner.care
        hashes = self.runner.decider.plan_hashes
        margin = venue.margin_account()
        return RunResult(
            run_id=self._settings.run_id,
            bars=len(market.timeline),
            cycles=self.runner.cycles,
            kernel_calls=self.runner.decider.kernel_calls,
            stop_reason=stop_reason,
            plan_hashes=tuple(hashes),
            run_plan_hash=chain_hash([digest for _, digest in hashes]),
            orders=self.orders(),
            order_states=self._desk.order_states(),
            fills=tuple(venue.own_trades()),
            rejections=_all_rejections(care),
            dropped_slices=tuple(care.dropped),
            timed_out=tuple(care.timed_out),
            closed_trades=venue.closed_trades(),
            open_trades=venue.open_trades(),
            equity_ts=market.timeline.ts_ms[first : last + 1],
            equity=equity.curve()[first:],
            cash=equity.cash_curve()[first:],
            final_equity=venue.equity(marks),
            final_marks=marks,
            fees=venue.fees_paid,
            exposed_bars=equity.exposed_bars,
            skipped_intents=tuple(
                sorted(self.runner.decider.skipped.items(), key=lambda item: (-item[1], item[0]))
            ),
            perpetual=None if margin is None else margin.stats(),
        )


# The hooks close over what they use, never over the `RecordedRun`: a bound method handed
# to the market or the runner it owns would make a reference cycle, and a finished run's
# prepared market (tens of MB for a million bars) would then live until the cyclic
# collector happened to run, instead of being freed when the run is dropped.
def _time_hook(hooks: CycleHooks) -> Callable[[int], None]:
    clock, before = hooks.clock, hooks.before_step

    def on_time(now_ms: int) -> None:
        if clock is not None:
            clock.set(now_ms)
        if before is not None:
            before(now_ms)

    return on_time


def _step_hook(hooks: CycleHooks, market: RecordedMarket) -> Callable[[Tick], None]:
    after = hooks.after_step

    def after_step(tick: Tick) -> None:
        if after is not None and tick.care:
            after(market.last)

    return after_step
