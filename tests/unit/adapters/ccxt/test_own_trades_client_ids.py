"""Naming own trades by our client ids: pairs preloaded from the store name a trade of an
order the venue forgot (no lookup is made); without them the lookup fails and the trade
keeps an empty client id. A stub ccxt exchange, no network."""

import asyncio
from decimal import Decimal
from typing import Any

import ccxt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.ccxt.config import RetryPolicy
from tradekernel.adapters.ccxt.own_trades import ClientIds, fetch_own_trades
from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.orders import Order

SYMBOL = "BTC/USDT"
OURS = "tk" + "e5" * 15


class ForgetfulExchange:
    """Answers `fetch_my_trades` with one trade of venue order 1001, which it has forgotten."""

    def __init__(self) -> None:
        self.order_lookups: list[str] = []

    async def fetch_my_trades(self, symbol: str, since: int | None, limit: int) -> list[Any]:
        return [
            {
                "id": "77",
                "order": "1001",
                "symbol": symbol,
                "side": "buy",
                "amount": 0.003,
                "price": 40000.0,
                "fee": {"cost": 0.000003, "currency": "BTC"},
                "timestamp": 1_700_000_000_000,
            }
        ]

    async def fetch_order(self, venue_id: str, symbol: str) -> Any:
        self.order_lookups.append(venue_id)
        raise ccxt.OrderNotFound("binance {'code': -2013, 'msg': 'Order does not exist.'}")


def _retry() -> RetryRunner:
    async def sleep(seconds: float) -> None:
        return None

    async def resync() -> None:
        return None

    return RetryRunner(
        policy=RetryPolicy(),
        rng=np.random.default_rng(0),
        sleep=sleep,
        resync_clock=resync,
        last_headers=lambda: None,
        redact=str,
    )


def _order(venue_id: str, coid: str) -> Order:
    return Order(
        client_order_id=coid,
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.01"),
        price=Decimal("40000"),
        status=OrderStatus.ACCEPTED,
        venue_order_id=venue_id,
    )


def test_a_preloaded_pair_names_a_forgotten_orders_trade_without_a_lookup() -> None:
    exchange, ids = ForgetfulExchange(), ClientIds()
    assert ids.preload([("1001", OURS)]) == 1
    (fill,) = asyncio.run(fetch_own_trades(exchange, _retry(), ids, SYMBOL, 0))
    assert fill.client_order_id == OURS and fill.quantity == Decimal("0.003")
    assert exchange.order_lookups == []


def test_without_the_pair_the_lookup_fails_and_the_trade_is_unnamed() -> None:
    exchange = ForgetfulExchange()
    (fill,) = asyncio.run(fetch_own_trades(exchange, _retry(), ClientIds(), SYMBOL, 0))
    assert fill.client_order_id == "" and exchange.order_lookups == ["1001"]


def test_a_pair_learnt_from_the_venue_is_kept_over_a_preloaded_one() -> None:
    ids = ClientIds()
    ids.remember(_order("1001", OURS))
    assert ids.preload([("1001", "tk-other"), ("1002", "tk-new")]) == 1
    assert (ids.get("1001"), ids.get("1002")) == (OURS, "tk-new")


@pytest.mark.parametrize("pair", [("", OURS), ("1001", "")])
def test_a_pair_with_an_empty_id_is_refused_naming_both_ids(pair: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="preload needs both ids"):
        ClientIds().preload([pair])


ids_ = st.text(alphabet="0123456789", min_size=1, max_size=3)


@given(
    known=st.lists(st.tuples(ids_, ids_), max_size=6),
    pairs=st.lists(st.tuples(ids_, ids_), max_size=12),
)
def test_preload_matches_a_first_wins_dictionary(
    known: list[tuple[str, str]], pairs: list[tuple[str, str]]
) -> None:
    ids = ClientIds()
    for venue_id, coid in known:
        ids.remember(_order(venue_id, coid))
    # Naive model: the venue's (last) word for each known id, else the first preloaded.
    model = dict(known)
    new = 0
    for venue_id, coid in pairs:
        if venue_id not in model:
            model[venue_id] = coid
            new += 1
    assert ids.preload(pairs) == new
    assert {venue_id: ids.get(venue_id) for venue_id in model} == model
