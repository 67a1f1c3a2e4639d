"""The execution port: the one way planning outcomes reach a venue."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, Order


class ExecutionPort(Protocol):
    """A venue: backtest, paper or a real exchange.

    Raises the domain errors of `tradekernel.domain.errors` (Rejected, InsufficientFunds,
    OrderNotFound, Transient, AmbiguousSubmit, Fatal), never a third-party exception.
    """

    def submit(self, intent: ExecutionIntent) -> Order:
        """Send an order built from a non-skipped intent and return the venue's view of it."""
        ...

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an order by client order id and return its final state."""
        ...

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        """Return an order by client order id. Raises OrderNotFound."""
        ...

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return the working orders, of one symbol or of all."""
        ...

    def balances(self) -> Sequence[Balance]:
        """Return the account balances."""
        ...

    def positions(self) -> Sequence[Position]:
        """Return the open positions."""
        ...

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        """Return the account's fills since `since_ms`."""
        ...


@runtime_checkable
class BooksOrderLists(Protocol):
    """Optional capability of an `ExecutionPort`: whether it books OCO order lists.

    A live venue that does not gets runner-managed protective triggers instead of a
    resting OCO (`orchestration/cycle/protective_triggers.py`); a venue without this
    property (backtest, paper) simulates the OCO.
    """

    @property
    def books_order_lists(self) -> bool:
        """Return whether the venue books OCO order lists (ccxt: Binance spot)."""
        ...


@runtime_checkable
class ReplacesOrders(Protocol):
    """Optional capability of an `ExecutionPort`: cancel-replace in one venue request.

    A venue without it (or with `can_replace` false) gets a cancel, then, once the cancel
    is confirmed, a new order: the same outcome in two requests.
    """

    @property
    def can_replace(self) -> bool:
        """Return whether the venue takes `replace` requests (ccxt: `has['editOrder']`)."""
        ...

    def replace(
        self, symbol: str, replaced_id: str, intent: ExecutionIntent
    ) -> tuple[Order, Order]:
        """Cancel `replaced_id` and place the intent's order in one request.

        Return the replaced order's final state and the new order. The venue places
        nothing when the cancel fails (the replaced order filled or is gone).

        Raises:
            Rejected: the cancel or the new order was refused; nothing was placed.
            AmbiguousSubmit, Transient: the outcome is unknown; look the orders up.
            Fatal: all traffic is halted.
        """
        ...
