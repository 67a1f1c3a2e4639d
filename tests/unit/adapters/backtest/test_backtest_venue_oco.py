"""Protective OCO orders on the backtest venue: the stop first, the level or the gapped
open, one lock of the holding, exit reasons, and matching on the entry's own bar."""

from decimal import Decimal

import pytest

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import (
    CloseSemantics,
    ExitReason,
    Liquidity,
    OrderStatus,
    OrderType,
    Side,
)
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.shared.ids import protective_order_id

D = Decimal
SYMBOL = "BTC/USD"
ENTRY = "tk" + "0" * 30
PROTECT = protective_order_id(ENTRY, 0)


def bar(ts: int, o: str, h: str, low: str, c: str) -> Bar:
    return Bar(symbol=SYMBOL, ts_ms=ts, open=D(o), high=D(h), low=D(low), close=D(c), volume=D(9))


def _buy(cid: str, kind: OrderType = OrderType.MARKET, price: str | None = None) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=kind,
        quantity=D(1),
        price=None if price is None else D(price),
    )


def _venue(entry_bar: Bar | None = None) -> BacktestVenue:
    venue = BacktestVenue(
        VenueSettings(maker_fee=D(0), taker_fee=D(0), slippage_bps=D(10), starting_cash=D(1_000))
    )
    venue.submit(_buy(ENTRY))
    venue.on_bar(entry_bar or bar(1, "100", "100", "100", "100"))
    return venue


def oco(stop: str = "95", target: str = "110", qty: str = "1", **kw: object) -> ExecutionIntent:
    fields: dict[str, object] = {
        "client_order_id": PROTECT,
        "directive_id": "d",
        "symbol": SYMBOL,
        "side": Side.SELL,
        "order_type": OrderType.OCO,
        "quantity": D(qty),
        "price": D(target),
        "stop_price": D(stop),
        "close_semantics": CloseSemantics.REDUCE_ONLY,
    }
    fields.update(kw)
    return ExecutionIntent(**fields)  # type: ignore[arg-type]


def test_a_bar_touching_both_legs_fills_the_stop_first() -> None:
    venue = _venue()
    venue.submit(oco())
    (fill,) = venue.on_bar(bar(2, "100", "111", "94", "100"))
    assert fill.price == D("95") * D("0.999")  # the stop, then the slippage
    assert fill.liquidity is Liquidity.TAKER
    assert venue.fetch_order(SYMBOL, PROTECT).status is OrderStatus.FILLED
    assert venue.closed_trades()[0].exit_reason is ExitReason.STOP


def test_a_gap_below_the_stop_fills_at_the_open() -> None:
    venue = _venue()
    venue.submit(oco())
    (fill,) = venue.on_bar(bar(2, "90", "92", "89", "91"))
    assert fill.price == D("90") * D("0.999")


def test_the_target_fills_at_the_level_or_the_gapped_open_as_a_maker() -> None:
    venue = _venue()
    venue.submit(oco())
    (fill,) = venue.on_bar(bar(2, "100", "112", "99", "100"))
    assert (fill.price, fill.liquidity) == (D("110"), Liquidity.MAKER)
    assert venue.closed_trades()[0].exit_reason is ExitReason.TARGET
    gapped = _venue()
    gapped.submit(oco())
    (fill,) = gapped.on_bar(bar(2, "115", "116", "114", "115"))
    assert fill.price == D("115")


def test_an_oco_locks_the_holding_once() -> None:
    venue = _venue()
    venue.submit(oco())
    base = {b.asset: b for b in venue.balances()}["BTC"]
    assert (base.free, base.locked) == (D(0), D(1))
    venue.cancel(SYMBOL, PROTECT)
    base = {b.asset: b for b in venue.balances()}["BTC"]
    assert (base.free, base.locked) == (D(1), D(0))


def test_match_placed_matches_only_the_named_orders_against_the_last_bar() -> None:
    venue = _venue(bar(1, "100", "101", "99", "100"))
    assert venue.match_placed(SYMBOL, (PROTECT,)) == ()
    venue.submit(_buy("tk-other", OrderType.LIMIT, "99.8"))  # would fill on that bar
    venue.submit(oco(stop="99.5"))
    (fill,) = venue.match_placed(SYMBOL, (PROTECT,))
    assert (fill.client_order_id, fill.ts_ms) == (PROTECT, 1)
    assert fill.price == D("99.5") * D("0.999")
    assert venue.fetch_order(SYMBOL, "tk-other").status is OrderStatus.ACCEPTED
    assert venue.closed_trades()[0].exit_reason is ExitReason.STOP


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"close_semantics": CloseSemantics.OPEN}, "reduce-only"),
        ({"stop_price": D("111")}, "losing side"),
        ({"price": None}, "positive price"),
    ],
)
def test_an_oco_that_protects_nothing_or_inverts_its_legs_is_refused(
    changes: dict[str, object], problem: str
) -> None:
    venue = _venue()
    with pytest.raises(Rejected, match=problem):
        venue.submit(oco(**changes))


def test_a_plan_stop_that_closes_exits_by_trailing_and_a_market_close_by_signal() -> None:
    venue = _venue()
    venue.submit(
        ExecutionIntent(
            client_order_id="tk-plan-stop",
            directive_id="d",
            symbol=SYMBOL,
            side=Side.SELL,
            order_type=OrderType.STOP,
            quantity=D(1),
            stop_price=D(99),
            close_semantics=CloseSemantics.REDUCE_ONLY,
        )
    )
    venue.on_bar(bar(2, "100", "100", "98", "99"))
    assert venue.closed_trades()[0].exit_reason is ExitReason.TRAILING
