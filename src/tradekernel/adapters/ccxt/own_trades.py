"""The account's own trades, named by our client order ids.

Binance trades name only the venue's order id. `ClientIds` remembers which of our client
ids each venue order id carries (from every order the adapter has seen, and from the pairs
the order store preloads after a restart); for a trade of an order still unknown the order
is fetched once by venue id to learn it.
"""

import functools
from collections.abc import Iterable
from typing import Any

from tradekernel.adapters.ccxt.mapping import fill_from_ccxt, order_from_ccxt, venue_order_ids
from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.orders import Fill, Order
from tradekernel.shared.ids import oco_list_id

TRADES_PAGE = 1000
MAX_TRADE_PAGES = 100


class ClientIds:
    """Venue order id -> our client order id, learnt from the orders seen."""

    def __init__(self) -> None:
        self._by_venue_id: dict[str, str] = {}

    def remember(self, order: Order) -> Order:
        """Record the order's ids and return it unchanged (an OCO leg's as its list's)."""
        if order.venue_order_id is not None:
            listed = oco_list_id(order.client_order_id)
            self._by_venue_id[order.venue_order_id] = listed or order.client_order_id
        return order

    def preload(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Record `(venue order id, client order id)` pairs known from elsewhere (the store).

        A pair learnt from the venue in this process is kept: the venue's word is fresher.

        Returns:
            How many venue order ids were new.

        Raises:
            ValueError: a pair has an empty id.
        """
        added = 0
        for venue_order_id, client_order_id in pairs:
            if not venue_order_id or not client_order_id:
                raise ValueError(
                    f"preload needs both ids, got venue order id {venue_order_id!r} "
                    f"and client order id {client_order_id!r}"
                )
            if venue_order_id not in self._by_venue_id:
                self._by_venue_id[venue_order_id] = client_order_id
                added += 1
        return added

    def get(self, venue_order_id: str) -> str | None:
        return self._by_venue_id.get(venue_order_id)


async def fetch_own_trades(
    exchange: Any, retry: RetryRunner, client_ids: ClientIds, symbol: str, since_ms: int
) -> list[Fill]:
    """Return one symbol's fills since `since_ms`, paging through the venue's answers.

    Raises:
        Transient, Fatal: as for any read.
    """
    raw: list[Any] = []
    since: int | None = since_ms or None
    for _ in range(MAX_TRADE_PAGES):
        page = await retry.run(
            "own trades",
            functools.partial(exchange.fetch_my_trades, symbol, since, TRADES_PAGE),
        )
        raw.extend(page)
        if len(page) < TRADES_PAGE:
            break
        since = int(page[-1]["timestamp"])
    unique = {str(trade["id"]): trade for trade in raw}
    for venue_id in venue_order_ids(list(unique.values())):
        if client_ids.get(venue_id) is None:
            await _learn_client_id(exchange, retry, client_ids, symbol, venue_id)
    return [
        fill_from_ccxt(trade, client_order_id=client_ids.get(str(trade["order"])) or "")
        for trade in unique.values()
    ]


async def _learn_client_id(
    exchange: Any, retry: RetryRunner, client_ids: ClientIds, symbol: str, venue_id: str
) -> None:
    try:
        raw = await retry.run("fetch order", lambda: exchange.fetch_order(venue_id, symbol))
    except OrderNotFound:
        return  # not an order we can name: its fills keep an empty client id
    client_ids.remember(order_from_ccxt(raw))
