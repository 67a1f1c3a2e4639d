"""The simulated venue port: an ExecutionPort that a bar-driven loop advances."""

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.trades import ClosedTrade, OpenTrade


@attrs.frozen(kw_only=True)
class PerpetualStats:
    """What a perpetual account did over a run, beyond its fills (docs/perpetuals.md).

    `funding_paid` and `funding_received` are both >= 0; `max_leverage_used` is the
    largest notional at mark over equity seen at a bar; `liquidations` counts forced
    closes.
    """

    funding_paid: Decimal
    funding_received: Decimal
    max_leverage_used: Decimal
    liquidations: int


class MarginAccount(Protocol):
    """What the cycle runner asks of a margined (perpetual) simulated account.

    Funding and liquidation happen on bars without working orders, so the loop feeds every
    bar of a symbol with an open position; equity is `value_offset() + sum(q * mark)`.
    """

    def open_symbols(self) -> tuple[str, ...]:
        """Return the symbols with an open position, sorted."""
        ...

    def value_offset(self) -> Decimal:
        """Return the wallet less every position's signed cost basis."""
        ...

    def mark_closes(self, symbol: str) -> Mapping[int, Decimal]:
        """Return the mark price's close by bar time (empty: the bar's close is the mark)."""
        ...

    def stats(self) -> PerpetualStats:
        """Return the funding, leverage and liquidation figures so far."""
        ...


class SimulatedVenue(Protocol):
    """Backtest and paper venues: orders match against bars fed by the loop."""

    def submit(self, intent: ExecutionIntent) -> Order: ...

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        """Submit as `submit` does; return only the order's status (no snapshot built).

        For a desk that keeps no records of its own: a backtest submits tens of thousands
        of orders and reads nothing of their first snapshot but the status.
        """
        ...

    def cancel(self, symbol: str, client_order_id: str) -> Order: ...

    def fetch_order(self, symbol: str, client_order_id: str) -> Order: ...

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]: ...

    def balances(self) -> Sequence[Balance]: ...

    def positions(self) -> Sequence[Position]: ...

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]: ...

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        """Match the symbol's working orders against a new bar; return the fills."""
        ...

    def match_placed(self, symbol: str, client_order_ids: Collection[str]) -> Sequence[Fill]:
        """Match orders placed after the symbol's last bar was fed against that bar too."""
        ...

    def has_open_orders(self, symbol: str | None = None) -> bool:
        """Return True if any order of the symbol (or of any symbol) is working."""
        ...

    def cash(self) -> Decimal:
        """Return the free quote balance."""
        ...

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return cash plus every holding at its mark."""
        ...

    @property
    def fees_paid(self) -> Decimal:
        """Return the fees paid so far, in the quote asset."""
        ...

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        """Return the finished round trips in closing order."""
        ...

    def open_trades(self) -> tuple[OpenTrade, ...]:
        """Return the round trips still open, sorted by symbol."""
        ...

    def margin_account(self) -> MarginAccount | None:
        """Return the margined account the loop must drive every bar, None on spot."""
        ...
