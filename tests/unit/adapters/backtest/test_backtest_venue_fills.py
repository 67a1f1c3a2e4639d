"""Fill rules of the backtest venue on handcrafted bars, with exact decimal expectations."""

from decimal import Decimal

import pytest

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.errors import InsufficientFunds, OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar

D = Decimal
SYMBOL = "BTC/USD"
NO_FEES = VenueSettings(maker_fee=D(0), taker_fee=D(0), starting_cash=D(100_000))


def bar(ts: int, o: str, h: str, low: str, c: str, v: str = "1000", symbol: str = SYMBOL) -> Bar:
    return Bar(symbol=symbol, ts_ms=ts, open=D(o), high=D(h), low=D(low), close=D(c), volume=D(v))


def intent(
    cid: str,
    side: Side,
    qty: str,
    order_type: OrderType = OrderType.MARKET,
    price: str | None = None,
    stop: str | None = None,
    symbol: str = SYMBOL,
    tif: TimeInForce = TimeInForce.GTC,
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol=symbol,
        side=side,
        order_type=order_type,
        quantity=D(qty),
        price=None if price is None else D(price),
        stop_price=None if stop is None else D(stop),
        time_in_force=tif,
    )


def test_market_buy_fills_at_next_open_plus_slippage_and_pays_taker_fee() -> None:
    venue = BacktestVenue(
        VenueSettings(
            maker_fee=D("0.0002"),
            taker_fee=D("0.001"),
            slippage_bps=D(10),
            starting_cash=D(10_000),
        )
    )
    venue.submit(intent("m1", Side.BUY, "0.5"))
    fills = venue.on_bar(bar(1, "100", "110", "90", "105"))
    assert len(fills) == 1
    fill = fills[0]
    assert fill.price == D("100.1")  # 100 * (1 + 10 bps)
    assert fill.quantity == D("0.5")
    assert fill.fee == D("0.05005")  # 50.05 * 0.001
    assert fill.liquidity is Liquidity.TAKER
    assert fill.trade_id == "m1-1"
    assert fill.ts_ms == 1
    assert venue.cash() == D("9949.89995")
    assert venue.fetch_order(SYMBOL, "m1").status is OrderStatus.FILLED
    assert not venue.has_open_orders(SYMBOL)


def test_market_sell_fills_at_next_open_minus_slippage() -> None:
    venue = BacktestVenue(
        VenueSettings(maker_fee=D(0), taker_fee=D(0), slippage_bps=D(25), starting_cash=D(1000))
    )
    venue.submit(intent("b", Side.BUY, "1"))
    venue.on_bar(bar(1, "200", "200", "200", "200"))
    venue.submit(intent("s", Side.SELL, "1"))
    (fill,) = venue.on_bar(bar(2, "400", "410", "390", "400"))
    assert fill.price == D("399.0000")  # 400 * (1 - 25 bps)
    assert venue.cash() == D(1000) - D("200.5") + D(399)  # the buy slipped to 200.5 too


def test_limit_buy_fills_at_limit_when_low_touches_it_exactly() -> None:
    venue = BacktestVenue(VenueSettings(maker_fee=D("0.0002"), starting_cash=D(10_000)))
    venue.submit(intent("l1", Side.BUY, "2", OrderType.LIMIT, price="95"))
    assert venue.on_bar(bar(1, "100", "101", "95.01", "100")) == []
    (fill,) = venue.on_bar(bar(2, "100", "101", "95", "99"))
    assert fill.price == D("95")
    assert fill.liquidity is Liquidity.MAKER
    assert fill.fee == D("0.0380")  # 190 * 0.0002
    assert venue.cash() == D("9809.9620")


def test_limit_buy_fills_at_open_when_bar_gaps_below_limit() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("l", Side.BUY, "1", OrderType.LIMIT, price="95"))
    (fill,) = venue.on_bar(bar(1, "90", "96", "88", "93"))
    assert fill.price == D("90")


def test_limit_sell_touch_and_gap_mirror_the_buy() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("b", Side.BUY, "2"))
    venue.on_bar(bar(1, "100", "100", "100", "100"))
    venue.submit(intent("s1", Side.SELL, "1", OrderType.LIMIT, price="110"))
    assert venue.on_bar(bar(2, "100", "109.99", "99", "105")) == []
    (touch,) = venue.on_bar(bar(3, "105", "110", "104", "108"))
    assert touch.price == D("110")
    venue.submit(intent("s2", Side.SELL, "1", OrderType.LIMIT, price="110"))
    (gap,) = venue.on_bar(bar(4, "115", "116", "112", "113"))
    assert gap.price == D("115")


def test_stop_buy_triggers_on_high_and_fills_at_stop_or_gapped_open() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("st1", Side.BUY, "1", OrderType.STOP, stop="105"))
    assert venue.on_bar(bar(1, "100", "104.99", "99", "104")) == []
    (at_stop,) = venue.on_bar(bar(2, "101", "106", "100", "105"))
    assert at_stop.price == D("105")
    assert at_stop.liquidity is Liquidity.TAKER
    venue.submit(intent("st2", Side.BUY, "1", OrderType.STOP, stop="105"))
    (gapped,) = venue.on_bar(bar(3, "108", "109", "107", "108"))
    assert gapped.price == D("108")


def test_stop_sell_triggers_on_low_and_fills_at_min_of_stop_and_open_with_slippage() -> None:
    venue = BacktestVenue(
        VenueSettings(maker_fee=D(0), taker_fee=D(0), slippage_bps=D(100), starting_cash=D(1000))
    )
    venue.submit(intent("b", Side.BUY, "2"))
    venue.on_bar(bar(1, "100", "100", "100", "100"))  # 100 * 1.01 = 101
    venue.submit(intent("sl1", Side.SELL, "1", OrderType.STOP, stop="90"))
    (at_stop,) = venue.on_bar(bar(2, "95", "96", "89", "92"))
    assert at_stop.price == D("89.10")  # 90 * 0.99
    venue.submit(intent("sl2", Side.SELL, "1", OrderType.STOP, stop="90"))
    (gapped,) = venue.on_bar(bar(3, "80", "85", "79", "84"))
    assert gapped.price == D("79.20")  # open 80 * 0.99


def test_stop_limit_triggers_then_rests_as_limit_from_the_next_bar() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("sl", Side.BUY, "1", OrderType.STOP_LIMIT, price="106", stop="105"))
    # Triggers (high 107 >= 105); low 104 would reach the limit, but not in the trigger bar.
    assert venue.on_bar(bar(1, "104", "107", "104", "106")) == []
    assert venue.has_open_orders(SYMBOL)
    assert venue.on_bar(bar(2, "108", "110", "106.5", "109")) == []
    (fill,) = venue.on_bar(bar(3, "107", "108", "105.5", "106"))
    assert fill.price == D("106")
    assert fill.liquidity is Liquidity.MAKER


def test_participation_cap_fills_partially_across_bars() -> None:
    venue = BacktestVenue(
        VenueSettings(
            maker_fee=D(0), taker_fee=D("0.001"), participation=D("0.1"), starting_cash=D(10_000)
        )
    )
    venue.submit(intent("p", Side.BUY, "25"))
    (first,) = venue.on_bar(bar(1, "10", "10", "10", "10", v="100"))
    assert first.quantity == D("10.0")
    order = venue.fetch_order(SYMBOL, "p")
    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert order.filled_quantity == D("10.0")
    assert venue.on_bar(bar(2, "11", "11", "11", "11", v="0")) == []  # no volume, no fill
    (second,) = venue.on_bar(bar(3, "12", "12", "12", "12", v="120"))
    assert second.quantity == D("12.0")
    assert second.price == D("12")  # the remainder of a market order trades at the new open
    (third,) = venue.on_bar(bar(4, "11", "11", "11", "11", v="1000"))
    assert third.quantity == D("3.0")
    assert [f.trade_id for f in venue.own_trades()] == ["p-1", "p-2", "p-3"]
    done = venue.fetch_order(SYMBOL, "p")
    assert done.status is OrderStatus.FILLED
    assert done.average_fill_price == D("277") / D("25")  # (100 + 144 + 33) / 25
    assert venue.fees_paid == D("0.277")
    assert venue.cash() == D(10_000) - D("277") - D("0.277")


def test_participation_cap_is_shared_by_orders_on_the_same_bar() -> None:
    venue = BacktestVenue(
        VenueSettings(maker_fee=D(0), taker_fee=D(0), participation=D("0.5"), starting_cash=D(1e4))
    )
    venue.submit(intent("a", Side.BUY, "4"))
    venue.submit(intent("b", Side.BUY, "4"))
    fills = venue.on_bar(bar(1, "10", "10", "10", "10", v="10"))
    assert [(f.client_order_id, f.quantity) for f in fills] == [("a", D(4)), ("b", D(1))]


def test_buy_the_cash_cannot_pay_is_rejected_at_fill_time_without_a_fill() -> None:
    venue = BacktestVenue(VenueSettings(taker_fee=D("0.01"), starting_cash=D(100)))
    venue.submit(intent("big", Side.BUY, "1"))
    # 1 * 100 = 100 notional + 1 fee > 100 cash.
    assert venue.on_bar(bar(1, "100", "100", "100", "100")) == []
    order = venue.fetch_order(SYMBOL, "big")
    assert order.status is OrderStatus.REJECTED
    assert order.filled_quantity == 0
    assert venue.cash() == D(100)
    assert venue.own_trades() == []
    assert "cannot pay" in (venue.rejection_reason("big") or "")
    assert not venue.has_open_orders()


def test_buy_exactly_affordable_with_fee_fills() -> None:
    venue = BacktestVenue(VenueSettings(taker_fee=D("0.01"), starting_cash=D(101)))
    venue.submit(intent("ok", Side.BUY, "1"))
    (fill,) = venue.on_bar(bar(1, "100", "100", "100", "100"))
    assert fill.fee == D("1.00")
    assert venue.cash() == 0


def test_sell_above_holdings_is_rejected_at_submit() -> None:
    venue = BacktestVenue(NO_FEES)
    with pytest.raises(Rejected, match=r"exceeds the free holding 0"):
        venue.submit(intent("s", Side.SELL, "1"))
    venue.submit(intent("b", Side.BUY, "1"))
    venue.on_bar(bar(1, "10", "10", "10", "10"))
    venue.submit(intent("s1", Side.SELL, "0.6", OrderType.LIMIT, price="20"))
    # 0.6 is reserved by the working sell, only 0.4 is free.
    with pytest.raises(InsufficientFunds, match=r"free holding 0.4"):
        venue.submit(intent("s2", Side.SELL, "0.5"))
    venue.cancel(SYMBOL, "s1")
    venue.submit(intent("s3", Side.SELL, "1"))


def test_duplicate_client_order_id_is_rejected() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("x", Side.BUY, "1", OrderType.LIMIT, price="1"))
    with pytest.raises(Rejected, match="duplicate client order id") as info:
        venue.submit(intent("x", Side.BUY, "1", OrderType.LIMIT, price="1"))
    assert info.value.client_order_id == "x"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (intent("q", Side.BUY, "0"), "quantity must be positive"),
        (intent("l", Side.BUY, "1", OrderType.LIMIT), "needs a positive price"),
        (intent("s", Side.BUY, "1", OrderType.STOP), "needs a positive stop_price"),
        (intent("e", Side.BUY, "1", symbol="ETH/EUR"), "not quoted in USD"),
    ],
)
def test_malformed_orders_are_rejected_at_submit(bad: ExecutionIntent, message: str) -> None:
    with pytest.raises(Rejected, match=message):
        BacktestVenue(NO_FEES).submit(bad)


def test_cancel_stops_matching_and_unknown_order_raises() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("l", Side.BUY, "1", OrderType.LIMIT, price="95"))
    cancelled = venue.cancel(SYMBOL, "l")
    assert cancelled.status is OrderStatus.CANCELLED
    assert venue.open_orders() == []
    assert venue.on_bar(bar(1, "90", "91", "80", "85")) == ()
    assert venue.cancel(SYMBOL, "l").status is OrderStatus.CANCELLED
    with pytest.raises(OrderNotFound):
        venue.cancel(SYMBOL, "nope")
    with pytest.raises(OrderNotFound):
        venue.fetch_order("ETH/USD", "l")


def test_ioc_expires_its_unfilled_rest_after_one_bar_and_fok_fills_all_or_nothing() -> None:
    venue = BacktestVenue(
        VenueSettings(maker_fee=D(0), taker_fee=D(0), participation=D(1), starting_cash=D(1e4))
    )
    venue.submit(intent("ioc", Side.BUY, "5", tif=TimeInForce.IOC))
    (fill,) = venue.on_bar(bar(1, "10", "10", "10", "10", v="3"))
    assert fill.quantity == D(3)
    assert venue.fetch_order(SYMBOL, "ioc").status is OrderStatus.EXPIRED
    venue.submit(intent("fok", Side.BUY, "5", tif=TimeInForce.FOK))
    assert venue.on_bar(bar(2, "10", "10", "10", "10", v="3")) == []
    assert venue.fetch_order(SYMBOL, "fok").status is OrderStatus.EXPIRED


def test_bars_of_other_symbols_do_not_touch_orders_and_time_must_advance() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("b", Side.BUY, "1"))
    assert venue.on_bar(bar(1, "10", "10", "10", "10", symbol="ETH/USD")) == ()
    assert venue.has_open_orders(SYMBOL)
    assert not venue.has_open_orders("ETH/USD")
    venue.on_bar(bar(5, "10", "10", "10", "10"))
    with pytest.raises(ValueError, match="not after the last bar"):
        venue.on_bar(bar(5, "10", "10", "10", "10"))


def test_balances_positions_and_equity_across_two_symbols() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("b1", Side.BUY, "2"))
    venue.submit(intent("e1", Side.BUY, "10", symbol="ETH/USD"))
    venue.on_bar(bar(1, "100", "100", "100", "100"))
    venue.on_bar(bar(1, "5", "5", "5", "5", symbol="ETH/USD"))
    venue.submit(intent("b2", Side.BUY, "2"))
    venue.on_bar(bar(2, "110", "110", "110", "110"))
    venue.submit(intent("s1", Side.SELL, "1", OrderType.LIMIT, price="200"))
    assert venue.cash() == D(100_000) - D(200) - D(50) - D(220)
    (btc, eth) = venue.positions()
    assert (btc.symbol, btc.quantity, btc.avg_entry_price) == (SYMBOL, D(4), D(105))
    assert (eth.symbol, eth.quantity, eth.avg_entry_price) == ("ETH/USD", D(10), D(5))
    balances = {b.asset: b for b in venue.balances()}
    assert balances["USD"].free == venue.cash()
    assert (balances["BTC"].free, balances["BTC"].locked) == (D(3), D(1))
    assert balances["ETH"].total == D(10)
    marks = {SYMBOL: D(120), "ETH/USD": D(4)}
    assert venue.equity(marks) == venue.cash() + D(480) + D(40)
    with pytest.raises(KeyError, match="ETH/USD"):
        venue.equity({SYMBOL: D(1)})


def test_a_finished_order_is_kept_as_its_final_snapshot() -> None:
    venue = BacktestVenue(NO_FEES)
    venue.submit(intent("f1", Side.BUY, "0.5"))
    venue.submit(intent("c1", Side.BUY, "0.5", OrderType.LIMIT, price="50"))
    venue.on_bar(bar(1, "100", "110", "90", "105"))
    cancelled = venue.cancel(SYMBOL, "c1")
    filled = venue.fetch_order(SYMBOL, "f1")
    # No snapshot is built per call any more: the final one is returned every time.
    assert venue.fetch_order(SYMBOL, "f1") is filled
    assert venue.fetch_order(SYMBOL, "c1") is cancelled
    assert venue.cancel(SYMBOL, "c1") is cancelled
    assert filled.status is OrderStatus.FILLED
    assert (filled.filled_quantity, filled.average_fill_price, filled.updated_ms) == (
        D("0.5"),
        D(100),
        1,
    )
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.filled_quantity == 0
    with pytest.raises(OrderNotFound):
        venue.fetch_order("ETH/USD", "f1")
    with pytest.raises(Rejected):
        venue.submit(intent("f1", Side.BUY, "0.5"))
