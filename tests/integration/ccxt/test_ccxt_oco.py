"""A protective OCO through ccxt's real Binance class: one order list, one lock, read
back as one order; a filled leg expires the other; a cancel withdraws both legs."""

from collections.abc import Callable
from decimal import Decimal

from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.ccxt.test_ccxt_submit_faults import market_buy

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.shared.ids import oco_leg_ids, protective_order_id

Make = Callable[..., CcxtExecution]
ENTRY = "tk" + "b" * 30
PROTECT = protective_order_id(ENTRY, 0)
QTY = Decimal("0.009")  # within what the entry's 0.01 leaves after the venue's BTC fee


def oco() -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=PROTECT,
        directive_id="dir-2",
        symbol="BTC/USDT",
        side=Side.SELL,
        order_type=OrderType.OCO,
        quantity=QTY,
        price=Decimal("52000"),
        stop_price=Decimal("49000"),
        close_semantics=CloseSemantics.REDUCE_ONLY,
    )


def _held(execution: CcxtExecution) -> None:
    execution.submit(market_buy(ENTRY, "0.01"))


def _btc(venue: FakeBinance) -> list[Decimal]:
    return venue.balances["BTC"]


def test_an_oco_is_one_order_list_that_locks_the_holding_once(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    _held(execution)
    order = execution.submit(oco())
    assert (order.client_order_id, order.order_type, order.status) == (
        PROTECT,
        OrderType.OCO,
        OrderStatus.ACCEPTED,
    )
    assert (order.price, order.stop_price, order.quantity) == (Decimal(52000), Decimal(49000), QTY)
    (posted,) = venue.calls("POST", "/api/v3/orderList/oco")
    stop_leg, target_leg = oco_leg_ids(PROTECT)
    assert posted.params["listClientOrderId"] == PROTECT
    assert (posted.params["belowClientOrderId"], posted.params["aboveClientOrderId"]) == (
        stop_leg,
        target_leg,
    )
    assert _btc(venue)[1] == QTY  # locked once, not twice
    # The venue lists two legs; the adapter shows the one order the OMS knows.
    assert [o.client_order_id for o in execution.open_orders()] == [PROTECT]
    assert execution.fetch_order("BTC/USDT", PROTECT).status is OrderStatus.ACCEPTED


def test_a_filled_leg_fills_the_oco_expires_the_other_and_names_its_trade(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    _held(execution)
    execution.submit(oco())
    stop_leg, target_leg = oco_leg_ids(PROTECT)
    venue.fill(stop_leg, QTY)
    assert venue.orders[target_leg].status == "EXPIRED"
    order = execution.fetch_order("BTC/USDT", PROTECT)
    assert (order.status, order.filled_quantity) == (OrderStatus.FILLED, QTY)
    assert order.average_fill_price == Decimal(49000)
    assert execution.open_orders() == ()
    fills = [f for f in execution.own_trades("BTC/USDT") if f.side is Side.SELL]
    assert [(f.client_order_id, f.quantity, f.price) for f in fills] == [
        (PROTECT, QTY, Decimal(49000))
    ]
    assert _btc(venue)[1] == 0


def test_cancelling_an_oco_withdraws_both_legs_and_frees_the_holding(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    _held(execution)
    execution.submit(oco())
    order = execution.cancel("BTC/USDT", PROTECT)
    assert order.status is OrderStatus.CANCELLED
    assert {venue.orders[leg].status for leg in oco_leg_ids(PROTECT)} == {"CANCELED"}
    assert _btc(venue) == [Decimal("0.00999"), Decimal(0)]  # 0.01 bought, less the fee
    # Cancelling again answers the final state, as for any order.
    assert execution.cancel("BTC/USDT", PROTECT).status is OrderStatus.CANCELLED
