"""The adapter's OCO order lists: placed, read, cancelled and folded back from their legs.

`oco.py` speaks Binance's order-list endpoints; this keeps what the adapter learns from
them (each leg's venue id names its list, so a leg's trade is the list's) and refuses an
OCO on a venue that books no order lists (every venue but Binance spot, for now).
"""

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from tradekernel.adapters.ccxt.oco import (
    cancel_oco,
    fetch_oco,
    leg_venue_ids,
    order_from_legs,
    place_oco,
)
from tradekernel.adapters.ccxt.own_trades import ClientIds
from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.domain.errors import OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.shared.ids import oco_list_id


class OrderLists:
    """OCO order lists on one exchange, as orders under the list's client id."""

    def __init__(
        self, exchange: Any, retry: RetryRunner, client_ids: ClientIds, *, books_lists: bool
    ) -> None:
        self._exchange = exchange
        self._retry = retry
        self._client_ids = client_ids
        self._books_lists = books_lists

    async def place(self, intent: ExecutionIntent) -> Order:
        """Place an OCO intent as one order list.

        Raises:
            Rejected: the venue books no order lists (see the module docstring).
            UnconfirmedRequest, Rejected, InsufficientFunds, Transient, Fatal: as a submit.
        """
        coid = intent.client_order_id
        if not self._books_lists:
            raise Rejected(
                f"order {coid}: OCO order lists are booked on Binance spot only",
                client_order_id=coid,
            )
        order, legs = await place_oco(self._exchange, self._retry, intent)
        return self._learnt(order, legs)

    async def fetch(self, symbol: str, client_order_id: str) -> Order | None:
        """Return the order list of that id as one order, or None if there is none (a
        protective stop or target alone is a plain order)."""
        if not self._books_lists:
            return None
        try:
            order, legs = await fetch_oco(self._exchange, self._retry, symbol, client_order_id)
        except OrderNotFound:
            return None
        return self._learnt(order, legs)

    async def cancel(self, symbol: str, client_order_id: str) -> Order | None:
        """Cancel the order list of that id and return its final state (None: no list).

        Raises:
            Rejected: the list still works after the cancel.
        """
        listed = await self.fetch(symbol, client_order_id)
        if listed is None or listed.status.is_terminal:
            return listed
        # A list that ended meanwhile refuses the cancel: the read below says how.
        with contextlib.suppress(OrderNotFound, Rejected):
            await cancel_oco(self._exchange, self._retry, symbol, client_order_id)
        listed = await self.fetch(symbol, client_order_id)
        if listed is None or not listed.status.is_terminal:
            raise Rejected(
                f"the venue did not cancel OCO {client_order_id}", client_order_id=client_order_id
            )
        return listed

    def fold_legs(self, raw_orders: Iterable[Mapping[str, Any]]) -> list[Order]:
        """Return one order per order list among ccxt's open orders (its legs folded)."""
        legs: dict[tuple[str, str], list[Any]] = {}
        for item in raw_orders:
            listed = oco_list_id(str(item.get("clientOrderId")))
            if listed is not None:
                legs.setdefault((listed, str(item["symbol"])), []).append(item["info"])
        return [
            self._learnt(order_from_legs(listed, symbol, infos), leg_venue_ids(infos))
            for (listed, symbol), infos in sorted(legs.items())
        ]

    def _learnt(self, order: Order, legs: Iterable[str]) -> Order:
        self._client_ids.preload((leg, order.client_order_id) for leg in legs)
        return self._client_ids.remember(order)
