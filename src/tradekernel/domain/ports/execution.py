"""The execution port: the one way planning outcomes reach a venue."""

from collections.abc import Sequence
from typing import Protocol

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
