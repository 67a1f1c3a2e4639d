"""A paper venue that continues orders partly filled before a restart.

A restarted dry run places the remainder of a partly filled order again under its own
client id. The paper venue then knows only that remainder: it would report the order's
quantity and filled quantity without the part filled before the restart, and name its
next fill `<id>-1` again, a trade id the store already holds (so the fill would be
dropped). `ContinuedOrdersVenue` wraps the paper venue and puts the stored part back:
each continued order is reported with its original quantity, the stored fills added to
its filled quantity and average price, and its fills numbered on after the stored ones.
Every other call passes through unchanged.
"""

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.simulation import MarginAccount, SimulatedVenue
from tradekernel.domain.trades import ClosedTrade, OpenTrade


@attrs.frozen(kw_only=True)
class FilledBefore:
    """What the store holds of an order continued after a restart."""

    quantity: Decimal
    filled: Decimal
    notional: Decimal
    trade_ids: frozenset[str]

    @property
    def trade_offset(self) -> int:
        """Return the highest `-<n>` number among the stored trade ids (or their count)."""
        numbers = [
            int(tail) for tail in (t.rpartition("-")[2] for t in self.trade_ids) if tail.isdigit()
        ]
        return max([len(self.trade_ids), *numbers])


class ContinuedOrdersVenue:
    """Satisfies `SimulatedVenue`; `before` maps client ids to their stored part."""

    def __init__(self, paper: SimulatedVenue, before: Mapping[str, FilledBefore]) -> None:
        self._paper = paper
        self._before = dict(before)

    def submit(self, intent: ExecutionIntent) -> Order:
        return self._order(self._paper.submit(intent))

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        return self.submit(intent).status

    def cancel(self, symbol: str, client_order_id: str) -> Order:
        return self._order(self._paper.cancel(symbol, client_order_id))

    def fetch_order(self, symbol: str, client_order_id: str) -> Order:
        return self._order(self._paper.fetch_order(symbol, client_order_id))

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        return [self._order(order) for order in self._paper.open_orders(symbol)]

    def balances(self) -> Sequence[Balance]:
        return self._paper.balances()

    def positions(self) -> Sequence[Position]:
        return self._paper.positions()

    def own_trades(self, symbol: str | None = None, since_ms: int = 0) -> Sequence[Fill]:
        return [self._fill(fill) for fill in self._paper.own_trades(symbol, since_ms)]

    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        return [self._fill(fill) for fill in self._paper.on_bar(bar)]

    def match_placed(self, symbol: str, client_order_ids: Collection[str]) -> Sequence[Fill]:
        return [self._fill(fill) for fill in self._paper.match_placed(symbol, client_order_ids)]

    def has_open_orders(self, symbol: str | None = None) -> bool:
        return self._paper.has_open_orders(symbol)

    def cash(self) -> Decimal:
        return self._paper.cash()

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        return self._paper.equity(marks)

    @property
    def fees_paid(self) -> Decimal:
        return self._paper.fees_paid

    def closed_trades(self) -> tuple[ClosedTrade, ...]:
        return self._paper.closed_trades()

    def open_trades(self) -> tuple[OpenTrade, ...]:
        return self._paper.open_trades()

    def margin_account(self) -> MarginAccount | None:
        return self._paper.margin_account()

    def _order(self, order: Order) -> Order:
        before = self._before.get(order.client_order_id)
        if before is None:
            return order
        filled = before.filled + order.filled_quantity
        notional = (
            before.notional + (order.average_fill_price or Decimal(0)) * order.filled_quantity
        )
        return attrs.evolve(
            order,
            quantity=before.quantity,
            filled_quantity=filled,
            average_fill_price=notional / filled if filled > 0 else None,
        )

    def _fill(self, fill: Fill) -> Fill:
        before = self._before.get(fill.client_order_id)
        if before is None:
            return fill
        # Number on after every stored fill, so no new id repeats a stored one.
        prefix, _, number = fill.trade_id.rpartition("-")
        base, count = (prefix, int(number)) if number.isdigit() else (fill.trade_id, 1)
        return attrs.evolve(fill, trade_id=f"{base}-{count + before.trade_offset}")


def _satisfies_the_port(venue: ContinuedOrdersVenue) -> SimulatedVenue:
    # mypy checks here that the wrapper still matches the port, structurally.
    return venue
