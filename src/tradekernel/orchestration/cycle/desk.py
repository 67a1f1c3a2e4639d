"""The order desk: how the cycle runner's orders reach a simulated venue.

Two desks, one contract. `DirectDesk` submits straight to the venue and keeps no records
(backtests, where speed matters); `OmsDesk` goes through the event-sourced order manager,
so every order state change is an event in the store before and after the venue hears of
it (paper). For the same intents and the same venue answers both send the venue identical
submissions and report the same outcomes, so the runner's decisions (backoff, timeouts,
the next context) cannot depend on which desk a mode chose.
"""

from collections.abc import Sequence
from typing import Protocol

import attrs

from tradekernel.domain.enums import CloseSemantics, OrderStatus
from tradekernel.domain.errors import OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, OpenOrderView, Order
from tradekernel.domain.ports.journal import Journal
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.replacement import replace_refusal


@attrs.frozen(kw_only=True)
class Outcome:
    """What became of one sent intent: its status after the venue's answer, and why."""

    status: OrderStatus
    detail: str = ""


@attrs.frozen(kw_only=True)
class FoundWorking:
    """An order found working when a run starts (a restart), and whether it opens a position."""

    symbol: str
    client_order_id: str
    entry: bool


# An outcome without a detail is one of a few values: one shared instance per status,
# instead of a new frozen object for every order a backtest sends.
_PLAIN_OUTCOMES = {status: Outcome(status=status) for status in OrderStatus}


class OrderDesk(Protocol):
    """What the cycle runner needs of an order path: send, cancel, and follow up."""

    @property
    def venue(self) -> SimulatedVenue:
        """Return the venue the desk's orders go to (the runner feeds it bars)."""
        ...

    def start(self) -> tuple[FoundWorking, ...]:
        """Prepare for the first step; return the orders already working (a restart)."""
        ...

    def send(self, intent: ExecutionIntent) -> Outcome:
        """Submit a tradable intent and return its outcome."""
        ...

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        """Cancel a working order (nothing if it is no longer working)."""
        ...

    def replace(self, intent: ExecutionIntent) -> Outcome:
        """Send an intent in the place of the working order it names (`replaces`): cancel
        that order, and send the intent only once the cancel is confirmed."""
        ...

    def take_fills(self, fills: Sequence[Fill]) -> None:
        """Record fills the venue reported for a bar, then bring order states up to date."""
        ...

    def open_order_views(self) -> tuple[OpenOrderView, ...]:
        """Return the working orders as the planner sees them, in client id order."""
        ...

    def working(self) -> tuple[tuple[str, str], ...]:
        """Return `(symbol, client order id)` of every working order."""
        ...

    def orders(self) -> tuple[Order, ...]:
        """Return every order the venue took, as the venue reports it now, in send order."""
        ...

    def order_states(self) -> tuple[OrderState, ...]:
        """Return the OMS's order states (empty for a desk that keeps none)."""
        ...


class DirectDesk:
    """Submit straight to the simulated venue; remember only what was sent, in order."""

    def __init__(self, venue: SimulatedVenue) -> None:
        self._venue = venue
        self._sent: list[tuple[str, str]] = []

    @property
    def venue(self) -> SimulatedVenue:
        return self._venue

    def start(self) -> tuple[FoundWorking, ...]:
        return ()

    def send(self, intent: ExecutionIntent) -> Outcome:
        try:
            # Only the status is read: the venue builds no snapshot of the new order.
            status = self._venue.submit_status(intent)
        except Rejected as error:
            # Worded as the OMS records it, so rejections and backoff reasons match paper's.
            return Outcome(status=OrderStatus.REJECTED, detail=f"{type(error).__name__}: {error}")
        self._sent.append((intent.symbol, intent.client_order_id))
        return _PLAIN_OUTCOMES[status]

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        self._venue.cancel(intent_symbol, client_order_id)

    def replace(self, intent: ExecutionIntent) -> Outcome:
        replaced = intent.replaced_order_id
        if replaced is None:
            return self.send(intent)
        if (intent.symbol, replaced) in self.working():
            self._venue.cancel(intent.symbol, replaced)
        try:
            status: OrderStatus | None = self._venue.fetch_order(intent.symbol, replaced).status
        except OrderNotFound:
            status = None
        if status is not OrderStatus.CANCELLED:
            # Worded as the OMS records it (oms.replacement), so backtest and paper agree.
            return Outcome(status=OrderStatus.REJECTED, detail=replace_refusal(replaced, status))
        return self.send(intent)

    def take_fills(self, fills: Sequence[Fill]) -> None:
        return None

    def open_order_views(self) -> tuple[OpenOrderView, ...]:
        views = (order.as_open_order_view() for order in self._venue.open_orders())
        return tuple(sorted(views, key=lambda view: view.client_order_id))

    def working(self) -> tuple[tuple[str, str], ...]:
        return tuple((o.symbol, o.client_order_id) for o in self._venue.open_orders())

    def orders(self) -> tuple[Order, ...]:
        return tuple(self._venue.fetch_order(symbol, cid) for symbol, cid in self._sent)

    def order_states(self) -> tuple[OrderState, ...]:
        return ()


class OmsDesk:
    """Go through the order manager: every step an event in the store (paper)."""

    def __init__(
        self,
        manager: OrderManager,
        venue: SimulatedVenue,
        *,
        journal: Journal | None = None,
        run_id: str = "",
    ) -> None:
        self._manager = manager
        self._venue = venue
        self._journal = journal
        self._run_id = run_id

    @property
    def venue(self) -> SimulatedVenue:
        return self._venue

    @property
    def manager(self) -> OrderManager:
        return self._manager

    def start(self) -> tuple[FoundWorking, ...]:
        self._manager.rebuild()
        return tuple(
            FoundWorking(
                symbol=state.spec.symbol,
                client_order_id=state.client_order_id,
                entry=state.spec.close_semantics is CloseSemantics.OPEN,
            )
            for state in self._manager.open_orders()
        )

    def send(self, intent: ExecutionIntent) -> Outcome:
        state = self._manager.submit(intent)
        return Outcome(status=state.status, detail=state.detail)

    def cancel(self, intent_symbol: str, client_order_id: str) -> None:
        self._manager.cancel(client_order_id)

    def replace(self, intent: ExecutionIntent) -> Outcome:
        state = self._manager.replace(intent)
        return Outcome(status=state.status, detail=state.detail)

    def take_fills(self, fills: Sequence[Fill]) -> None:
        if fills:
            if self._journal is not None:
                for fill in fills:
                    self._journal.record_fill(self._run_id, fill)
            self._manager.apply_fills(fills)
        if self._manager.open_orders():
            # A bar can also expire or reject an order without a fill.
            self._manager.refresh_open()

    def open_order_views(self) -> tuple[OpenOrderView, ...]:
        return self._manager.open_order_views()

    def working(self) -> tuple[tuple[str, str], ...]:
        return tuple((s.spec.symbol, s.client_order_id) for s in self._manager.open_orders())

    def orders(self) -> tuple[Order, ...]:
        # An order refused at submit never reached the venue: only the OMS knows it.
        return tuple(
            self._venue.fetch_order(state.spec.symbol, state.client_order_id)
            for state in self._manager.orders()
            if state.venue_order_id is not None
        )

    def order_states(self) -> tuple[OrderState, ...]:
        return self._manager.orders()
