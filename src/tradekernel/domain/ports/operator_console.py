"""The operator's read model and controls: what `tradekernel serve` shows and changes.

The API and dashboard adapter (`adapters/api`) speaks only to this port; the composition
root implements it over the run store, the causality chain and the control store, so the
dashboard reads the same records the CLI writes and halts a bot through the CLI's path.
"""

from collections.abc import Sequence
from typing import Protocol

import attrs

from tradekernel.domain.enums import TradingState
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.plan import CausalityLink
from tradekernel.domain.ports.backoff_store import BackoffRecord
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.ports.journal import EquityPoint

# What an operator may ask a bot, by name (`tradekernel control`, the API, the dashboard).
CONTROL_ACTIONS: dict[str, TradingState] = {
    "halt": TradingState.HALTED,
    "reduce": TradingState.REDUCING,
    "resume": TradingState.ACTIVE,
}


@attrs.frozen(kw_only=True)
class RunView:
    """One recorded run: `summary_json` is "{}" while it is unfinished; `bot_id` is the bot
    whose trading state it reads (None for a backtest, which has none)."""

    run_id: str
    mode: str
    started_ms: int
    finished: bool
    config_hash: str
    summary_json: str
    bot_id: str | None


@attrs.frozen(kw_only=True)
class PlanView:
    """One recorded cycle's plan, in short: its hash and the orders it named."""

    cycle_ts_ms: int
    plan_hash: str
    client_order_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class OrderExplanation:
    """Why an order exists: its plan's causality chain (sorted by node id), its fills."""

    run_id: str
    order: Order
    cycle_ts_ms: int
    plan_hash: str
    directive_id: str | None
    chain: tuple[CausalityLink, ...]
    fills: tuple[Fill, ...]


@attrs.frozen(kw_only=True)
class BotView:
    """A bot and its trading state (`control` None: never set, so active)."""

    bot_id: str
    state: TradingState
    control: ControlRecord | None


@attrs.frozen(kw_only=True)
class SessionHealth:
    """A bot's latest session: its last cycle (the latest plan or equity snapshot recorded),
    how many cycles recorded a plan, cooldowns, orders not yet settled, and the orders the
    venue rejected (the errors the records keep)."""

    bot_id: str
    run_id: str | None
    mode: str | None
    last_cycle_ms: int | None
    planned_cycles: int
    backoffs: tuple[BackoffRecord, ...]
    unresolved_orders: tuple[Order, ...]
    errors: tuple[Order, ...]


class OperatorConsole(Protocol):
    """Every method raising `ConfigError` for an unknown run and `OrderNotFound` for an
    order no run recorded."""

    def runs(self) -> Sequence[RunView]:
        """Return every recorded run, newest first."""
        ...

    def run(self, run_id: str) -> RunView:
        """Return one run."""
        ...

    def equity(self, run_id: str) -> Sequence[EquityPoint]:
        """Return a run's equity snapshots in time order."""
        ...

    def trades(self, run_id: str) -> Sequence[Fill]:
        """Return a run's fills in time order."""
        ...

    def orders(self, run_id: str) -> Sequence[Order]:
        """Return the latest state of each order of a run."""
        ...

    def plans(self, run_id: str) -> Sequence[PlanView]:
        """Return a run's plans in cycle order."""
        ...

    def explain(self, client_order_id: str, run_id: str | None) -> OrderExplanation:
        """Return an order's causality chain (the latest run holding it when `run_id` is None)."""
        ...

    def bots(self) -> Sequence[BotView]:
        """Return every known bot, sorted by id."""
        ...

    def bot(self, bot_id: str) -> BotView:
        """Return one bot's trading state."""
        ...

    def set_state(self, bot_id: str, state: TradingState, *, reason: str, source: str) -> BotView:
        """Record a new trading state for a bot, with who (`source`) and why (`reason`)."""
        ...

    def health(self, bot_id: str) -> SessionHealth:
        """Return the health of a bot's latest session."""
        ...

    def report_html(self, run_id: str) -> str:
        """Return a run's HTML report page."""
        ...
