"""One script against every `ExecutionPort`: the backtest venue, the paper venue (wrapping a
backtest venue) and ccxt's real Binance class against the loopback fake venue.

Each adapter must answer the same way: a working limit buy is found by its client order
id and listed as open, a cancel finishes it, the quote balance keeps its total while an
order works, a fill shows up in the order, the balances and `own_trades`, and an unknown
client order id is `OrderNotFound`.

What differs by kind, and why it is not checked here:
- how a fill happens: the bar-driven venues (backtest, paper) match a working order
  against the next bar (`on_bar`); the loopback venue has no bars, so the script asks it
  to execute (`FakeBinance.fill`), as its matching engine would;
- fees: the simulated venues charge the blueprint's fee in the quote asset, Binance
  charges a buy in the base asset, so only the fill's quantity, price and side are
  compared;
- free versus locked quote: Binance locks a working buy's quote, the simulated venues
  keep it free until the fill (they reserve only sells); the total is the same.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal

import attrs
import numpy as np
import pytest
from tests.fakes.clock import FakeClock
from tests.integration.ccxt.conftest import API_KEY, API_SECRET, ENV
from tests.integration.ccxt.fake_binance import FakeBinance

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import CcxtSettings, RetryPolicy
from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.ports.execution import ExecutionPort

SYMBOL = "BTC/USDT"
START_CASH = Decimal("100000")  # the loopback venue's USDT balance
QTY = Decimal("0.01")
LIMIT = Decimal("20000")
BAR_MS = 3_600_000


@attrs.frozen(kw_only=True, eq=False)
class PortUnderTest:
    """An adapter and the kind-specific way its venue executes a working order."""

    kind: str
    port: ExecutionPort
    execute: Callable[[str, Decimal], None]


def _bar_fill(on_bar: Callable[[Bar], object]) -> Callable[[str, Decimal], None]:
    def execute(_client_order_id: str, _quantity: Decimal) -> None:
        # The next bar trades down through the limit: a resting buy fills at its price.
        on_bar(
            Bar(
                symbol=SYMBOL,
                ts_ms=BAR_MS,
                open=Decimal("30000"),
                high=Decimal("30000"),
                low=Decimal("19000"),
                close=Decimal("25000"),
                volume=Decimal("1000"),
            )
        )

    return execute


def _simulated() -> BacktestVenue:
    return BacktestVenue(VenueSettings(starting_cash=START_CASH, quote_asset="USDT"))


@pytest.fixture(params=["backtest", "paper", "ccxt"])
def under_test(request: pytest.FixtureRequest) -> Iterator[PortUnderTest]:
    kind = request.param
    if kind == "backtest":
        venue = _simulated()
        yield PortUnderTest(kind=kind, port=venue, execute=_bar_fill(venue.on_bar))
    elif kind == "paper":
        paper = PaperExecution(_simulated(), FakeClock(start_ms=0))
        yield PortUnderTest(kind=kind, port=paper, execute=_bar_fill(paper.on_bar))
    else:
        server = FakeBinance(api_key=API_KEY, secret=API_SECRET).start()
        settings = CcxtSettings(
            api_base_url=server.base_url,
            timeout_ms=2_000,
            symbols=(SYMBOL,),
            enable_rate_limit=False,
            retry=RetryPolicy(lookup_window_s=3.0, lookup_interval_s=1.0),
        )
        execution = CcxtExecution(
            settings, clock=FakeClock(), rng=np.random.default_rng(7), environ=ENV
        )

        def execute(client_order_id: str, quantity: Decimal) -> None:
            server.fill(client_order_id, quantity)

        try:
            yield PortUnderTest(kind=kind, port=execution, execute=execute)
        finally:
            execution.close()
            server.stop()


def _limit_buy(client_order_id: str) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=client_order_id,
        directive_id="conformance",
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=QTY,
        price=LIMIT,
    )


def _quote_total(port: ExecutionPort) -> Decimal:
    return sum((b.total for b in port.balances() if b.asset == "USDT"), Decimal(0))


def test_a_working_limit_buy_is_found_by_client_id_and_listed_open(
    under_test: PortUnderTest,
) -> None:
    port = under_test.port
    acknowledged = port.submit(_limit_buy("conf-open-1"))
    assert (acknowledged.client_order_id, acknowledged.symbol) == ("conf-open-1", SYMBOL)
    assert (acknowledged.side, acknowledged.order_type) == (Side.BUY, OrderType.LIMIT)
    assert (acknowledged.quantity, acknowledged.price) == (QTY, LIMIT)
    assert not acknowledged.status.is_terminal
    fetched = port.fetch_order(SYMBOL, "conf-open-1")
    assert fetched.status == acknowledged.status
    assert (fetched.filled_quantity, fetched.quantity, fetched.price) == (0, QTY, LIMIT)
    assert [o.client_order_id for o in port.open_orders(SYMBOL)] == ["conf-open-1"]
    assert [o.client_order_id for o in port.open_orders()] == ["conf-open-1"]
    assert list(port.own_trades(SYMBOL)) == []
    # the working buy's quote is free (simulated) or locked (Binance): the total stays
    assert _quote_total(port) == START_CASH


def test_a_cancel_finishes_the_order_and_takes_it_off_the_open_list(
    under_test: PortUnderTest,
) -> None:
    port = under_test.port
    port.submit(_limit_buy("conf-cancel-1"))
    cancelled = port.cancel(SYMBOL, "conf-cancel-1")
    assert cancelled.client_order_id == "conf-cancel-1"
    assert cancelled.status is OrderStatus.CANCELLED
    assert port.fetch_order(SYMBOL, "conf-cancel-1").status is OrderStatus.CANCELLED
    assert list(port.open_orders(SYMBOL)) == []
    assert _quote_total(port) == START_CASH
    assert list(port.own_trades(SYMBOL)) == []


def test_a_fill_shows_in_the_order_the_balances_and_own_trades(
    under_test: PortUnderTest,
) -> None:
    port = under_test.port
    port.submit(_limit_buy("conf-fill-1"))
    under_test.execute("conf-fill-1", QTY)
    order = port.fetch_order(SYMBOL, "conf-fill-1")
    assert order.status is OrderStatus.FILLED
    assert (order.filled_quantity, order.average_fill_price) == (QTY, LIMIT)
    assert list(port.open_orders(SYMBOL)) == []
    (trade,) = port.own_trades(SYMBOL)
    assert (trade.client_order_id, trade.symbol, trade.side) == ("conf-fill-1", SYMBOL, Side.BUY)
    assert (trade.quantity, trade.price) == (QTY, LIMIT)
    assert trade.trade_id
    assert list(port.own_trades("ETH/USDT")) == []
    balances = {b.asset: b for b in port.balances()}
    # the base arrived (less a base fee on Binance), the quote paid for it
    assert Decimal(0) < balances["BTC"].total <= QTY
    assert _quote_total(port) <= START_CASH - QTY * LIMIT


def test_an_unknown_client_order_id_is_order_not_found(under_test: PortUnderTest) -> None:
    with pytest.raises(OrderNotFound):
        under_test.port.fetch_order(SYMBOL, "conf-never-sent")
    with pytest.raises(OrderNotFound):
        under_test.port.cancel(SYMBOL, "conf-never-sent")
