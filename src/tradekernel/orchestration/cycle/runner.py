"""The one cycle runner: every mode is a configuration of this loop.

A step, in this order, in every mode:

1. the market begins the step: a recorded market feeds the new bars to the simulated
   venue and the desk records the fills; the live market polls the venue's orders,
   reconciles when due and reads the last closed bars;
2. order care protects the entries that filled (their stop-loss and take-profit orders),
   sends the delayed slices now due and cancels entries past their timeout;
3. if the market says the kernel may act (a new bar where a plugin can act; every bar
   when dense), the decision: the context is assembled (`assembler.assemble_context`)
   from the market's cursors, account and peak equity, the control's trading state and
   the backoff; the kernel plans; the plan is recorded write-ahead; its intents go to
   order care;
4. the market ends the step (the next bar, equity, telemetry) and the mode's hook runs.

What a mode chooses: the market (`recorded_market.RecordedMarket` for a backtest and a
paper replay, `live/live_market.py` for live and dry runs), the desk behind order care
(`DirectDesk`, `OmsDesk`, live's supervised desk), the trading-state control and the
recorder. The decisions (context, backoff, timeouts, slices, what is recorded) are made
here once, so the modes cannot drift apart.
"""

from collections.abc import Callable
from typing import Protocol

import attrs

from tradekernel.domain.enums import SkipReason, TradingState
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.cycle.decision import CycleState, Decider
from tradekernel.orchestration.cycle.market import Market, Tick
from tradekernel.orchestration.cycle.order_care import OrderCare


class Control(Protocol):
    """The trading-state control as the runner uses it (`runtime.trading_control`)."""

    def refresh(self) -> TradingState: ...

    def permits(self, intent: ExecutionIntent) -> SkipReason | None: ...

    def permits_cancel(self) -> bool: ...


@attrs.frozen(kw_only=True)
class StepReport:
    """What one step did: its tick, the trading state, and whether the kernel planned."""

    tick: Tick
    trading_state: TradingState
    planned: bool


class CycleRunner:
    """Step one market: order care, then the decision where the kernel may act."""

    def __init__(
        self,
        market: Market,
        care: OrderCare,
        decider: Decider,
        *,
        control: Control | None = None,
        after_step: Callable[[Tick], None] | None = None,
    ) -> None:
        self.market = market
        self.care = care
        self.decider = decider
        self._control = control
        self._after_step = after_step
        self.cycles = 0
        # The last step's (tick, trading state, planned), kept as a tuple: one per step.
        self._last: tuple[Tick, TradingState, bool] | None = None

    def run(self) -> None:
        """Run every step to the end of the market."""
        while self.step():
            pass

    def step(self) -> bool:
        """Run the next step; return False when the market had none (the end of the bars)."""
        control = self._control
        state = control.refresh() if control is not None else TradingState.ACTIVE
        market = self.market
        tick = market.begin()
        if tick is None:
            return False
        care = self.care
        if tick.care:
            care.follow_fills(tick.ts_ms)
            care.send_due(tick.ts_ms, stop_new_orders=tick.stop_new_orders)
            care.cancel_timed_out(tick.ts_ms)
        planned = market.should_plan(tick)
        if planned:
            account, peak = market.valuation()
            plan = self.decider.decide(
                tick.ts_ms,
                market.cursors(),
                CycleState(
                    account=account,
                    peak_equity=peak,
                    trading_state=state,
                    stop_new_orders=tick.stop_new_orders,
                    backoff_until_ms=care.backoff.until(tick.ts_ms),
                ),
            )
            if plan is not None:
                care.dispatch(plan, tick.ts_ms)
        market.end(tick, slices_waiting=len(care) > 0)
        self._last = (tick, state, planned)
        if tick.care:
            self.cycles += 1
        if self._after_step is not None:
            self._after_step(tick)
        return True

    @property
    def last(self) -> StepReport | None:
        """Return what the last step did (None before the first)."""
        if self._last is None:
            return None
        tick, state, planned = self._last
        return StepReport(tick=tick, trading_state=state, planned=planned)
