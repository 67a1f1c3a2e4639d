"""Real Binance and Kraken payloads, through ccxt's own parsers, then through our mapping."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest

from tradekernel.adapters.ccxt.mapping import balances_from_ccxt, fill_from_ccxt, order_from_ccxt
from tradekernel.domain.account import Balance
from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side
from tradekernel.domain.orders import Fill, Order

DATA = Path(__file__).parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def _case(exchange: str, method: str, index: int = 0) -> Any:
    return _load(f"{exchange}_responses.json")["methods"][method][index]


@pytest.fixture(scope="module")
def binance() -> Any:
    exchange = ccxt.binance()
    # The fixture is an older capture: precision in decimal places (see data/README.md).
    exchange.precisionMode = ccxt.DECIMAL_PLACES
    markets = _load("binance_markets_spot.json")
    for market in markets.values():
        # Some old spot entries lack these keys, which ccxt 4.5 reads unguarded.
        market.setdefault("linear", None)
        market.setdefault("inverse", None)
    exchange.set_markets(markets)
    return exchange


@pytest.fixture(scope="module")
def kraken() -> Any:
    exchange = ccxt.kraken()
    exchange.set_markets(_load("kraken_markets.json"))
    return exchange


def test_binance_create_order_limit_buy(binance: Any) -> None:
    order = order_from_ccxt(binance.parse_order(_case("binance", "createOrder")["httpResponse"]))

    # SOL/USDT is not in the markets fixture, so ccxt leaves the venue's symbol id.
    assert order == Order(
        client_order_id="x-R4BD3S824d31be3228a348eaa0a303",
        symbol="SOLUSDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.05"),
        price=Decimal(241),
        status=OrderStatus.ACCEPTED,
        filled_quantity=Decimal(0),
        venue_order_id="9780331417",
        created_ms=1737635557417,
        updated_ms=1737635557417,
    )


def test_binance_fetch_order_filled_market_sell(binance: Any) -> None:
    order = order_from_ccxt(binance.parse_order(_case("binance", "fetchOrder")["httpResponse"]))

    assert order == Order(
        client_order_id="x-R4BD3S825806ed40c861260428a48c",
        symbol="LTC/USDT",
        side=Side.SELL,
        order_type=OrderType.MARKET,
        quantity=Decimal("0.1"),
        price=None,
        status=OrderStatus.FILLED,
        filled_quantity=Decimal("0.1"),
        average_fill_price=Decimal("90.8"),
        venue_order_id="3397148653",
        created_ms=1679571174472,
        updated_ms=1679571174472,
    )
    assert order.remaining_quantity == 0


def test_binance_fetch_open_orders_limit_maker_is_a_working_limit(binance: Any) -> None:
    raw = _case("binance", "fetchOpenOrders")["httpResponse"]
    (order,) = [order_from_ccxt(item) for item in binance.parse_orders(raw)]

    assert (order.symbol, order.side, order.order_type, order.status) == (
        "LTC/USDT",
        Side.BUY,
        OrderType.LIMIT,
        OrderStatus.ACCEPTED,
    )
    assert (order.quantity, order.price, order.filled_quantity) == (
        Decimal("0.2"),
        Decimal(50),
        Decimal(0),
    )
    assert (order.client_order_id, order.venue_order_id, order.created_ms) == (
        "x-R4BD3S82102a551f8c1642bba06728",
        "3811057334",
        1699380855570,
    )


def test_binance_fetch_my_trades_spot_taker_sell(binance: Any) -> None:
    raw = _case("binance", "fetchMyTrades")["httpResponse"]
    (trade,) = binance.parse_trades(raw)

    fill = fill_from_ccxt(trade, client_order_id="tkOurs")

    assert fill == Fill(
        trade_id="309520010",
        client_order_id="tkOurs",
        symbol="LTC/USDT",
        side=Side.SELL,
        quantity=Decimal("0.2"),
        price=Decimal("69.63"),
        fee=Decimal("0.013926"),
        fee_asset="USDT",
        ts_ms=1698138992358,
        liquidity=Liquidity.TAKER,
    )
    assert trade["order"] == "3784695242"  # what the adapter resolves to our client id


def test_binance_fetch_balance_spot(binance: Any) -> None:
    raw = _case("binance", "fetchBalance")["httpResponse"]

    balances = balances_from_ccxt(binance.parse_balance_custom(raw, "spot"))

    assert balances == (
        Balance(asset="BTC", free=Decimal(0), locked=Decimal(0)),
        Balance(asset="ETH", free=Decimal("0.02229833"), locked=Decimal(0)),
        Balance(asset="LTC", free=Decimal("0.919741"), locked=Decimal(0)),
    )


def test_kraken_create_order_ack_names_the_client_id_we_sent() -> None:
    # ccxt's createOrder completes Kraken's bare ack (txid only) from the request, so the
    # recorded unified result (replayed exactly by ccxt 4.5.90, see the data README) is used.
    parsed = _case("kraken", "createOrder")["parsedResponse"]
    assert (parsed["clientOrderId"], parsed["status"]) == (None, None)

    order = order_from_ccxt(parsed, client_order_id="tkKrakenBuy")

    assert (order.client_order_id, order.venue_order_id, order.status) == (
        "tkKrakenBuy",
        "OL7LNO-R4SAD-6UINEU",
        OrderStatus.ACCEPTED,
    )
    assert (order.order_type, order.quantity, order.price) == (
        OrderType.MARKET,
        Decimal("0.1"),
        None,
    )


def test_kraken_fetch_order_open_post_only_limit(kraken: Any) -> None:
    case = _case("kraken", "fetchOrder")
    result = case["httpResponse"]["result"]
    (venue_id,) = result
    order = order_from_ccxt(kraken.parse_order(result[venue_id] | {"id": venue_id}))

    assert order == Order(
        client_order_id="0",  # Kraken's userref 0: the order was placed without one
        symbol="LTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.1"),
        price=Decimal(50),
        status=OrderStatus.ACCEPTED,
        venue_order_id="OR6EGN-KQSEG-AMI6CL",
        created_ms=1705259439563,
        updated_ms=1705259439563,
    )


@pytest.mark.parametrize(
    ("index", "order_type", "price", "stop_price"),
    [(0, OrderType.STOP, None, Decimal(120)), (1, OrderType.STOP_LIMIT, Decimal(54), Decimal(55))],
    ids=["take-profit-market", "stop-loss-limit"],
)
def test_kraken_open_trigger_orders_keep_their_trigger_price(
    kraken: Any,
    index: int,
    order_type: OrderType,
    price: Decimal | None,
    stop_price: Decimal,
) -> None:
    case = _case("kraken", "fetchOpenOrders", index)
    expected = case["parsedResponse"]
    opened = case["httpResponse"]["result"]["open"]
    parsed = [kraken.parse_order(body | {"id": venue_id}) for venue_id, body in opened.items()]
    # ccxt's own parse agrees with the recorded one on every field we read.
    for mine, recorded in zip(parsed, expected, strict=True):
        for key in ("id", "symbol", "type", "side", "price", "amount", "filled", "timestamp"):
            assert mine[key] == recorded[key]

    (order,) = [order_from_ccxt(item) for item in parsed]

    assert (order.order_type, order.price, order.stop_price) == (order_type, price, stop_price)
    assert (order.side, order.quantity, order.status) == (
        Side.SELL,
        Decimal("0.1"),
        OrderStatus.ACCEPTED,
    )
