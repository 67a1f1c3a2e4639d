"""A scriptable venue satisfying `ExecutionPort`, recording every call in order.

Each `submit` consumes the next scripted outcome (default: accept). Fills happen only
when the test calls `fill`, like a venue matching later; `own_trades` reports them.
"""

from collections import deque
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import (
    AmbiguousSubmit,
    Fatal,
    InsufficientFunds,
    OrderNotFound,
    Rejected,
    Transient,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, Order


class Outcome(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    TRANSIENT = "transient"
    AMBIGUOUS_PLACED = "ambiguous_placed"
    AMBIGUOUS_NOT_PLACED = "ambiguous_not_placed"
    FATAL = "fatal"


@attrs.frozen(kw_only=True)
class Call:
    method: str
    client_order_id: str | None = None
    symbol: str | None = None


class FakeExecution:
    def __init__(self, *, now_ms: int = 0) -> None:
        self.now_ms = now_ms
        self.calls: list[Call] = []
        self.submitted: list[ExecutionIntent] = []
        self._outcomes: deque[Outcome] = deque()
        self._orders: dict[str, Order] = {}
        self._trades: list[Fill] = []
        self._balances: list[Balance] = []
        self._positions: list[Position] = []
        self._next_trade = 0

    # -- scripting ------------------------------------------------------------------------

    def script(self, *outcomes: Outcome) -> None:
        """Queue outcomes for the next submits, in order."""
        self._outcomes.extend(outcomes)

    def clear_script(self) -> None:
        """Drop the outcomes not consumed yet (later submits are accepted)."""
        self._outcomes.clear()

    def fill(
        self, client_order_id: str, quantity: Decimal, price: Decimal, trade_id: str | None = None
    ) -> Fill:
        """Execute part of a placed order, as a venue matching it would."""
        order = self._orders[client_order_id]
        if trade_id is None:
            self._next_trade += 1
            trade_id = f"T{self._next_trade}"
        fill = Fill(
            trade_id=trade_id,
            client_order_id=client_order_id,
            symbol=order.symbol,
            side=order.side,
            quantity=quantity,
            price=price,
            fee=Decimal(0),
            fee_asset="USDT",
            ts_ms=self.now_ms,
        )
        self._trades.append(fill)
        filled = order.filled_quantity + quantity
        previous_notional = (order.average_fill_price or Decimal(0)) * order.filled_quantity
        status = order.status
        if not status.is_terminal:
            status = (
                OrderStatus.FILLED if filled >= order.quantity else OrderStatus.PARTIALLY_FILLED
            )
        self._orders[client_order_id] = attrs.evolve(
            order,
            filled_quantity=filled,
            average_fill_price=(previous_notional + quantity * price) / filled,
            status=status,
        )
        return fill

    def set_status(self, client_order_id: str, status: OrderStatus) -> None:
        """Change an order's status on the venue side (expiry, venue cancel)."""
        self._orders[client_order_id] = attrs.evolve(self._orders[client_order_id], status=status)

    def forget(self, client_order_id: str) -> Order:
        """Drop an order from the venue's books (its trades stay), as a venue that lost or
        archived it would; return it so that `reinstate` can bring it back."""
        return self._orders.pop(client_order_id)

    def report_trade(self, fill: Fill) -> None:
        """Add a trade to the venue's own-trades log only (e.g. of a forgotten order)."""
        self._trades.append(fill)

    def reinstate(self, order: Order) -> None:
        """Put a forgotten order back (a venue whose lookup only lagged)."""
        self._orders[order.client_order_id] = order

    def set_account(self, balances: Sequence[Balance], positions: Sequence[Position]) -> None:
        self._balances = list(balances)
        self._positions = list(positions)

    @property
    def submit_ids(self) -> list[str]:
        """Return the client order ids of every submit call, in call order."""
        return [call.client_order_id or "" for call in self.calls if call.method == "submit"]

    # -- ExecutionPort --------------------------------------------------------------------

    def submit(self, intent: ExecutionIntent) -> Order:
        coid = intent.client_order_id
        self.calls.append(Call(method="submit", client_order_id=coid, symbol=intent.symbol))
        self.submitted.append(intent)
        outcome = self._outcomes.popleft() if self._outcomes else Outcome.ACCEPT
        if outcome is Outcome.REJECT:
            raise Rejected("scripted rejection", client_order_id=coid)
        if outcome is Outcome.INSUFFICIENT_FUNDS:
            raise InsufficientFunds("scripted lack of funds", client_order_id=coid)
        if outcome is Outcome.TRANSIENT:
            raise Transient("scripted rate limit", client_order_id=coid, retry_after_s=1.0)
        if outcome is Outcome.FATAL:
            raise Fatal("scripted ban", client_order_id=coid)
        if outcome is Outcome.AMBIGUOUS_NOT_PLACED:
            raise AmbiguousSubmit("scripted timeout, not placed", client_order_id=coid)
        order = Order(
            client_order_id=coid,
            symbol=intent.symbol,
            side=intent.side,
            order_type=intent.order_type,
            quantity=intent.quantity,
            price=intent.price,
            stop_price=intent.stop_price,
            status=OrderStatus.ACCEPTED,
            venue_order_id=f"V-{coid}",
            created_ms=self.now_ms,
            updated_ms=self.now_ms,
            reduce_only=intent.reduce_only,
        )
        self._orders[coid] = order
        if outcome is Outcome.AMBIGUOUS_PLACED:
            raise AmbiguousSubmit("scripted timeout, placed", client_order_id=coid)
        return order

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        self.calls.append(Call(method="cancel", client_order_id=client_order_id, symbol=symbol))
        order = self._orders.get(client_order_id)
        if order is None:
            raise OrderNotFound("unknown order", client_order_id=client_order_id)
        if not order.status.is_terminal:
            order = attrs.evolve(order, status=OrderStatus.CANCELLED)
            self._orders[client_order_id] = order
        return order

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        self.calls.append(Call(method="fetch_order", client_order_id=client_order_id))
        order = self._orders.get(client_order_id)
        if order is None:
            raise OrderNotFound("unknown order", client_order_id=client_order_id)
        return order

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return [
            order
            for order in self._orders.values()
            if not order.status.is_terminal and symbol in {None, order.symbol}
        ]

    def balances(self) -> Sequence[Balance]:
        return list(self._balances)

    def positions(self) -> Sequence[Position]:
        return list(self._positions)

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        self.calls.append(Call(method="own_trades", symbol=symbol))
        return [
            fill
            for fill in self._trades
            if fill.ts_ms >= since_ms and symbol in {None, fill.symbol}
        ]
